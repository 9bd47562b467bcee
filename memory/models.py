"""State models shared by every agent, the graph and the artifacts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from memory.taxonomy import CATEGORIES, Category  # noqa: F401 (re-exported for the models and their users)

DeployStatus = Literal["queued", "building", "deploying", "live", "superseded", "build_failed", "failed", "canceled", "timed_out"]
TERMINAL_STATUSES = frozenset({"live", "superseded", "build_failed", "failed", "canceled", "timed_out"})
OutcomeKind = Literal["healthy", "healed", "escalated", "rolled_back", "failed", "superseded"]
REPLACED_STATUSES = frozenset({"canceled", "superseded"})
"""A deploy that ended because another took over (an override, a newer deployment): never a failure of its commit."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Deployment(Model):
    id: str
    sha: str
    status: DeployStatus = "queued"
    kind: Literal["initial", "fix", "redeploy", "rollback"] = "initial"
    attempt: int = 0
    url: str | None = None
    message: str = ""
    build_seconds: float | None = None
    healthy: bool | None = None
    health_detail: str = ""
    trigger: Literal["push", "swarm"] | None = None
    """Who started it: the platform on a push (autodeploy), or swarm through the API (costs a build)."""
    replaced_by: str | None = None
    """When it ended replaced: the newer deploy of another commit that took over."""


class DeployLogs(Model):
    build: str = ""
    runtime: str = ""
    refused: list[str] = Field(default_factory=list)
    """Log sources the platform refused, with what it said (the others were used)."""


class EvidenceLine(Model):
    line: int
    text: str


class FailureReport(Model):
    category: str = "unknown"
    entity: str | None = None
    ecosystem: Literal["python", "node", "docker", "other"] = "other"
    fingerprint: str = ""
    evidence: list[EvidenceLine] = Field(default_factory=list)
    root_cause: str = ""
    root_line: int | None = None
    confidence: float = 0.0
    auto_fixable: bool = False
    source: Literal["rules", "llm"] = "rules"
    opinions: list[dict[str, Any]] = Field(default_factory=list)
    """Every opinion that was asked for (rules, llm), kept side by side."""
    decision: str = ""
    """Which opinion was used, and why."""
    rule_id: str | None = None
    summary: str = ""
    deploy_id: str | None = None


class FixCandidate(Model):
    id: str
    strategy: str
    summary: str
    diff: str = ""
    files: list[str] = Field(default_factory=list)
    predicted_success: float = 0.5
    cost: float = 1.0
    params: dict[str, Any] = Field(default_factory=dict)
    layers: list[str] = Field(default_factory=list)
    """For a fix stacked on others in one commit: the strategies below it, the first (which cured the failure the
    deploy showed) first."""


class CheckResult(Model):
    name: str
    ok: bool
    seconds: float = 0.0
    output: str = ""


class ValidationResult(Model):
    candidate_id: str
    passed: bool
    policy_ok: bool = True
    policy_reasons: list[str] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    seconds: float = 0.0
    progress: bool = False
    """The original failure is gone, but the start-up check shows a different one (see next_failure)."""
    base_sha: str | None = None
    """The commit the candidate was applied to and checked on."""
    next_failure: FailureReport | None = None


class TriedFix(Model):
    attempt: int
    fingerprint: str
    category: str
    candidate: FixCandidate
    validation: ValidationResult | None = None
    commit: str | None = None
    deploy_id: str | None = None
    result: Literal["pending", "healed", "failed", "rejected"] = "pending"


class ProbeResult(Model):
    path: str
    status: int | None = None
    ok: bool = False
    detail: str = ""


class Outcome(Model):
    kind: OutcomeKind
    reason: str
    final_sha: str | None = None
    deploys: int = 0
    deploys_by_swarm: int = 0
    """Deploys swarm triggered through the platform's API (each costs build minutes)."""
    deploys_by_push: int = 0
    """Deploys the platform started by itself for a pushed commit."""
    action_required: str = ""


def merge_validations(old: list[Any] | None, new: list[Any] | None) -> list[Any]:
    """Reducer for the fan-out: branches append; ``None`` resets for a new round."""
    if new is None:
        return []
    return [*(old or []), *new]


class SwarmState(Model):
    """Everything the graph carries between nodes. Plain data: safe to checkpoint and to resume."""

    session_id: str
    service: str
    branch: str
    initial_sha: str
    started_at: float = 0.0
    deadline: float = 0.0
    attempt: int = 0
    current: Deployment | None = None
    deploys: list[Deployment] = Field(default_factory=list)
    logs: DeployLogs | None = None
    last_good_sha: str | None = None
    last_good_deploy: Deployment | None = None
    """The platform's deploy of ``last_good_sha``, when known: the target of a platform rollback."""
    report: FailureReport | None = None
    fingerprints: list[str] = Field(default_factory=list)
    plan: list[str] = Field(default_factory=list)
    candidate_budget: int = 1
    candidates: list[FixCandidate] = Field(default_factory=list)
    validations: Annotated[list[ValidationResult], merge_validations] = Field(default_factory=list)
    chosen: FixCandidate | None = None
    stack: FixCandidate | None = None
    """A validated partial fix the next fix round builds on locally (no deploy in between)."""
    stack_report: FailureReport | None = None
    stack_depth: int = 0
    tried: list[TriedFix] = Field(default_factory=list)
    probes: list[ProbeResult] = Field(default_factory=list)
    baseline: list[ProbeResult] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    platform_report: FailureReport | None = None
    """The diagnosis of the last failure seen on the platform (a stacked fix's report is what validation revealed)."""
    checkout_note: str = ""
    """What swarm's last push did to the user's own checkout of the branch, and what to run."""
    platform_notes: list[str] = Field(default_factory=list)
    """What the platform did that the report must tell: a deploy followed to its successor, a log source refused."""
    rolling_back: bool = False
    stop_reason: str | None = None
    push_refused: str | None = None
    """What the remote said when it refused swarm's push (the session stops; a person acts)."""
    outcome: Outcome | None = None
    done: bool = False
