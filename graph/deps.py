"""What graph nodes read from LangGraph's Runtime context: agent ports plus session plumbing."""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agents.context import AgentContext
from graph.routing import Limits
from memory.artifacts import SessionArtifacts, plain
from memory.errors import StoreUnavailable
from memory.redact import redact_obj
from memory.store import CoordinationStore

log = logging.getLogger(__name__)


@dataclass
class Deps:
    ctx: AgentContext
    limits: Limits
    artifacts: SessionArtifacts
    store: CoordinationStore | None
    llm_note: str = "not configured (no ANTHROPIC_API_KEY): rules only"
    console: Callable[[str, dict[str, Any]], None] | None = None
    learn: bool = True
    degraded: bool = False
    kill_before: str | None = None
    """Chaos fault (SWARM_FAULT_KILL_BEFORE): this process kills itself with SIGKILL as that node starts."""
    checkpoint_key: str | None = None
    checkpoint_url: str | None = None
    """``postgresql://...``: checkpoints in PostgreSQL (LangGraph's Postgres checkpointer), so that a session a fleet
    worker started can be resumed by a worker on another machine; None: SQLite in the session folder."""
    """AES key for the checkpoints (SWARM_CHECKPOINT_KEY); without one they are redacted, not encrypted."""
    rehearse: str = "off"
    """on, off, or auto: rehearse each deployed commit in the sandbox while the platform deploys it, where the platform
    deploys on other machines (graph/rehearsal.py)."""
    rehearsals: dict[str, Any] = field(default_factory=dict)
    """The rehearsals of this process by commit (not checkpointed: a resumed session simply runs its steps)."""
    spans: list[tuple[str, float, float]] = field(default_factory=list)
    """(node, start, end) wall-clock spans of every step, for the time split."""

    def __post_init__(self) -> None:
        self.ctx.emit = self.event

    @property
    def session_id(self) -> str:
        return self.artifacts.session_id

    def event(self, kind: str, data: dict[str, Any]) -> None:
        record = {"ts": round(time.time(), 3), **data, "kind": kind}
        self.artifacts.append_event(record)
        self.artifacts.append_log("fallback_output.log" if self.degraded else "swarm_output.log", f"{kind}: {data}")
        if self.console:
            self.console(kind, data)
        if self.store is not None:  # StoreUnavailable propagates: the runner falls back
            self.store.append_event(self.session_id, self._clean(record))

    def publish(self, agent: str, payload: dict[str, Any]) -> None:
        self.artifacts.agent_output(agent, payload)
        if self.store is not None:
            self.store.put_agent_output(self.session_id, agent, self._clean(payload))

    def share_report(self, markdown: str) -> None:
        """The final report in the coordination store too (redacted, expiring with the session): `sessions show` on
        any machine of a fleet reads it there. A store that went away loses only this copy; the file is written."""
        if self.store is not None:
            try:
                self.store.put_agent_output(self.session_id, "report", self._clean({"markdown": markdown}))
            except StoreUnavailable:
                log.warning("could not share the report through the coordination store")

    def session_fields(self, fields: dict[str, Any]) -> None:
        if self.store is not None:
            self.store.put_session(self.session_id, self._clean(fields))

    def enter(self, node: str) -> None:
        """Called as every node starts; the only place the kill fault fires."""
        if self.kill_before == node:
            self.artifacts.append_log("swarm_output.log", f"fault: SIGKILL before {node} (SWARM_FAULT_KILL_BEFORE)")
            os.kill(os.getpid(), signal.SIGKILL)

    def redact(self, text: str) -> str:
        return self.artifacts.redact(text)

    def _clean(self, payload: dict[str, Any]) -> dict[str, Any]:
        """What goes to the shared store is redacted like the files are."""
        out = redact_obj(plain(payload), self.artifacts.redact)
        assert isinstance(out, dict)
        return out

    def degrade(self, why: str) -> None:
        """Continue without the coordination store (the fallback loop calls this when it is down)."""
        self.degraded = True
        if self.store is not None:
            try:
                self.store.ping()
            except StoreUnavailable:
                self.store = None
                self.artifacts.append_log("fallback_output.log", f"coordination store unavailable; continuing on files only ({why})")


PLATFORM_NODES = frozenset({"monitor", "deploy", "rollback"})


def _union(spans: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for a, b in sorted(spans):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def time_split(spans: list[tuple[str, float, float]]) -> dict[str, float]:
    """Wall seconds in the swarm itself (analysis, fixing, validation) versus builds and deploys."""
    platform = _union([(a, b) for n, a, b in spans if n in PLATFORM_NODES])
    swarm = _union([(a, b) for n, a, b in spans if n not in PLATFORM_NODES])
    total = platform + swarm
    return {"swarm_seconds": round(swarm, 2), "platform_seconds": round(platform, 2),
            "swarm_share": round(swarm / total, 3) if total else 0.0}
