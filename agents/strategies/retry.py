"""retry: redeploy the same commit after a pause (network hiccups, port clashes, rate limits)."""

from __future__ import annotations

from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools
from memory.models import FailureReport

RETRYABLE = {"network_transient", "port_conflict", "rate_limit"}


def retry(report: FailureReport, tree: Path, ws: Tools) -> StrategyResult:
    if report.category not in RETRYABLE:
        raise StrategyDeclined(f"a plain redeploy does not fix {report.category}")
    base = 10.0 if report.category == "rate_limit" else 2.0
    delay = min(120.0, base * 2 ** (ws.attempt - 1))  # exponential backoff across attempts
    return StrategyResult(
        summary=f"redeploy the same commit after {delay:.0f}s ({report.category} is usually transient)",
        params={"delay_s": delay}, predicted_success=0.7, cost=0.5,
    )
