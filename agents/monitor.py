"""Monitor: waits for a deploy to finish, fetches its logs, checks health."""

from __future__ import annotations

from agents.context import AgentContext
from memory.models import REPLACED_STATUSES, TERMINAL_STATUSES, DeployLogs, Deployment, ProbeResult

MAX_FOLLOW = 5
"""How many replacements of the same commit's deploy are followed before the monitor gives up."""


def wait_for(ctx: AgentContext, deploy: Deployment) -> Deployment:
    """Poll with backoff until the deploy is terminal or the per-attempt timeout passes.

    A deploy that ends replaced (an overlap policy canceled it, a newer deployment superseded it) is
    not a result: it is followed to the newest deploy of the same commit. When a deploy of another
    commit took over, the replaced deploy is returned with ``replaced_by`` set, for the graph to decide.
    """
    opts = ctx.options
    start = ctx.clock.now()
    delay = opts.poll_initial_s
    last_status = None
    followed = 0
    while True:
        current = ctx.platform.status(deploy.id)
        current = current.model_copy(update={"kind": deploy.kind, "attempt": deploy.attempt,
                                             "trigger": current.trigger or deploy.trigger})
        if current.status != last_status:
            ctx.emit("deploy_status", {"deploy": current.id, "sha": current.sha, "status": current.status})
            last_status = current.status
        if current.status in REPLACED_STATUSES and followed < MAX_FOLLOW:
            nxt = ctx.platform.successor(current)
            if nxt is not None and nxt.sha == current.sha:
                ctx.emit("deploy_followed", {"from": current.id, "to": nxt.id, "sha": nxt.sha, "why": current.status})
                deploy = nxt.model_copy(update={"kind": deploy.kind, "attempt": deploy.attempt, "trigger": nxt.trigger or "push"})
                followed, last_status, delay = followed + 1, None, opts.poll_initial_s
                continue
            if nxt is not None:
                return current.model_copy(update={"replaced_by": nxt.id})
            return current
        if current.status in TERMINAL_STATUSES:
            return current
        elapsed = ctx.clock.now() - start
        if elapsed >= opts.attempt_timeout_s:
            ctx.platform.cancel(deploy.id)
            return current.model_copy(update={
                "status": "timed_out",
                "message": f"deploy did not finish within attempt_timeout_s={opts.attempt_timeout_s:.0f}s (last status {current.status}); canceled",
            })
        pause = min(delay, max(0.05, opts.attempt_timeout_s - elapsed))
        waiter = getattr(ctx.platform, "wait_change", None)
        if waiter is not None:  # a platform that can say when a deploy changes: wait on that, at most one poll step
            waiter(deploy.id, pause)
        else:
            ctx.clock.sleep(pause)
        delay = min(delay * 1.6, opts.poll_max_s)


def probe(ctx: AgentContext, deploy: Deployment, path: str) -> ProbeResult:
    url = ctx.platform.health_url(deploy.id, path)
    if url is None:
        return ProbeResult(path=path, ok=False, detail="the platform gives no URL for this deploy")
    return ctx.prober.get(url, timeout=ctx.options.probe_timeout_s)


def check_health(ctx: AgentContext, deploy: Deployment) -> ProbeResult:
    """``GET <health_path>`` must answer 200 with a JSON body."""
    return probe(ctx, deploy, ctx.options.health_path)


def watch(ctx: AgentContext, deploy: Deployment) -> tuple[Deployment, DeployLogs]:
    final = wait_for(ctx, deploy)
    if final.status in REPLACED_STATUSES:  # another deploy took over: nothing of this one is analysed
        return final.model_copy(update={"healthy": False}), DeployLogs()
    logs = ctx.platform.logs(final.id)
    if final.status == "live":
        health = check_health(ctx, final)
        final = final.model_copy(update={"healthy": health.ok, "health_detail": health.detail or f"HTTP {health.status}"})
        if not health.ok:
            final = final.model_copy(update={"status": "failed", "message": f"live but unhealthy: {final.health_detail}"})
            logs = logs.model_copy(update={"runtime": logs.runtime + f"\n[swarm] health check failed: GET {ctx.options.health_path}: {health.detail}\n"})
    else:
        final = final.model_copy(update={"healthy": False})
        if final.status == "timed_out":
            logs = logs.model_copy(update={"build": logs.build + f"\n[swarm] {final.message}\n"})
    return final, logs


def verify(ctx: AgentContext, deploy: Deployment, baseline: list[ProbeResult] | None = None) -> tuple[bool | None, list[ProbeResult], str]:
    """Probe health and ``probe_paths`` on the live release.

    Returns (ok, probes, why): ok is False on a regression (a 5xx where the baseline had none,
    or an error rate above the threshold), None when measurements are missing (inconclusive).
    """
    paths = [ctx.options.health_path, *[p for p in ctx.options.probe_paths if p != ctx.options.health_path]]
    probes = [probe(ctx, deploy, p) for p in paths]
    missing = [p for p in probes if p.status is None]
    if missing:
        return None, probes, "no answer from " + ", ".join(p.path for p in missing) + " (inconclusive, not a pass)"
    errors = [p for p in probes if p.status is not None and p.status >= 500]
    base_errors = [p for p in (baseline or []) if p.status is not None and p.status >= 500]
    rate = len(errors) / len(probes)
    base_rate = len(base_errors) / len(baseline) if baseline else 0.0
    if errors and not base_errors:
        return False, probes, "5xx where the previous release had none: " + ", ".join(f"GET {p.path} → {p.status}" for p in errors)
    if baseline and rate > base_rate * (1 + ctx.options.error_rate_threshold):
        return False, probes, f"error rate {rate:.0%} vs {base_rate:.0%} on the previous release"
    if not probes[0].ok:
        return False, probes, f"health check failed: {probes[0].detail}"
    if not baseline:  # nothing served before: there is no "as before" to compare with
        return True, probes, ("health answers 200" + (f" and {len(probes) - 1} probe path(s) answer without a 5xx"
                                                       if len(probes) > 1 else "") + " (no earlier release to compare with)")
    return True, probes, "health and probes answer as before"
