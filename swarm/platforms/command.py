"""The command platform: any platform with a CLI, driven by shell commands from swarm.toml [command].

Placeholders ({sha}, {deploy_id}, {service}, {branch}) are shell-quoted before substitution.
`deploy` prints the deploy id (its last non-empty output line); `status` prints a status word,
mapped to swarm's statuses (unknown words are an error that names the word); `logs` prints the logs.
Optional: `live` prints "<deploy_id> <sha>" of the release serving now (the verification baseline
and the rollback target); `rollback` restores {deploy_id} (of commit {sha}) and may print the id of
the deploy it started (else the restored deploy is watched); `cancel`. Deploys and rollbacks are
idempotent per key (state kept in a JSON file).

`find` (optional) prints the id of the deploy of {sha} the platform started by itself, or nothing: a
platform that deploys pushes (autodeploy) then gets the vendor semantics of
:mod:`swarm.platforms.deploymodel`: swarm waits up to `push_grace_s` for that deploy and runs `deploy`
only when none appears, so a commit is never deployed twice.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path

from memory.atomic import write_atomic
from memory.errors import ConfigError, PlatformError
from memory.models import DeployLogs, Deployment
from swarm.platforms.deploymodel import find_or_trigger, grace
from swarm.procs import run_command

DEPLOY_ID = re.compile(r"[\w.:/@-]{1,200}")

STATUS_WORDS = {
    "live": "live", "success": "live", "succeeded": "live", "ready": "live", "active": "live", "healthy": "live",
    "deployed": "live", "running": "building", "queued": "queued", "pending": "queued", "created": "queued",
    "building": "building", "build_in_progress": "building", "in_progress": "building", "deploying": "deploying",
    "started": "building", "failed": "failed", "error": "failed", "errored": "failed", "crashed": "failed",
    "build_failed": "build_failed", "update_failed": "failed", "canceled": "canceled", "cancelled": "canceled",
    "superseded": "superseded", "deactivated": "superseded",
}


@dataclass
class CommandPlatform:
    repo: Path
    state_dir: Path
    deploy_cmd: str
    status_cmd: str
    logs_cmd: str
    url: str | None = None
    rollback_cmd: str | None = None
    cancel_cmd: str | None = None
    live_cmd: str | None = None
    find_cmd: str | None = None
    push_grace_s: float | None = None
    service: str = "service"
    timeout_s: float = 300.0
    env: dict[str, str] = field(default_factory=dict)
    name: str = "command"

    def __post_init__(self) -> None:
        self.repo, self.state_dir = Path(self.repo), Path(self.state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._state = self.state_dir / "command-platform.json"

    def _load(self) -> dict[str, dict[str, object]]:
        try:
            return json.loads(self._state.read_text())
        except FileNotFoundError:
            return {}

    def _save(self, data: dict[str, dict[str, object]]) -> None:
        write_atomic(self._state, json.dumps(data, indent=2))

    def _run(self, template: str, retries: int = 0, **values: str) -> str:
        """Run one of the user's commands; read-only ones (status, logs, live) get ``retries`` more tries, with a
        short backoff, when they fail or time out. Deploy and rollback never run twice."""
        try:
            command = template.format(**{k: shlex.quote(v) for k, v in values.items()}, service=shlex.quote(self.service))
        except KeyError as exc:
            raise ConfigError(f"[command] {template!r} uses an unknown placeholder {exc}; use {{sha}}, {{deploy_id}}, {{service}}") from exc
        for attempt in range(retries + 1):
            code, out, _, timed_out = run_command(command, self.repo, self.timeout_s, env={**os.environ, **self.env})
            if code == 0:
                return out
            if attempt < retries:
                time.sleep(min(4.0, 0.5 * 2 ** attempt))
        tries = f" (after {retries + 1} tries)" if retries else ""
        raise PlatformError(f"`{command}` {f'timed out after {self.timeout_s:.0f}s' if timed_out else f'exited with {code}'}"
                            f"{tries}: {out.strip()[-500:]}")

    def deploy(self, sha: str, key: str, kind: str = "initial", attempt: int = 0) -> Deployment:
        data = self._load()
        known = next((d for d, meta in data.items() if meta.get("key") == key), None)
        if known:
            return self.status(known)
        deploy_id, trigger = find_or_trigger(sha, kind, lambda: self.find_cmd is not None, grace("command", self.push_grace_s),
                                             self._find, self._trigger)
        data[deploy_id] = {"key": key, "sha": sha, "kind": kind, "attempt": attempt, "trigger": trigger}
        self._save(data)
        return Deployment(id=deploy_id, sha=sha, kind=kind, attempt=attempt, trigger=trigger)  # type: ignore[arg-type]

    def _trigger(self, sha: str) -> str:
        lines = [line.strip() for line in self._run(self.deploy_cmd, sha=sha).splitlines() if line.strip()]
        if not lines or not DEPLOY_ID.fullmatch(lines[-1]):
            raise PlatformError(f"[command] deploy printed no deploy id on its last line (got {lines[-1:]!r})")
        return lines[-1]

    def _find(self, sha: str) -> str | None:
        """The deploy of ``sha`` the platform started by itself (``[command] find``), if any."""
        if self.find_cmd is None:
            return None
        lines = [line.strip() for line in self._run(self.find_cmd, retries=2, sha=sha).splitlines() if line.strip()]
        if not lines:
            return None
        if not DEPLOY_ID.fullmatch(lines[-1]):
            raise PlatformError(f"[command] find printed {lines[-1][:100]!r}; expected a deploy id or nothing")
        return lines[-1]

    def status(self, deploy_id: str) -> Deployment:
        meta = self._load().get(deploy_id, {})
        out = self._run(self.status_cmd, retries=2, deploy_id=deploy_id).strip()
        word = out.split()[0].lower() if out else ""
        if word not in STATUS_WORDS:
            raise PlatformError(f"[command] status printed {word!r}; expected one of {', '.join(sorted(STATUS_WORDS))}")
        return Deployment(id=deploy_id, sha=str(meta.get("sha", "")), status=STATUS_WORDS[word],  # type: ignore[arg-type]
                          kind=meta.get("kind", "initial"), attempt=int(str(meta.get("attempt", 0))), url=self.url,  # type: ignore[arg-type]
                          message=out[:300], trigger=meta.get("trigger"))  # type: ignore[arg-type]

    def logs(self, deploy_id: str) -> DeployLogs:
        return DeployLogs(build=self._run(self.logs_cmd, retries=2, deploy_id=deploy_id)[-2_000_000:])

    def cancel(self, deploy_id: str) -> None:
        if self.cancel_cmd:
            self._run(self.cancel_cmd, deploy_id=deploy_id)

    def health_url(self, deploy_id: str, path: str) -> str | None:
        return f"{self.url.rstrip('/')}{path}" if self.url else None

    def live(self) -> Deployment | None:
        if not self.live_cmd:
            return None  # without a `live` command there is no baseline and no rollback target
        words = self._run(self.live_cmd, retries=2).split()
        if not words:
            return None
        if len(words) < 2 or not re.fullmatch(r"[0-9a-f]{7,64}", words[1]) or not DEPLOY_ID.fullmatch(words[0]):
            raise PlatformError(f"[command] live should print '<deploy_id> <sha>'; got {' '.join(words)[:200]!r}")
        data = self._load()
        data.setdefault(words[0], {"sha": words[1], "kind": "initial", "attempt": 0})
        self._save(data)
        return Deployment(id=words[0], sha=words[1], status="live", url=self.url)

    def previous(self, current: Deployment) -> Deployment | None:
        return None

    def successor(self, current: Deployment) -> Deployment | None:
        """The deploy that took over from a replaced one: with ``find``, a newer deploy of the same commit."""
        found = self._find(current.sha) if current.sha else None
        if found is None or found == current.id:
            return None
        data = self._load()
        data.setdefault(found, {"sha": current.sha, "kind": current.kind, "attempt": current.attempt, "trigger": "push"})
        self._save(data)
        return self.status(found)

    def rollback(self, to: Deployment, key: str, attempt: int = 0) -> Deployment | None:
        if not self.rollback_cmd:
            return None
        data = self._load()
        known = next((d for d, meta in data.items() if meta.get("key") == key), None)
        if known:
            return self.status(known)
        lines = [line.strip() for line in self._run(self.rollback_cmd, deploy_id=to.id, sha=to.sha).splitlines() if line.strip()]
        deploy_id = lines[-1] if lines and DEPLOY_ID.fullmatch(lines[-1]) else to.id
        data[deploy_id] = {"key": key, "sha": to.sha, "kind": "rollback", "attempt": attempt}
        self._save(data)
        return Deployment(id=deploy_id, sha=to.sha, kind="rollback", attempt=attempt)

    def runtimes(self) -> dict[str, list[str]]:
        return {}
