"""Fix strategies: each turns a FailureReport into zero or one change in a fresh checkout.

A strategy edits files in ``tree`` (a worktree of the deployed commit) and may run the
ecosystem's own tools through the Workspace port; the Fixer then takes the diff from git.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.ports import Workspace
from memory.models import FailureReport


@dataclass(frozen=True)
class StrategyResult:
    summary: str
    params: dict[str, Any]
    predicted_success: float = 0.6
    cost: float = 1.0


class StrategyDeclined(Exception):
    """The strategy does not apply to this failure; the message says why (kept in the report)."""


Strategy = Callable[[FailureReport, Path, Workspace], StrategyResult]
"""Edit ``tree`` to fix the failure, or raise StrategyDeclined."""


def registry() -> dict[str, Strategy]:
    from agents.strategies.add_dependency import add_dependency
    from agents.strategies.bind_port import bind_port
    from agents.strategies.retry import retry

    return {"add_dependency": add_dependency, "bind_port": bind_port, "retry": retry}


NO_CHANGE = frozenset({"retry"})
"""Strategies that redeploy the same commit and change no file."""
