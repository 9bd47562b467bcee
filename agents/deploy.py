"""Deploy: commits the chosen fix, pushes it (never forced), triggers the platform; rolls back by revert."""

from __future__ import annotations

from agents.context import AgentContext
from agents.strategies import NO_CHANGE
from memory.errors import PlatformError, PushRefused
from memory.models import Deployment, FailureReport, FixCandidate, ValidationResult

TRAILER = "Swarm-Session"


def commit_message(session_id: str, attempt: int, report: FailureReport, candidate: FixCandidate,
                   validation: ValidationResult | None, failed: Deployment | None, also: FailureReport | None = None) -> str:
    summary = subject(f"swarm: {candidate.summary}")
    checks = ", ".join(f"{c.name} {'ok' if c.ok else 'FAILED'}" for c in (validation.checks if validation else []))
    lines = [
        summary,
        "",
        f"Issue: deploy {failed.id if failed else '?'} of {failed.sha[:12] if failed else '?'} failed ({report.category}"
        + (f": {report.entity}" if report.entity else "") + ")",
        f"Root cause: {root_cause(report)[:200]}",
        *([f"Also: {also.category}" + (f" ({also.entity})" if also.entity else "")
           + f", found by the start-up check of the first fix: {root_cause(also)[:160]}"] if also else []),
        f"Fix: {candidate.strategy}: {candidate.summary}",
        f"Validation: {'passed' if validation and validation.passed else 'not run'}"
        + (f" on {validation.base_sha[:12]}" if validation and validation.base_sha else "") + (f" ({checks})" if checks else ""),
        "",
        f"{TRAILER}: {session_id}",
        f"Swarm-Attempt: {attempt}",
    ]
    return "\n".join(lines) + "\n"


def subject(text: str, limit: int = 72) -> str:
    """A commit subject of at most ``limit`` characters, cut at a word and never inside a parenthesis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    hard = text[: limit - 1]
    cut = hard[: hard.rfind(" ")] if hard.rfind(" ") > limit // 2 else hard
    while cut.count("(") > cut.count(")") and cut.rfind("(") > limit // 2:
        cut = cut[: cut.rfind("(")].rstrip()
    return cut.rstrip(" ,;:-") + "…"


def root_cause(report: FailureReport) -> str:
    return report.root_cause or report.summary or report.category


def _fenced(ctx: AgentContext) -> None:
    """The last check before a push: the service's lock is still this session's."""
    why = ctx.fence()
    if why:
        ctx.emit("fenced", {"why": why})
        raise PushRefused(f"not pushing: {why}")


def ship(ctx: AgentContext, session_id: str, attempt: int, report: FailureReport, candidate: FixCandidate,
         validation: ValidationResult | None, failed: Deployment, also: FailureReport | None = None,
         onto: str | None = None) -> tuple[Deployment, str | None, str]:
    """Publish the candidate (idempotent per session+attempt) on ``onto`` (default: the failed commit) and deploy
    it. Returns (deploy, commit, what happened to the user's checkout). Raises RemoteMoved when the branch moved past ``onto``, PushRefused when the
    remote refuses."""
    if candidate.strategy in NO_CHANGE and not candidate.diff.strip():
        delay = float(candidate.params.get("delay_s", 0) or 0)
        if delay:
            ctx.emit("cooldown", {"seconds": delay, "why": candidate.summary})
            ctx.clock.sleep(delay)
        dep = ctx.platform.deploy(failed.sha, key=f"{session_id}:{attempt}", kind="redeploy", attempt=attempt)
        return dep, None, ""
    message = commit_message(session_id, attempt, report, candidate, validation, failed, also)
    _fenced(ctx)
    published = ctx.workspace.publish(candidate.diff, message, onto or failed.sha, session_id, attempt)
    ctx.emit("pushed", {"sha": published.sha, "reused": published.reused, "attempt": attempt, "checkout": published.checkout})
    dep = ctx.platform.deploy(published.sha, key=f"{session_id}:{attempt}", kind="fix", attempt=attempt)
    return dep, published.sha, published.checkout


def rollback(ctx: AgentContext, session_id: str, attempt: int, good_sha: str, bad: Deployment, why: str,
             good_deploy: Deployment | None = None) -> tuple[Deployment, str, str]:
    """Restore the last healthy release.

    A commit restoring the last good tree is always pushed, so the branch matches what serves (a
    later push cannot bring the regression back). With ``rollback = "auto"`` and the good deploy
    known, the platform's own rollback restores it without a rebuild; otherwise that commit is
    built and deployed like any other.
    """
    native = ctx.options.rollback == "auto" and good_deploy is not None and good_deploy.sha == good_sha
    how = (f"restore deploy {good_deploy.id} with the platform's rollback; " if native and good_deploy else "")
    message = "\n".join([
        f"swarm: roll back to {good_sha[:12]}",
        "",
        f"Issue: deploy {bad.id} of {bad.sha[:12]} regressed after going live",
        f"Root cause: {why[:200]}",
        f"Fix: {how}revert every commit after {good_sha[:12]} (the last healthy release)",
        "Validation: the reverted tree is the one that was live and healthy",
        "",
        f"{TRAILER}: {session_id}",
        f"Swarm-Attempt: {attempt}",
    ]) + "\n"
    _fenced(ctx)
    published = ctx.workspace.revert_to(good_sha, message, session_id, attempt, expect_head=bad.sha)
    ctx.emit("pushed", {"sha": published.sha, "reused": published.reused, "attempt": attempt, "rollback": True,
                        "checkout": published.checkout})
    if native and good_deploy is not None:
        try:
            dep = ctx.platform.rollback(good_deploy, key=f"{session_id}:{attempt}", attempt=attempt)
        except PlatformError as exc:  # e.g. the vendor no longer keeps that build: the revert commit still restores it
            ctx.emit("platform_rollback_refused", {"to": good_deploy.id, "why": str(exc)[:300]})
            dep = None
        if dep is not None:
            ctx.emit("platform_rollback", {"to": good_deploy.id, "deploy": dep.id})
            return dep, published.sha, published.checkout
    dep = ctx.platform.deploy(published.sha, key=f"{session_id}:{attempt}", kind="rollback", attempt=attempt)
    return dep, published.sha, published.checkout
