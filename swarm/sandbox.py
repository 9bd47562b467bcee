"""The Sandbox port: build a candidate's checkout the way the local platform builds a deploy
(same build steps, same runtime, same build time limit), start its web process with a free PORT
and probe the health path, then stop it. Used by the Validator before any deploy."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from memory.models import CheckResult
from swarm.platforms.local_worker import BuildFailed, Worker, free_port, health_never_passed, wait_healthy
from swarm.procs import kill_group, track, track_dir, untrack, untrack_dir

TAIL = 4000


class LocalSandbox:
    def __init__(self, health_path: str = "/healthz", health_timeout_s: float = 30.0, build_command: str | None = None,
                 start_command: str | None = None, env: dict[str, str] | None = None, build_timeout_s: float | None = None) -> None:
        self.cfg: dict[str, Any] = {
            "health_path": health_path, "health_timeout_s": health_timeout_s, "build_command": build_command,
            "start_command": start_command, "env": dict(env or {}), "build_timeout_s": build_timeout_s,
            "inject_network_error": False,
        }

    def smoke(self, tree: Path, timeout: float, gate: Callable[[], None] | None = None) -> list[CheckResult]:
        with tempfile.TemporaryDirectory(prefix="swarm-sandbox-") as tmp:
            track_dir(Path(tmp))  # a session killed here leaves no build folder behind: the next start removes it
            try:
                return self._smoke(Path(tmp), tree, timeout, gate)
            finally:
                untrack_dir(Path(tmp))

    def _smoke(self, tmp: Path, tree: Path, timeout: float, gate: Callable[[], None] | None = None) -> list[CheckResult]:
        worker = Worker(Path(tmp), dict(self.cfg), src=Path(tree))
        env = worker.environment()
        start = time.monotonic()
        limit = self.cfg["build_timeout_s"]
        worker.deadline = start + min(float(limit), timeout) if limit else start + timeout
        try:
            worker.build(env)
            command = worker.start_command()
        except BuildFailed as exc:
            log = (Path(tmp) / "build.log").read_text(errors="replace")
            return [CheckResult(name="build", ok=False, seconds=round(time.monotonic() - start, 2),
                                output=f"{exc}\n{log[-TAIL:]}")]
        build = CheckResult(name="build", ok=True, seconds=round(time.monotonic() - start, 2),
                            output=(Path(tmp) / "build.log").read_text(errors="replace")[-TAIL:])
        if gate is not None:
            gate()  # a rehearsal on the platform's own machine starts the app only once the platform's is done
        return [build, self._start_and_probe(Path(tree), env, command, Path(tmp) / "runtime.log")]

    def _start_and_probe(self, src: Path, env: dict[str, str], command: str, log_path: Path) -> CheckResult:
        port = free_port()
        start = time.monotonic()
        path, limit = self.cfg["health_path"], float(self.cfg["health_timeout_s"])
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(command, shell=True, cwd=src, env={**env, "PORT": str(port)}, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            track(proc.pid, f"sandboxed app: {command}")
            try:
                result, detail = wait_healthy(proc, port, path, limit)
            finally:
                kill_group(proc.pid)
                untrack(proc.pid)
            ok = result == "ok"
            if result in ("wrong_port", "timeout", "server_error", "refused"):
                log.write(health_never_passed(path, port, limit, result, detail).encode())
        output = log_path.read_text(errors="replace")[-TAIL:]
        name = "start-and-health"
        return CheckResult(name=name, ok=ok, seconds=round(time.monotonic() - start, 2),
                           output=f"$ {command} (PORT={port}); GET {path}: {detail}\n{output}")
