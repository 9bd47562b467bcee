"""The local platform: deploys a pushed commit of the target repo on this machine.

Each deploy is a detached worker process (``swarm.platforms.local_worker``) that exports the
commit into a fresh folder, builds it (venv + pip, or npm), starts the Procfile ``web:`` process
with ``PORT`` and health-checks it (a process that answers HTTP 500 for 5 s straight fails then: its handler is
broken and the rest of the window would only delay the diagnosis; 502/503/504, "not ready yet", are waited out). State lives in files under ``state_dir``, so a deploy keeps
going if the swarm is killed, and a resumed session picks it up. The previous healthy release
keeps serving until the new one passes. ``close()`` stops every process this platform started.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memory.atomic import write_atomic
from memory.errors import PlatformError
from memory.models import TERMINAL_STATUSES, DeployLogs, Deployment
from swarm.appenv import app_environment
from swarm.platforms.local_worker import env_cache
from swarm.procs import alive, kill_group

LOG_TAIL = 2 * 1024 * 1024


@dataclass(frozen=True)
class Faults:
    build_network_errors: int = 0
    build_timeout_s: float | None = None


@dataclass
class LocalPlatform:
    repo: Path
    state_dir: Path
    health_path: str = "/healthz"
    health_timeout_s: float = 30.0
    build_command: str | None = None
    start_command: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    """The app's variables: ``[deploy] env`` plus the ``[deploy] pass_env`` names taken from the environment."""
    faults: Faults = field(default_factory=Faults)
    name: str = "local"

    def __post_init__(self) -> None:
        self._runtimes: dict[str, list[str]] | None = None
        self.repo = Path(self.repo).resolve()
        self.state_dir = Path(self.state_dir).resolve()
        (self.state_dir / "deploys").mkdir(parents=True, exist_ok=True)

    # -- files ------------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.state_dir / ".lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _dir(self, deploy_id: str) -> Path:
        path = self.state_dir / "deploys" / deploy_id
        if not path.is_dir():
            raise PlatformError(f"local platform has no deploy {deploy_id!r} under {self.state_dir}")
        return path

    def _meta(self, deploy_id: str) -> dict[str, Any]:
        path = self._dir(deploy_id) / "meta.json"
        for _ in range(50):
            try:
                return json.loads(path.read_text())
            except json.JSONDecodeError:  # a writer is replacing it
                time.sleep(0.02)
        raise PlatformError(f"deploy metadata {path} is unreadable")

    def _all(self) -> list[dict[str, Any]]:
        metas = []
        for d in sorted((self.state_dir / "deploys").iterdir()):
            if (d / "meta.json").is_file():
                metas.append(self._meta(d.name))
        return metas

    # -- Platform port -----------------------------------------------------------------------
    def deploy(self, sha: str, key: str, kind: str = "initial", attempt: int = 0) -> Deployment:
        with self._locked():
            for meta in self._all():
                if meta.get("key") == key:
                    return self.status(meta["id"])
            counter_path = self.state_dir / "builds_started"
            started = int(counter_path.read_text() or 0) if counter_path.exists() else 0
            counter_path.write_text(str(started + 1))
            n = len(list((self.state_dir / "deploys").iterdir())) + 1
            deploy_id = f"dep-{n:04d}-{sha[:7]}"
            ddir = self.state_dir / "deploys" / deploy_id
            ddir.mkdir(parents=True)
            config = {
                "repo": str(self.repo), "sha": sha, "health_path": self.health_path,
                "health_timeout_s": self.health_timeout_s, "build_command": self.build_command,
                "start_command": self.start_command, "env": self.env,
                "build_timeout_s": self.faults.build_timeout_s,
                "inject_network_error": started < self.faults.build_network_errors,
                "state_dir": str(self.state_dir),
                "env_cache": str(env_cache()),  # swarm's setting, not the app's: the worker's environment is the app's
            }
            (ddir / "config.json").write_text(json.dumps(config, indent=2))
            meta = {"id": deploy_id, "sha": sha, "key": key, "kind": kind, "attempt": attempt, "status": "queued",
                    "message": "", "created": time.time()}
            _write_json(ddir / "meta.json", meta)
            with open(ddir / "worker.log", "ab") as log_fh:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "swarm.platforms.local_worker", str(ddir)],
                    stdout=log_fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                    cwd=str(ddir), env={**app_environment(), "PYTHONPATH": _pythonpath()},
                )
            _write_json(ddir / "meta.json", {**self._meta(deploy_id), "worker_pid": proc.pid})
        return self.status(deploy_id)

    def status(self, deploy_id: str) -> Deployment:
        meta = self._meta(deploy_id)
        status = meta["status"]
        if status not in TERMINAL_STATUSES:
            wpid = meta.get("worker_pid")
            if wpid and not alive(wpid):
                time.sleep(0.2)
                meta = self._meta(deploy_id)
                if meta["status"] not in TERMINAL_STATUSES:
                    meta.update(status="failed", message="the deploy worker died before the deploy finished")
                    _write_json(self._dir(deploy_id) / "meta.json", meta)
        elif status == "live" and meta.get("pid") and not alive(meta["pid"]):
            meta.update(status="failed", message=f"the web process (pid {meta['pid']}) exited after going live")
            _write_json(self._dir(deploy_id) / "meta.json", meta)
        return Deployment(
            id=meta["id"], sha=meta["sha"], status=meta["status"], kind=meta.get("kind", "initial"),
            attempt=meta.get("attempt", 0), url=f"http://127.0.0.1:{meta['port']}" if meta.get("port") else None,
            message=meta.get("message", ""), build_seconds=meta.get("build_seconds"), trigger="swarm",
        )

    def wait_change(self, deploy_id: str, timeout_s: float) -> None:
        """Return as soon as the deploy's record changes (the worker replaces ``meta.json`` on every status change),
        or when ``timeout_s`` has passed. The worker runs on this machine, so the file is the condition itself: the
        monitor waits on it instead of sleeping a backoff step, and sees a deploy end when it ends. A worker that died
        without a word does not change the file: the caller's ``status()`` notices that after the timeout."""
        path = self._dir(deploy_id) / "meta.json"

        def mark() -> tuple[int, int, int] | None:
            try:
                st = path.stat()
            except OSError:
                return None
            return st.st_ino, st.st_mtime_ns, st.st_size

        first, end = mark(), time.monotonic() + max(0.0, timeout_s)
        while time.monotonic() < end:
            time.sleep(min(0.02, max(0.0, end - time.monotonic())))
            if mark() != first:
                return

    def logs(self, deploy_id: str) -> DeployLogs:
        d = self._dir(deploy_id)
        return DeployLogs(build=_tail(d / "build.log"), runtime=_tail(d / "runtime.log"))

    def cancel(self, deploy_id: str) -> None:
        meta = self._meta(deploy_id)
        for key in ("worker_pid", "pid"):
            if meta.get(key) and alive(meta[key]):
                kill_group(meta[key])
        meta = self._meta(deploy_id)
        if meta["status"] not in TERMINAL_STATUSES or meta["status"] == "live":
            meta.update(status="canceled", message=meta.get("message") or "canceled")
            _write_json(self._dir(deploy_id) / "meta.json", meta)

    def health_url(self, deploy_id: str, path: str) -> str | None:
        port = self._meta(deploy_id).get("port")
        return f"http://127.0.0.1:{port}{path}" if port else None

    def live(self) -> Deployment | None:
        for meta in reversed(self._all()):
            if meta["status"] == "live" and meta.get("pid") and alive(meta["pid"]):
                return self.status(meta["id"])
        return None

    def previous(self, current: Deployment) -> Deployment | None:
        return None

    def successor(self, current: Deployment) -> Deployment | None:
        return None  # nothing here deploys by itself: only swarm (or swarm stop) replaces a deploy

    def rollback(self, to: Deployment, key: str, attempt: int = 0) -> Deployment | None:
        return None  # a release's processes are gone once superseded: the revert commit is built instead

    def runtimes(self) -> dict[str, list[str]]:
        """The interpreters a build here can use: ``pythonX.Y`` on PATH that really run, and node."""
        if self._runtimes is None:
            self._runtimes = _probe_runtimes(os.environ.get("PATH", ""))
        return {k: list(v) for k, v in self._runtimes.items()}

    def close(self) -> None:
        """Stop every process this platform started (workers and web processes)."""
        for meta in self._all():
            for key in ("worker_pid", "pid"):
                if meta.get(key) and alive(meta[key]):
                    kill_group(meta[key])
            if meta["status"] == "live":
                meta.update(status="superseded", message="stopped when the platform was closed")
                _write_json(self.state_dir / "deploys" / meta["id"] / "meta.json", meta)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(data, indent=2), mode=0o644)


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - LOG_TAIL))
            return fh.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _pythonpath() -> str:
    root = str(Path(__file__).resolve().parents[2])
    return os.pathsep.join(p for p in [root, os.environ.get("PYTHONPATH", "")] if p)


@functools.lru_cache(maxsize=4)
def _probe_runtimes(path: str) -> dict[str, list[str]]:
    """``pythonX.Y`` on ``path`` that really run, and node: every candidate asked at once (a version manager's shim
    for a version it lacks takes a fraction of a second to say so), once per process and PATH."""
    names = [f"python3.{minor}" for minor in range(6, 20)] + ["node"]
    exes = [(name, shutil.which(name, path=path)) for name in names]

    def version(exe: str) -> str | None:
        try:
            out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        m = re.search(r"(\d+\.\d+\.\d+)", out.stdout + out.stderr)
        return m.group(1) if out.returncode == 0 and m else None

    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda pair: (pair[0], version(pair[1]) if pair[1] else None), exes))
    return {"python": [v for n, v in found if v and n != "node"], "node": [v for n, v in found if v and n == "node"]}
