"""Fixer: turns the plan into concrete candidates, each a diff made in its own checkout."""

from __future__ import annotations

import logging

from agents.context import AgentContext
from agents.policy import diff_paths
from agents.strategies import NO_CHANGE, StrategyDeclined, Tools, registry
from memory.models import FailureReport, FixCandidate

log = logging.getLogger(__name__)


def propose(
    ctx: AgentContext, report: FailureReport, strategies: list[str], base_sha: str, session_id: str, attempt: int,
    budget: int = 3,
) -> tuple[list[FixCandidate], list[str]]:
    """Candidates for the first strategies that apply, and a note for each one that did not."""
    known = registry()
    runtimes = ctx.platform.runtimes() if hasattr(ctx.platform, "runtimes") else {}
    tools = Tools(ctx.workspace, runtimes, dict(ctx.rules.python_aliases))
    candidates: list[FixCandidate] = []
    notes: list[str] = []
    for name in strategies:
        if len(candidates) >= budget:
            break
        strategy = known.get(name)
        if strategy is None:
            notes.append(f"{name}: no such strategy (check prompts/known_fixes.yaml)")
            continue
        tree = ctx.workspace.checkout(f"{session_id}-a{attempt}-fix-{name}", base_sha)
        try:
            result = strategy(report, tree, tools)
            diff = ctx.workspace.diff(tree)
        except StrategyDeclined as exc:
            notes.append(f"{name}: declined: {exc}")
            continue
        finally:
            ctx.workspace.discard(tree)
        if name not in NO_CHANGE and not diff.strip():
            notes.append(f"{name}: produced no change")
            continue
        files = sorted(diff_paths(diff))
        candidates.append(FixCandidate(
            id=f"a{attempt}-{name}", strategy=name, summary=result.summary, diff=diff, files=files,
            predicted_success=result.predicted_success, cost=result.cost, params=result.params,
        ))
    return candidates, notes
