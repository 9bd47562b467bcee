"""Optimizer: ranks fix strategies with what the learning state recorded and sets the candidate budget."""

from __future__ import annotations

from dataclasses import dataclass

from agents.context import AgentContext
from memory.models import FailureReport, TriedFix


@dataclass(frozen=True)
class Plan:
    strategies: list[str]
    budget: int
    reasons: list[str]


def plan(ctx: AgentContext, report: FailureReport, tried: list[TriedFix]) -> Plan:
    learned = ctx.learning.load()
    base = list(ctx.rules.strategies.get(report.category, []))
    known = learned.known_fixes.get(report.fingerprint)
    reasons: list[str] = []
    if known and known.strategy not in base:
        base.insert(0, known.strategy)
    failed = set(learned.failed_strategies.get(report.fingerprint, []))
    failed |= {t.candidate.strategy for t in tried if t.fingerprint == report.fingerprint and t.result in ("failed", "rejected")}
    if failed:
        reasons.append(f"not proposed again for this failure (they did not heal it before): {', '.join(sorted(failed))}")

    def score(name: str) -> tuple[int, float, int]:
        return (0 if known and known.strategy == name else 1, -learned.stats(report.category, name).rate, base.index(name))

    ranked = [s for s in sorted(base, key=score) if s not in failed]
    if known and known.strategy in ranked:
        reasons.append(f"{known.strategy} healed this exact failure before ({known.successes}x, last in session {known.last_session}): tried first")
    for name in ranked:
        st = learned.stats(report.category, name)
        reasons.append(f"{name}: {st.successes}/{st.tries} successes for {report.category}")
    budget = ctx.options.candidates if ranked else 0  # strategies may offer several variants each
    return Plan(ranked, budget, reasons)
