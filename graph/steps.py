"""One step per node, shared by the graph and the fallback loop: ``step(state, deps) -> partial update``.

Steps are idempotent where they touch the world: deploys are keyed by session+attempt, pushes
check the remote first, so a step re-run after a crash or a resume does not act twice.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Literal

from agents import (
    analyzer,
    deploy,
    fixer,
    learner,
    llm_analyst,
    llm_context,
    monitor,
    optimizer,
    report_html,
    reporter,
    validator,
)
from graph import rehearsal
from graph.deps import Deps, time_split
from graph.routing import stop_reason
from memory.artifacts import llm_usage
from memory.errors import PushRefused, RemoteMoved
from memory.models import (
    REPLACED_STATUSES,
    Deployment,
    FixCandidate,
    Outcome,
    SwarmState,
    TriedFix,
    ValidationResult,
)
from memory.redact import redact_obj

log = logging.getLogger(__name__)
Update = dict[str, Any]
MAX_STACK = 2
"""How many fixes may be stacked locally before one deploy."""


def _replace(deploys: list[Deployment], dep: Deployment) -> list[Deployment]:
    out = [d for d in deploys if d.id != dep.id]
    out.append(dep)
    return out


def monitor_step(state: SwarmState, deps: Deps) -> Update:
    ctx = deps.ctx
    up: Update = {}
    current = state.current
    if current is None:
        live = ctx.platform.live()
        if live is not None and live.sha and live.sha != state.initial_sha:
            up["last_good_sha"], up["last_good_deploy"] = live.sha, live
            _, baseline, _ = monitor.verify(ctx, live)
            up["baseline"] = baseline
        elif live is not None and live.sha == state.initial_sha:
            # the push's own deploy already serves: the release before it is the rollback target (no baseline)
            before = ctx.platform.previous(live)
            if before is not None and before.sha:
                up["last_good_sha"], up["last_good_deploy"] = before.sha, before
        current = ctx.platform.deploy(state.initial_sha, key=f"{state.session_id}:0", kind="initial", attempt=0)
        deps.event("deploy_started", {"deploy": current.id, "sha": current.sha, "deploy_kind": "initial"})
        deps.session_fields({"status": "watching", "deploy": current.id})
    rehearsal.start(state, current, deps)  # the sandbox starts the same commit while the platform deploys it
    final, logs = monitor.watch(ctx, current)
    rehearsal.verdict(deps, current.sha, failed=not (final.status == "live" and final.healthy))
    notes = list(state.platform_notes)
    deploys = list(state.deploys)
    for _ in range(monitor.MAX_FOLLOW):
        if final.status not in REPLACED_STATUSES or not final.replaced_by:
            break
        nxt = ctx.platform.status(final.replaced_by)
        if state.tried and nxt.sha not in _own_commits(state, deps):
            break  # a newer push by someone else: decided below
        # nothing of swarm's is deploying yet, or swarm's own later commit (a revert) took over: follow it
        notes.append(f"deploy {final.id} of {final.sha[:12]} ended {final.status}: deploy {nxt.id} of a newer commit "
                     f"{nxt.sha[:12]} took over, so the session verifies {nxt.sha[:12]} instead")
        deps.event("deploy_followed", {"from": final.id, "to": nxt.id, "sha": nxt.sha, "why": final.status})
        deploys = _replace(deploys, final)
        final, logs = monitor.watch(ctx, nxt.model_copy(update={"kind": current.kind, "attempt": current.attempt,
                                                                "trigger": nxt.trigger or "push"}))
    if final.status in REPLACED_STATUSES:
        if final.replaced_by:
            nxt = ctx.platform.status(final.replaced_by)
            why = (f"deploy {final.id} of swarm's commit {final.sha[:12]} ended {final.status}: deploy {nxt.id} of "
                   f"{nxt.sha[:12]}, a newer push, took over. Swarm does not fight a newer push: it stopped without "
                   f"pushing anything more. The newer commit contains swarm's fix if it was made on top of it.")
            deploys = _replace(_replace(deploys, final), nxt)
            up["outcome"] = Outcome(kind="superseded", reason=why, final_sha=nxt.sha, deploys=len(deploys),
                                    action_required=f"Nothing for swarm's fix: follow deploy {nxt.id} of {nxt.sha[:12]} on the "
                                                    f"platform, and run swarm again if it fails.")
            deps.event("superseded", {"deploy": final.id, "by": nxt.id, "sha": nxt.sha})
        else:
            up["stop_reason"] = (f"deploy {final.id} of {final.sha[:12]} ended {final.status} outside swarm and no newer "
                                 "deploy is running; a person canceled it, so swarm neither analyses nor redeploys it")
    for refused in logs.refused:
        deps.event("log_source_refused", {"deploy": final.id, "source": refused.split(":", 1)[0], "why": refused[:300]})
        notes.append(f"deploy {final.id}: the platform refused the {refused}; the other logs were used")
    up["platform_notes"] = notes
    # the app's output may print secrets: nothing unredacted enters the state (and so no checkpoint, store or prompt)
    logs = logs.model_copy(update={"build": deps.redact(logs.build), "runtime": deps.redact(logs.runtime)})
    final = final.model_copy(update={"message": deps.redact(final.message)})
    up.update(current=final, logs=logs, deploys=_replace(deploys, final) if "outcome" not in up else deploys)
    deps.publish("monitor", {"deploy": final.model_dump(), "build_log_tail": logs.build[-3000:], "runtime_log_tail": logs.runtime[-3000:]})
    deps.event("monitored", {"deploy": final.id, "status": final.status, "healthy": final.healthy})
    return up


def _own_commits(state: SwarmState, deps: Deps) -> set[str]:
    """The commits this session pushed (fixes and reverts), found by their trailers on the remote."""
    found = (deps.ctx.workspace.find_commit(state.session_id, a) for a in range(1, state.attempt + 1))
    return {sha for sha in found if sha}


def verify_step(state: SwarmState, deps: Deps) -> Update:
    assert state.current is not None
    ok, probes, why = monitor.verify(deps.ctx, state.current, state.baseline)
    deps.event("verified", {"ok": ok, "why": why, "probes": [p.model_dump() for p in probes]})
    up: Update = {"probes": probes}
    tried = list(state.tried)
    if ok:
        kind: Literal["healed", "healthy"] = "healed" if state.attempt > 0 else "healthy"
        for i, t in enumerate(tried):
            if t.result == "pending":
                tried[i] = t.model_copy(update={"result": "healed"})
                up["tried"] = tried
        up["outcome"] = Outcome(kind=kind, reason=why if kind == "healthy" else f"deploy {state.current.id} is live and healthy; {why}",
                                final_sha=state.current.sha, deploys=len(state.deploys))
        up["last_good_sha"], up["last_good_deploy"] = state.current.sha, state.current
        return up
    for i, t in enumerate(tried):
        if t.result == "pending":
            tried[i] = t.model_copy(update={"result": "failed"})
            up["tried"] = tried
    up["stop_reason"] = (f"regression after going live: {why}" if ok is False else f"verification inconclusive: {why}")
    return up


def analyze_step(state: SwarmState, deps: Deps) -> Update:
    ctx = deps.ctx
    assert state.current is not None
    logs = state.logs
    text = ((logs.build if logs else "") + "\n" + (logs.runtime if logs else "")) or state.current.message
    files = ctx.workspace.files(state.current.sha)
    report = analyzer.analyze(
        text, ctx.rules, local_modules=analyzer.local_python_modules(files), repo_files=files,
        never_autofix=ctx.policy.never_autofix,
    ).model_copy(update={"deploy_id": state.current.id})
    if ctx.llm is not None and llm_analyst.should_ask(report):
        sha = state.current.sha
        ctx_files, _ = llm_context.gather(report, files, lambda p: ctx.workspace.read(p, sha))
        report = llm_analyst.second_opinion(ctx.llm, ctx.rules, report, ctx_files, ctx.policy.never_autofix)
    new_state = state.model_copy(update={"report": report})
    reason = stop_reason(new_state, deps.limits, ctx.clock.now())
    deps.publish("analyzer", report.model_dump())
    deps.event("analyzed", {"category": report.category, "entity": report.entity, "fingerprint": report.fingerprint,
                            "auto_fixable": report.auto_fixable, "stop": reason})
    up: Update = {"report": report, "platform_report": report, "fingerprints": [*state.fingerprints, report.fingerprint],
                  "stop_reason": reason,
                  "candidates": [], "chosen": None, "plan": []}
    tried, settled = learner.settle_tried(state.tried, state.current.id, report.fingerprint)
    if settled:
        up["tried"] = tried
    return up


def optimize_step(state: SwarmState, deps: Deps) -> Update:
    assert state.report is not None
    plan = optimizer.plan(deps.ctx, state.report, state.tried)
    deps.publish("optimizer", {"strategies": plan.strategies, "budget": plan.budget, "reasons": plan.reasons})
    deps.event("planned", {"strategies": plan.strategies, "budget": plan.budget})
    up: Update = {"plan": plan.strategies, "candidate_budget": plan.budget}
    if not plan.strategies:
        up["stop_reason"] = "every known strategy for this failure was already tried and did not heal it"
    return up


def fix_step(state: SwarmState, deps: Deps) -> Update:
    assert state.report is not None and state.current is not None
    attempt = state.attempt + 1
    prepared = rehearsal.take(state, deps)  # proposed (and proven) while the platform deployed, for this diagnosis
    candidates, notes = prepared if prepared is not None else fixer.propose(
        deps.ctx, state.report, state.plan, state.current.sha, state.session_id, attempt, budget=state.candidate_budget,
        stack=state.stack)
    deps.publish("fixer", {"attempt": attempt, "candidates": [c.model_dump() for c in candidates], "notes": notes})
    deps.event("proposed", {"candidates": [c.id for c in candidates], "notes": notes})
    up: Update = {"candidates": candidates, "validations": None, "notes": [*state.notes, *notes]}
    if not candidates:
        up["stop_reason"] = "no fix could be proposed: " + ("; ".join(notes) or "no strategy applies")
    return up


def _failed_checks(result: ValidationResult) -> str:
    return ", ".join(result.policy_reasons) or ", ".join(c.name for c in result.checks if not c.ok) or "no check passed"


def validate_one(payload: dict[str, Any], deps: Deps) -> Update:
    candidate = FixCandidate.model_validate(payload["candidate"])
    result = rehearsal.proven(payload, deps)  # proven while the platform deployed (already redacted)
    if result is None:
        result = validator.validate(deps.ctx, candidate, payload["category"], payload["base_sha"], payload["checkout"],
                                    payload.get("fingerprint", ""), payload.get("entity"))
        result = ValidationResult.model_validate(redact_obj(result.model_dump(), deps.artifacts.redact))  # the app ran: its output is redacted
        early = {}
    else:
        early = {"rehearsed": True}
    nxt = result.next_failure if result.progress else None
    deps.event("validated", {"candidate": candidate.id, "passed": result.passed, "policy": result.policy_reasons, **early,
                             **({"next": nxt.category, "next_entity": nxt.entity} if nxt is not None else {})})
    return {"validations": [result]}


def validation_payloads(state: SwarmState) -> list[dict[str, Any]]:
    assert state.report is not None and state.current is not None
    return [
        {"candidate": c.model_dump(), "category": state.report.category, "base_sha": state.current.sha,
         "fingerprint": state.report.fingerprint, "entity": state.report.entity,
         "checkout": f"{state.session_id}-a{state.attempt + 1}-s{state.stack_depth}-val-{i}"}
        for i, c in enumerate(state.candidates)
    ]


def select_step(state: SwarmState, deps: Deps) -> Update:
    assert state.report is not None
    results = [ValidationResult.model_validate(v) for v in state.validations]
    chosen = validator.select(state.candidates, results)
    by_id = {r.candidate_id: r for r in results}
    attempt = state.attempt + 1
    tried = list(state.tried)
    for c in state.candidates:
        r = by_id.get(c.id)
        if r is not None and not r.passed and not (r.progress and r.next_failure is not None):  # progress ships later
            tried.append(TriedFix(attempt=attempt, fingerprint=state.report.fingerprint, category=state.report.category,
                                  candidate=c, validation=r, result="rejected"))
    deps.publish("validator", {"attempt": attempt, "results": [r.model_dump() for r in results],
                               "chosen": chosen.id if chosen else None})
    up: Update = {"chosen": chosen, "tried": tried}
    progress = [r for r in results if r.progress and r.next_failure is not None]
    if chosen is None and progress:
        p = progress[0]
        partial = next(c for c in state.candidates if c.id == p.candidate_id)
        nxt = p.next_failure
        assert nxt is not None
        if nxt.auto_fixable and state.stack_depth < MAX_STACK:
            # the candidate cured its failure and the start-up check shows the next one: fix that too, locally
            deps.event("stacking", {"candidate": partial.id, "next": nxt.category, "entity": nxt.entity})
            return {**up, "stack": partial, "stack_report": state.stack_report or state.report,
                    "stack_depth": state.stack_depth + 1, "report": nxt.model_copy(update={"deploy_id": state.current.id if state.current else None}),
                    "fingerprints": [*state.fingerprints, nxt.fingerprint]}
        # deploy the partial fix: it removes the failure we were asked to fix
        up["chosen"] = partial
        chosen = partial
        deps.event("partial_fix", {"candidate": partial.id, "next": nxt.category})
    if chosen is None:
        up["stop_reason"] = "no candidate passed validation: " + "; ".join(f"{r.candidate_id}: {_failed_checks(r)}" for r in results)
    elif deps.ctx.options.branch_mode == "pr" and deps.ctx.options.push and state.current is not None:
        branch = f"swarm/heal-{state.session_id}"
        first = state.stack_report or state.report
        message = deploy.commit_message(state.session_id, attempt, first, chosen,
                                        next((r for r in results if r.candidate_id == chosen.id), None), state.current,
                                        state.report if state.stack_report else None)
        pub = deps.ctx.workspace.publish(chosen.diff, message, state.current.sha, state.session_id, attempt, branch=branch)
        url = deps.ctx.changes.open(branch, state.branch, message.splitlines()[0], message) if deps.ctx.changes else None
        deps.event("pull_request", {"branch": branch, "sha": pub.sha, "url": url})
        up["stop_reason"] = (f"PR mode: the validated fix {chosen.id} is on branch {branch} ({pub.sha[:12]})"
                             + (f" in pull request {url}" if url else "; open a pull request from it") + "; review and merge it")
        up["chosen"] = None
    elif not deps.ctx.options.push:
        patch = deps.artifacts.write_text(f"fix-attempt-{attempt}.patch", chosen.diff)
        up["stop_reason"] = (f"push is disabled (--no-push/--dry-run): the validated fix {chosen.id} is saved as {patch}; "
                             f"apply it with `git apply {patch}` (or `git am` after committing), then commit and push")
        up["chosen"] = None
    return up


def deploy_step(state: SwarmState, deps: Deps) -> Update:
    assert state.report is not None and state.current is not None and state.chosen is not None
    attempt = state.attempt + 1
    validation = next((ValidationResult.model_validate(v) for v in state.validations
                       if ValidationResult.model_validate(v).candidate_id == state.chosen.id), None)
    first, also = (state.stack_report, state.report) if state.stack_report else (state.report, None)
    try:
        try:
            dep, sha, checkout = deploy.ship(deps.ctx, state.session_id, attempt, first, state.chosen, validation, state.current, also)
        except RemoteMoved as moved:
            # someone pushed after validation: the fix is checked again on their head before anything is pushed
            deps.event("remote_moved", {"from": state.current.sha, "to": moved.head})
            payload = {"candidate": state.chosen.model_dump(), "category": state.report.category, "base_sha": moved.head,
                       "fingerprint": state.report.fingerprint, "entity": state.report.entity,
                       "checkout": f"{state.session_id}-a{attempt}-revalidate"}
            validation = ValidationResult.model_validate(validate_one(payload, deps)["validations"][0])
            if not validation.passed:
                patch = deps.artifacts.write_text(f"fix-attempt-{attempt}.patch", state.chosen.diff)
                return {"validations": [validation], "stop_reason": (
                    f"{moved} The fix was checked again on the new head {moved.head[:12]} and failed there "
                    f"({_failed_checks(validation)}); nothing was pushed. The fix is saved as {patch}.")}
            dep, sha, checkout = deploy.ship(deps.ctx, state.session_id, attempt, first, state.chosen, validation, state.current, also,
                                   onto=moved.head)
    except (PushRefused, RemoteMoved) as exc:
        patch = deps.artifacts.write_text(f"fix-attempt-{attempt}.patch", state.chosen.diff)
        deps.event("push_refused", {"why": str(exc)[:500]})
        return {"stop_reason": f"{exc}. Nothing was pushed; the validated fix is saved as {patch}.",
                "push_refused": getattr(exc, "remote_message", None) or str(exc)}
    tried = [*state.tried, TriedFix(attempt=attempt, fingerprint=state.report.fingerprint, category=state.report.category,
                                    candidate=state.chosen, validation=validation, commit=sha, deploy_id=dep.id)]
    if state.stack is not None and state.stack_report is not None:  # the stacked fix ships in the same commit
        # the failure the deploy showed was cured by the bottom layer: the learning state credits that strategy
        bottom = state.stack.model_copy(update={"strategy": (state.stack.layers or [state.stack.strategy])[0]})
        tried.insert(-1, TriedFix(attempt=attempt, fingerprint=state.stack_report.fingerprint, category=state.stack_report.category,
                                  candidate=bottom, commit=sha, deploy_id=dep.id))
    deps.publish("deploy", {"attempt": attempt, "commit": sha, "deploy": dep.model_dump(), "strategy": state.chosen.strategy})
    deps.event("deploy_started", {"deploy": dep.id, "sha": dep.sha, "deploy_kind": dep.kind, "attempt": attempt})
    deps.session_fields({"status": "deploying", "attempt": attempt, "deploy": dep.id})
    return {"attempt": attempt, "current": dep, "deploys": _replace(state.deploys, dep), "tried": tried, "logs": None,
            "stack": None, "stack_report": None, "stack_depth": 0, "checkout_note": checkout or state.checkout_note}


def rollback_step(state: SwarmState, deps: Deps) -> Update:
    assert state.current is not None and state.last_good_sha is not None
    attempt = state.attempt + 1
    try:
        dep, sha, checkout = deploy.rollback(deps.ctx, state.session_id, attempt, state.last_good_sha, state.current,
                                   state.stop_reason or "", state.last_good_deploy)
    except (PushRefused, RemoteMoved) as exc:
        deps.event("push_refused", {"why": str(exc)[:500], "rollback": True})
        return {"stop_reason": f"{state.stop_reason}; the rollback was not pushed: {exc}",
                "push_refused": getattr(exc, "remote_message", None) or str(exc)}
    deps.publish("deploy", {"attempt": attempt, "commit": sha, "deploy": dep.model_dump(), "rollback_to": state.last_good_sha})
    deps.event("rollback_started", {"deploy": dep.id, "sha": sha, "to": state.last_good_sha,
                                    "native": dep.sha != sha})
    return {"attempt": attempt, "current": dep, "deploys": _replace(state.deploys, dep), "rolling_back": True, "logs": None,
            "checkout_note": checkout or state.checkout_note}


def escalate_step(state: SwarmState, deps: Deps) -> Update:
    cur = state.current
    if state.outcome is not None:  # decided already (superseded by a newer push)
        return {}
    if state.rolling_back:
        ok = bool(cur and cur.status == "live" and cur.healthy)
        outcome = Outcome(
            kind="rolled_back" if ok else "failed",
            reason=(f"rolled back to {state.last_good_sha and state.last_good_sha[:12]} after: {state.stop_reason}" if ok
                    else f"the rollback deploy did not come up healthy ({cur.status if cur else '?'}) after: {state.stop_reason}"),
            final_sha=cur.sha if cur else None, deploys=len(state.deploys))
    else:
        outcome = Outcome(kind="escalated", reason=state.stop_reason or "the swarm could not heal the deploy",
                          final_sha=cur.sha if cur else None, deploys=len(state.deploys))
    outcome = outcome.model_copy(update={"action_required": reporter.action_required(state.model_copy(update={"outcome": outcome}))})
    deps.event("escalated", {"outcome": outcome.kind, "reason": outcome.reason})
    return {"outcome": outcome}


def learn_step(state: SwarmState, deps: Deps) -> Update:
    outcome = state.outcome or Outcome(kind="failed", reason="the session ended without an outcome", deploys=len(state.deploys))
    outcome = outcome.model_copy(update={"deploys": len(state.deploys),
                                         "deploys_by_swarm": sum(d.trigger == "swarm" for d in state.deploys),
                                         "deploys_by_push": sum(d.trigger == "push" for d in state.deploys)})
    final = state.model_copy(update={"outcome": outcome, "done": True})
    deps.ctx.notifier.notify("outcome", {
        "session": state.session_id, "service": state.service, "outcome": outcome.model_dump(),
        "category": state.report.category if state.report else None, "entity": state.report.entity if state.report else None,
        "fingerprint": state.report.fingerprint if state.report else None})
    if deps.learn:
        learned = learner.record(deps.ctx, final)
        deps.event("learned", {"known_fixes": len(learned.known_fixes)})
    deps.artifacts.write_json("final_state.json", final)
    rehearsed = rehearsal.close(deps)
    deps.artifacts.write_json("timings.json", {**time_split(deps.spans),
                                               "steps": [{"node": n, "seconds": round(b - a, 3)} for n, a, b in deps.spans],
                                               "rehearsals": rehearsed})
    report_md = reporter.render(final, deps.llm_note, llm_usage(deps.artifacts.path("llm_calls.jsonl")))
    deps.artifacts.write_text("report.md", report_md)
    deps.share_report(report_md)
    deps.artifacts.write_text("report.html", report_html.render_html(final, list(deps.spans), _learned(final, deps.learn)))
    deps.session_fields({"status": "done", "outcome": outcome.kind, "deploys": len(state.deploys),
                         "deploys_by_swarm": outcome.deploys_by_swarm, "ended": round(time.time(), 3),
                         "category": state.report.category if state.report else "",
                         "reason": outcome.reason[:300]})
    deps.event("done", {"outcome": outcome.kind, "reason": outcome.reason, "deploys": len(state.deploys),
                        "by_swarm": outcome.deploys_by_swarm, "by_push": outcome.deploys_by_push})
    return {"outcome": outcome, "done": True}


def _learned(state: SwarmState, learn: bool) -> str:
    if not learn:
        return "nothing: this run learns nothing (dry run)"
    said = []
    for t in state.tried:
        if t.result == "healed":
            said.append(f"{t.candidate.strategy} recorded as the known fix for {t.category} (fingerprint {t.fingerprint}): "
                        "it is proposed first the next time this failure is seen")
        elif t.result == "failed":
            said.append(f"{t.candidate.strategy} recorded as failing for fingerprint {t.fingerprint}: it is tried later next time")
    return "; ".join(said)


def platform_failed(state: SwarmState, deps: Deps, exc: Exception) -> SwarmState:
    """The platform's API kept failing (retries spent) or answered nonsense: an outcome, written up like any other."""
    what = str(exc)[:600]
    deps.event("platform_failed", {"error": what})
    action = (f"The platform's API failed: {what}. Nothing more was changed. Check the platform's status page, the API "
              f"token and the service settings; then continue with `swarm deploy --session {state.session_id} --resume`.")
    outcome = Outcome(kind="failed", reason=f"the platform's API failed: {what}", deploys=len(state.deploys),
                      final_sha=state.current.sha if state.current else None, action_required=action)
    state = state.model_copy(update={"outcome": outcome, "stop_reason": f"the platform's API failed: {what}"})
    return state.model_copy(update=learn_step(state, deps))


NODES: dict[str, Any] = {
    "monitor": monitor_step, "verify": verify_step, "analyze": analyze_step, "optimize": optimize_step,
    "fix": fix_step, "select": select_step, "deploy": deploy_step, "rollback": rollback_step,
    "escalate": escalate_step, "learn": learn_step,
}
"""Every node but ``validate`` (a fan-out over candidates), by name: the graph and the loop share it."""
