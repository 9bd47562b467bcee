"""Rehearsal: while the platform deploys a commit, the swarm builds and starts the same commit in its sandbox.

On a hosted platform a deploy takes minutes; the swarm's analysis, fixing and validation take seconds, and only the
platform's verdict decides anything. So as a deploy starts, a background thread runs the Validator's checks on the
deployed commit itself. When they fail, the Analyzer reads that failure, the Optimizer ranks strategies, the Fixer
proposes candidates and the Validator proves them in order (until one passes), all while the platform is still
deploying. When the platform then reports its failure:

- ``fix_step`` asks :func:`take` for candidates. They are used only when the platform's diagnosis is the rehearsal's
  (same category and entity), the plan is the same (same strategies, budget and attempt) and nothing is stacked;
  otherwise the rehearsal is canceled and the steps run as usual.
- ``validate_one`` asks :func:`proven` for a result the rehearsal already has for the same change to the same commit.

Nothing is pushed from a rehearsal and it decides nothing: it runs the same agents on the same commit earlier, and
the session's steps still choose. It never calls the LLM (a strategy that needs one declines; when the LLM is
configured and the rehearsal reached such a strategy, its candidates are not used). A rehearsal that finds the commit
healthy, or a failure no rule can fix, prepares nothing. Only in swarm mode with the smoke check on, and by default
(``[validate] rehearse = "auto"``) only where the platform deploys on other machines; the single-threaded loop never
rehearses.

When the platform deploys on this machine and a rehearsal is asked for anyway (``rehearse = "on"``; the local
platform, and any platform whose deploy model, swarm/platforms/deploymodel.py, does not say ``shares_this_host =
False``), the rehearsal builds while the platform builds but starts no app before the platform's verdict: two starts of one app on one host collide on whatever the app hard-codes (the port it binds, files it
writes), which are the very failures swarm heals.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from agents import analyzer, fixer, learner, llm_analyst, optimizer, validator
from agents.safepath import links_withdrawn
from agents.strategies import NO_CHANGE
from memory.models import Deployment, FailureReport, FixCandidate, SwarmState, ValidationResult
from memory.redact import redact_obj

if TYPE_CHECKING:
    from graph.deps import Deps

log = logging.getLogger(__name__)
LLM_STRATEGIES = frozenset({"llm_patch"})
"""Strategies that ask the model: a rehearsal runs without it."""

Key = tuple[str, str, tuple[str, ...], int, int]


def plan_key(report: FailureReport, strategies: list[str], budget: int, attempt: int) -> Key:
    """What the Fixer's candidates depend on besides the commit: the diagnosis and the plan."""
    return (report.category, (report.entity or "").lower(), tuple(strategies), budget, attempt)


def digest(diff: str) -> str:
    return hashlib.sha256(diff.encode()).hexdigest()


@dataclass
class Rehearsal:
    sha: str
    started: float
    outcome: str = "running"
    """running, healthy (the checks passed), unfixable, prepared, canceled or error: what."""
    report: FailureReport | None = None
    key: Key | None = None
    candidates: list[FixCandidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    results: dict[str, ValidationResult] = field(default_factory=dict)
    """Validation results by the digest of the candidate's diff."""
    used: bool = False
    finished: float | None = None
    verdict_at: float | None = None
    """When the platform's verdict on this deploy arrived (the rehearsal's head start ends there)."""
    wait_s: float = 0.0
    """How long the session waited for the rehearsal once it needed it."""
    reached_llm: bool = False
    cancel: threading.Event = field(default_factory=threading.Event)
    decided: threading.Event = field(default_factory=threading.Event)
    """Set with the platform's verdict (or when the session ends): the gate of apps on a shared host."""
    analysed: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def summary(self) -> dict[str, Any]:
        head = (self.verdict_at - self.started) if self.verdict_at else None
        return {"sha": self.sha, "outcome": self.outcome, "used": self.used,
                "category": self.report.category if self.report else None,
                "candidates": [c.id for c in self.candidates], "validated": len(self.results),
                "seconds": round((self.finished or time.time()) - self.started, 3),
                "head_start_s": round(head, 3) if head is not None else None, "wait_s": round(self.wait_s, 3)}


class Canceled(Exception):
    """The rehearsal was no longer needed while it waited to start an app."""


def _gate(r: Rehearsal, deps: Deps) -> Callable[[], None] | None:
    """What the sandbox calls before it starts an app: on the platform's own host, wait for its verdict."""
    if not getattr(deps.ctx.platform, "shares_this_host", True):
        return None

    def wait() -> None:
        r.decided.wait()
        if r.cancel.is_set():
            raise Canceled("the platform's deploy needs no rehearsal")

    return wait


def enabled(deps: Deps) -> bool:
    """``[validate] rehearse``: on, off, or auto (the default): only where the platform deploys on other machines. A
    deploy on this machine (the local platform) is itself the build a rehearsal would run, on the same cores."""
    ctx = deps.ctx
    wanted = deps.rehearse == "on" or (deps.rehearse == "auto" and not getattr(ctx.platform, "shares_this_host", True))
    return bool(wanted and ctx.options.smoke_check and ctx.sandbox is not None)


def start(state: SwarmState, current: Deployment, deps: Deps) -> None:
    """Rehearse ``current``'s commit in the background unless it was rehearsed or already proven by validation."""
    if not enabled(deps) or current.kind == "rollback" or current.sha in deps.rehearsals:
        return
    if current.kind == "fix" and state.chosen is not None:
        chosen = next((v for v in state.validations if v.candidate_id == state.chosen.id), None)
        if chosen is not None and chosen.passed and any(c.name == "start-and-health" for c in chosen.checks):
            return  # the sandbox already started this very change: a rehearsal would repeat it
    r = Rehearsal(sha=current.sha, started=time.time())
    deps.rehearsals[current.sha] = r
    snapshot = state.model_copy(deep=True)
    r.thread = threading.Thread(target=_run, args=(r, snapshot, current.id, deps), name=f"rehearsal-{current.sha[:10]}",
                                daemon=True)
    r.thread.start()
    deps.event("rehearsal_started", {"sha": current.sha, "deploy": current.id})


def _run(r: Rehearsal, state: SwarmState, deploy_id: str, deps: Deps) -> None:
    try:
        _rehearse(r, state, deploy_id, deps)
    except Canceled:
        r.outcome = "canceled"
    except Exception as exc:  # a rehearsal is an optimisation: its failure costs the head start, nothing else
        log.warning("rehearsal of %s failed: %s", r.sha[:12], exc)
        r.outcome = f"error: {type(exc).__name__}: {deps.redact(str(exc))[:300]}"
    finally:
        r.finished = time.time()
        r.analysed.set()
        r.done.set()


def _rehearse(r: Rehearsal, state: SwarmState, deploy_id: str, deps: Deps) -> None:
    ctx = deps.ctx
    session = state.session_id
    tree = ctx.workspace.checkout(f"{session}-rehearse-{r.sha[:10]}", r.sha)
    try:
        with links_withdrawn(tree):  # the platform's clone has no links out of the repository either
            checks = validator.run_checks(ctx, tree, _gate(r, deps))
    finally:
        ctx.workspace.discard(tree)
    failed = next((c for c in checks if not c.ok), None)
    if failed is None:
        r.outcome = "healthy"
        return
    files = ctx.workspace.files(r.sha)
    report = analyzer.analyze(deps.redact(failed.output), ctx.rules, local_modules=analyzer.local_python_modules(files),
                              repo_files=files, never_autofix=ctx.policy.never_autofix)
    r.report = report
    if not report.auto_fixable or (ctx.llm is not None and llm_analyst.should_ask(report)) or r.cancel.is_set():
        r.outcome = "unfixable" if not report.auto_fixable else "canceled" if r.cancel.is_set() else "unsure"
        return
    tried, _ = learner.settle_tried(state.tried, deploy_id, report.fingerprint)
    plan = optimizer.plan(ctx, report, tried)
    attempt = state.attempt + 1
    r.key = plan_key(report, plan.strategies, plan.budget, attempt)
    r.analysed.set()
    if not plan.strategies:
        r.outcome = "unfixable"
        return
    quiet = replace(ctx, llm=None)
    candidates, notes = fixer.propose(quiet, report, plan.strategies, r.sha, f"{session}-rehearse", attempt, budget=plan.budget)
    reached = {c.strategy for c in candidates} | {n.split(":", 1)[0] for n in notes}
    r.reached_llm = bool(reached & LLM_STRATEGIES)
    r.candidates, r.notes = candidates, notes
    for i, candidate in enumerate(candidates):
        if r.cancel.is_set():
            r.outcome = "canceled"
            return
        result = validator.validate(ctx, candidate, report.category, r.sha, f"{session}-rehearse-val-{i}",
                                    report.fingerprint, report.entity, gate=_gate(r, deps))
        result = ValidationResult.model_validate(redact_obj(result.model_dump(), deps.artifacts.redact))
        r.results[digest(candidate.diff)] = result
        if result.passed:
            break  # select takes the first passing candidate in order: the later ones cannot be chosen
    r.outcome = "prepared"


def verdict(deps: Deps, sha: str, failed: bool) -> None:
    """The platform's verdict on ``sha`` arrived: the rehearsal's head start ends here; a deploy that did not fail
    needs no fix, so its rehearsal stops."""
    r = deps.rehearsals.get(sha)
    if r is not None and r.verdict_at is None:
        r.verdict_at = time.time()
        if not failed:
            r.cancel.set()
        r.decided.set()


def take(state: SwarmState, deps: Deps) -> tuple[list[FixCandidate], list[str]] | None:
    """The rehearsal's candidates for this fix step, or None to propose as usual."""
    current, report = state.current, state.report
    if current is None or report is None or state.stack is not None:
        return None
    r = deps.rehearsals.get(current.sha)
    if r is None or r.used:
        return None
    t0 = time.time()
    if all(s in NO_CHANGE for s in state.plan):
        r.cancel.set()  # a redeploy changes nothing: there is nothing to prepare or prove
        return None
    r.analysed.wait(timeout=deps.ctx.options.validate_timeout_s * 2)
    key = plan_key(report, state.plan, state.candidate_budget, state.attempt + 1)
    if r.key != key or (r.reached_llm and deps.ctx.llm is not None):
        r.cancel.set()
        r.wait_s += time.time() - t0
        deps.event("rehearsal_discarded", {"sha": r.sha, "why": _mismatch(r, key)})
        return None
    r.done.wait()
    r.wait_s += time.time() - t0
    if r.outcome != "prepared":
        return None
    r.used = True
    keep: list[FixCandidate] = []
    notes = list(r.notes)
    for c in r.candidates:
        result = r.results.get(digest(c.diff))
        if result is None:
            notes.append(f"{c.id}: not validated: a candidate before it passed (the first passing one is chosen)")
            continue
        keep.append(c)
    deps.event("rehearsal_used", {"sha": r.sha, "candidates": [c.id for c in keep], "waited_s": round(r.wait_s, 3),
                                  "head_start_s": round((r.verdict_at or time.time()) - r.started, 3)})
    return keep, notes


def _mismatch(r: Rehearsal, key: Key) -> str:
    if r.key is None:
        return f"the rehearsal found {r.report.category if r.report else 'no failure'} ({r.outcome})"
    if r.key[:2] != key[:2]:
        return f"the rehearsal found {r.key[0]} ({r.key[1] or '-'}), the platform {key[0]} ({key[1] or '-'})"
    return "the plan differs (strategies, budget or attempt)"


def proven(payload: dict[str, Any], deps: Deps) -> ValidationResult | None:
    """The rehearsal's result for this validation payload: same commit, same change, same diagnosis."""
    r = deps.rehearsals.get(payload["base_sha"])
    if r is None or not r.used or r.report is None or r.report.category != payload["category"]:
        return None
    candidate = payload["candidate"]
    result = r.results.get(digest(candidate["diff"]))
    return result.model_copy(update={"candidate_id": candidate["id"]}) if result is not None else None


def close(deps: Deps) -> list[dict[str, Any]]:
    """Cancel what is still running, wait for it (its sandbox processes stop with it) and say what each did."""
    for r in deps.rehearsals.values():
        r.cancel.set()
        r.decided.set()
    for r in deps.rehearsals.values():
        if r.thread is not None:
            r.thread.join()
    return [r.summary() for r in deps.rehearsals.values()]
