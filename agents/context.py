"""What every agent receives besides the state: the ports, the tables and the options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agents.policy import Policy
from agents.ports import LLM, ChangeRequests, Clock, Notifier, Platform, Prober, Sandbox, Workspace
from agents.rules import RuleBook
from memory.learning import LearningStore


@dataclass(frozen=True)
class Options:
    health_path: str = "/healthz"
    probe_timeout_s: float = 10.0
    """Seconds one health or probe request may take ([deploy] health_timeout_s is the start-up window)."""
    attempt_timeout_s: float = 600.0
    poll_initial_s: float = 0.5
    poll_max_s: float = 5.0
    validate_commands: tuple[str, ...] = ()
    validate_timeout_s: float = 120.0
    probe_paths: tuple[str, ...] = ()
    candidates: int = 3
    push: bool = True
    error_rate_threshold: float = 0.5
    branch_mode: str = "direct"
    """direct: push the fix to the deploy branch; pr: push to swarm/heal-<session> and open a pull request."""
    smoke_check: bool = True
    """Build each candidate like the platform and start it before deploying (the swarm's default)."""
    rollback: str = "auto"
    """auto: the platform's own rollback to the last good deploy when it has one; revert: always build and
    deploy a commit that restores the last good tree. The revert commit is pushed either way."""


def _no_emit(kind: str, data: dict[str, Any]) -> None:
    return None


def _no_fence() -> str | None:
    return None


@dataclass
class AgentContext:
    platform: Platform
    workspace: Workspace
    prober: Prober
    clock: Clock
    notifier: Notifier
    rules: RuleBook
    policy: Policy
    learning: LearningStore
    llm: LLM | None = None
    sandbox: Sandbox | None = None
    changes: ChangeRequests | None = None
    options: Options = field(default_factory=Options)
    emit: Callable[[str, dict[str, Any]], None] = _no_emit
    """Progress and audit events: (kind, data). The graph layer routes them to the store and files."""
    fence: Callable[[], str | None] = _no_fence
    """Checked right before every push: None while this session still holds the service's lock (its fencing token is
    still the lock's value), else why not. A session whose lock expired or was taken never pushes."""
