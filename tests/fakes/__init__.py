"""Fakes for the ports (not mocks): small, real behaviour, scripted where it matters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from memory.models import DeployLogs, Deployment, ProbeResult


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


class FakePlatform:
    """Each deploy walks through a scripted list of statuses, one per status() call."""

    name = "fake"

    def __init__(self, script: list[str] | None = None, logs: DeployLogs | None = None) -> None:
        self.script = script or ["building", "live"]
        self.calls: dict[str, int] = {}
        self.deploys: dict[str, Deployment] = {}
        self._logs = logs or DeployLogs()
        self.canceled: list[str] = []

    def deploy(self, sha: str, key: str, kind: str = "initial", attempt: int = 0) -> Deployment:
        dep = Deployment(id=f"d{len(self.deploys) + 1}", sha=sha, kind=kind, attempt=attempt, trigger="swarm")  # type: ignore[arg-type]
        self.deploys[dep.id] = dep
        return dep

    def status(self, deploy_id: str) -> Deployment:
        n = self.calls.get(deploy_id, 0)
        self.calls[deploy_id] = n + 1
        status = self.script[min(n, len(self.script) - 1)]
        return self.deploys[deploy_id].model_copy(update={"status": status})

    def logs(self, deploy_id: str) -> DeployLogs:
        return self._logs

    def cancel(self, deploy_id: str) -> None:
        self.canceled.append(deploy_id)

    def health_url(self, deploy_id: str, path: str) -> str | None:
        return f"http://fake/{deploy_id}{path}"

    def live(self) -> Deployment | None:
        return None

    def runtimes(self) -> dict[str, list[str]]:
        return {"python": ["3.11.7", "3.12.1"], "node": ["20.20.2"]}

    def previous(self, current: Deployment) -> Deployment | None:
        return None

    def successor(self, current: Deployment) -> Deployment | None:
        return None

    def rollback(self, to: Deployment, key: str, attempt: int = 0) -> Deployment | None:
        return None


class FakeProber:
    def __init__(self, answers: dict[str, int] | None = None) -> None:
        self.answers = answers or {}

    def get(self, url: str, timeout: float) -> ProbeResult:
        path = "/" + url.split("/", 4)[-1]
        status = self.answers.get(path, 200)
        return ProbeResult(path=path, status=status, ok=status == 200, detail=f"HTTP {status}")


class NullWorkspace:
    root = Path(".")
    branch = "main"

    def files(self, sha: str | None = None) -> list[str]:
        return []


class ListNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def notify(self, kind: str, payload: dict[str, Any]) -> None:
        self.sent.append((kind, payload))
