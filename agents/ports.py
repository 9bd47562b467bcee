"""The Protocols the agents need. Adapters in ``swarm/`` satisfy them structurally."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from memory.models import CheckResult, DeployLogs, Deployment, ProbeResult


@dataclass(frozen=True)
class CommandResult:
    command: str
    returncode: int | None
    output: str
    seconds: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


@dataclass(frozen=True)
class Published:
    sha: str
    reused: bool
    """True when the remote already held this session's commit (a resumed session)."""
    checkout: str = ""
    """What happened to the user's own checkout of the branch, and what to run (empty when nothing is to be said)."""


class Platform(Protocol):
    name: str

    def deploy(self, sha: str, key: str, kind: str = "initial", attempt: int = 0) -> Deployment:
        """Deploy ``sha``; idempotent per ``key`` (a repeat returns the deploy already made)."""
        ...

    def status(self, deploy_id: str) -> Deployment: ...
    def logs(self, deploy_id: str) -> DeployLogs: ...
    def cancel(self, deploy_id: str) -> None: ...
    def health_url(self, deploy_id: str, path: str) -> str | None: ...
    def live(self) -> Deployment | None:
        """The deploy serving traffic now (the last healthy one), if any."""
        ...

    def runtimes(self) -> dict[str, list[str]]:
        """Language → versions this platform can run, newest last."""
        ...

    def previous(self, current: Deployment) -> Deployment | None:
        """The release that served before ``current`` (of another commit), if the platform can tell."""
        ...

    def successor(self, current: Deployment) -> Deployment | None:
        """The deploy that took over from ``current`` after it ended replaced (canceled by an overlap, superseded):
        the newest later deploy of the same commit, else of a newer commit; None when nothing newer runs."""
        ...

    def rollback(self, to: Deployment, key: str, attempt: int = 0) -> Deployment | None:
        """Restore the release of ``to`` with the platform's own rollback (no rebuild) and return the deploy to
        watch; idempotent per ``key``. None when the platform has no rollback of its own."""
        ...


class Sandbox(Protocol):
    """Builds a checkout the way the platform will and checks that it starts and answers health."""

    def smoke(self, tree: Path, timeout: float, gate: Callable[[], None] | None = None) -> list[CheckResult]:
        """``gate``, when given, is called after the build and before the app starts; it may block or raise."""
        ...


class Prober(Protocol):
    def get(self, url: str, timeout: float) -> ProbeResult: ...


class Workspace(Protocol):
    """The target repository, seen at the tip of the deploy branch on the remote."""

    root: Path
    branch: str

    def remote_head(self) -> str: ...
    def read(self, path: str, sha: str | None = None) -> str | None: ...
    def files(self, sha: str | None = None) -> list[str]: ...
    def checkout(self, name: str, sha: str) -> Path: ...
    def discard(self, path: Path) -> None: ...
    def apply(self, tree: Path, diff: str) -> None: ...
    def diff(self, tree: Path) -> str:
        """The change in a checkout against its starting commit, as a unified diff."""
        ...

    def run(self, command: str, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> CommandResult: ...
    def find_commit(self, session_id: str, attempt: int) -> str | None: ...
    def publish(self, diff: str, message: str, base_sha: str, session_id: str, attempt: int,
                branch: str | None = None) -> Published:
        """Commit ``diff`` on ``base_sha`` and push it (never forced); idempotent per session+attempt. Raises
        RemoteMoved when the branch head is no longer ``base_sha``, PushRefused when the remote refuses."""
        ...

    def revert_to(self, good_sha: str, message: str, session_id: str, attempt: int,
                  expect_head: str | None = None) -> Published:
        """Push a commit restoring ``good_sha``'s tree; RemoteMoved when the head is not ``expect_head``."""
        ...
    def is_ancestor(self, older: str, newer: str) -> bool: ...


@dataclass(frozen=True)
class LLMReply:
    tool_input: dict[str, Any] | None
    """The input of the forced tool call (None if the model answered without it)."""
    tool_use_id: str
    text: str
    usage: dict[str, int]


class LLM(Protocol):
    """A model that answers through one forced tool. Raises LLMError (unavailable, budget spent)."""

    model: str

    def call(self, system: str, messages: list[dict[str, Any]], tool: dict[str, Any]) -> LLMReply: ...


class ChangeRequests(Protocol):
    """Opens a pull request (PR mode)."""

    def open(self, branch: str, base: str, title: str, body: str) -> str:
        """Returns the pull request's URL."""
        ...


class Notifier(Protocol):
    def notify(self, kind: str, payload: dict[str, Any]) -> None: ...


class Clock(Protocol):
    def now(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...
