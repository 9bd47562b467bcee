"""Every loop limit and every routing decision, in one place. All functions here are pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from memory.models import REPLACED_STATUSES, SwarmState

HARD_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Limits:
    max_attempts: int = 3
    same_error_limit: int = 2
    attempt_timeout_s: float = 600.0
    session_timeout_s: float = 3600.0
    cooldown_s: float = 0.0

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= HARD_MAX_ATTEMPTS:
            raise ValueError(f"max_attempts must be between 1 and {HARD_MAX_ATTEMPTS}, not {self.max_attempts}")
        if self.same_error_limit < 1:
            raise ValueError("same_error_limit must be at least 1")


def stop_reason(state: SwarmState, limits: Limits, now: float) -> str | None:
    """Why the session must stop healing now (after a failure was analysed), or None to go on."""
    report = state.report
    if report is None:
        return "no diagnosis"
    if not report.auto_fixable:
        why = "the safety policy never fixes it automatically" if report.category in ("missing_env_var", "database_connection", "permission_denied", "disk_space") else "no automatic fix is known for it"
        return f"{report.category} is not auto-fixable: {why}"
    seen = state.fingerprints.count(report.fingerprint)
    if seen >= limits.same_error_limit:
        return f"the same error (fingerprint {report.fingerprint}) happened {seen} times (same_error_limit={limits.same_error_limit})"
    if state.attempt >= limits.max_attempts:
        return f"all {limits.max_attempts} fix attempts are used (max_attempts)"
    if state.deadline and now >= state.deadline:
        return f"the session deadline passed (session_timeout_s={limits.session_timeout_s:.0f})"
    return None


def after_monitor(state: SwarmState) -> Literal["verify", "analyze", "escalate"]:
    if state.rolling_back or state.outcome is not None:
        return "escalate"
    current = state.current
    if current is not None and current.status in REPLACED_STATUSES:
        return "escalate"  # replaced by another deploy: never analysed as a failure of its commit
    if current is not None and current.status == "live" and current.healthy:
        return "verify"
    return "analyze"


def after_analyze(state: SwarmState) -> Literal["optimize", "escalate"]:
    return "escalate" if state.stop_reason else "optimize"


def after_optimize(state: SwarmState) -> Literal["fix", "escalate"]:
    return "escalate" if state.stop_reason or not state.plan else "fix"


def after_fix(state: SwarmState) -> Literal["validate", "escalate"]:
    return "escalate" if state.stop_reason or not state.candidates else "validate"


def after_select(state: SwarmState) -> Literal["deploy", "optimize", "escalate"]:
    if state.chosen is not None and not state.stop_reason:
        return "deploy"
    if state.stack is not None and state.chosen is None and not state.stop_reason:
        return "optimize"  # stack the next fix on the partial one, locally
    return "escalate"


def after_verify(state: SwarmState) -> Literal["learn", "rollback", "escalate"]:
    if state.outcome is not None:
        return "learn"
    if state.stop_reason and state.last_good_sha and state.current and state.last_good_sha != state.current.sha:
        return "rollback"
    return "escalate"


def after_deploy(state: SwarmState) -> Literal["monitor", "escalate"]:
    """A push that was refused (or a branch that moved under a fix that then failed its checks) stops the session."""
    return "escalate" if state.stop_reason else "monitor"


def after_rollback(state: SwarmState) -> Literal["monitor", "escalate"]:
    return "monitor" if state.rolling_back else "escalate"
