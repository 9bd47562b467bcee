"""Learning: every deploy outcome updates the learning state so the Optimizer's ranking follows evidence."""

from __future__ import annotations

import hashlib
import time

from agents.context import AgentContext
from memory.learning import KnownFix, LearningState, StrategyStats
from memory.models import SwarmState, TriedFix

MAX_PERF_ENTRIES = 500


def record(ctx: AgentContext, state: SwarmState) -> LearningState:
    session = state.session_id
    labels = [(config_label(ctx, state.service, d.sha), round(d.build_seconds, 2))
              for d in state.deploys if d.build_seconds is not None]

    def change(ls: LearningState) -> None:
        for tried in state.tried:
            if tried.result not in ("healed", "failed"):
                continue
            per_cat = ls.strategy_stats.setdefault(tried.category, {})
            st = per_cat.setdefault(tried.candidate.strategy, StrategyStats())
            marker = f"{session}:{tried.attempt}"
            # idempotent across resumes: a (session, attempt) is counted once
            if marker in ls.recorded:
                continue
            ls.recorded.append(marker)
            del ls.recorded[:-5000]
            st.tries += 1
            if tried.result == "healed":
                st.successes += 1
                prev = ls.known_fixes.get(tried.fingerprint)
                ls.known_fixes[tried.fingerprint] = KnownFix(
                    category=tried.category, strategy=tried.candidate.strategy,
                    entity=str(tried.candidate.params.get("package") or "") or None,
                    params={k: v for k, v in tried.candidate.params.items() if isinstance(v, str | int | float | bool)},
                    successes=(prev.successes if prev else 0) + 1, last_session=session, updated_at=time.time(),
                )
            else:
                failed = ls.failed_strategies.setdefault(tried.fingerprint, [])
                if tried.candidate.strategy not in failed:
                    failed.append(tried.candidate.strategy)
        if state.report and state.report.category == "missing_dependency" and state.report.entity:
            key = f"{state.report.ecosystem}:{state.report.entity}"
            sessions = ls.failed_dependencies.setdefault(key, [])
            if session not in sessions:
                sessions.append(session)
        for label, seconds in labels:
            ls.performance_map[label] = seconds
        if len(ls.performance_map) > MAX_PERF_ENTRIES:
            for key in list(ls.performance_map)[: len(ls.performance_map) - MAX_PERF_ENTRIES]:
                del ls.performance_map[key]

    return ctx.learning.update(change)


BUILD_INPUTS = ("requirements.txt", "pyproject.toml", "poetry.lock", "runtime.txt", ".python-version",
                "package.json", "package-lock.json", "pnpm-lock.yaml", "yarn.lock", ".nvmrc", "Procfile")


def config_label(ctx: AgentContext, service: str, sha: str) -> str:
    """``service:<files>:<hash>``: deploys with the same build inputs share a label, whatever the commit."""
    present, digest = [], hashlib.sha256()
    for name in BUILD_INPUTS:
        text = ctx.workspace.read(name, sha)
        if text is not None:
            present.append(name)
            digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return f"{service}:{'+'.join(present) or 'no-manifest'}:{digest.hexdigest()[:10]}"


def settle_tried(tried: list[TriedFix], deploy_id: str, fingerprint: str) -> tuple[list[TriedFix], bool]:
    """The pending fixes of ``deploy_id`` settled by the failure it showed: a fix failed only if its own error came
    back; a different failure means it cured its own. Shared by ``analyze_step`` and the rehearsal (graph/rehearsal.py)."""
    out, changed = list(tried), False
    for i, t in enumerate(out):
        if t.result == "pending" and t.deploy_id == deploy_id:
            out[i] = t.model_copy(update={"result": "failed" if t.fingerprint == fingerprint else "healed"})
            changed = True
    return out, changed
