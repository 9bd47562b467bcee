"""Issue 10, chaos: a session SIGKILLed at every node boundary (and in the middle of a sandboxed health check, and
between validation and push) is finished by ``--resume`` with at most one push, and leaves no process, scratch folder
or worktree behind. Real local platform, real git remotes, real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from swarm.cli import main
from swarm.procs import alive
from tests.conftest import ROOT, git, make_app, sample_app, swarm_commits

pytestmark = pytest.mark.slow
NODES = ["monitor", "analyze", "optimize", "fix", "validate", "select", "deploy", "verify", "learn"]


def artifacts() -> Path:
    return Path(os.environ["SWARM_ARTIFACTS"])


def spawn(repo: Path, session: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "swarm", "deploy", "--session", session, "--repo", str(repo), "--quiet"],
                            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def processes_under(folder: Path) -> list[str]:
    """Processes (other than this test) whose command line or working directory lies under ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if alive(int(entry.name)) and (str(folder) in cmd or cwd.startswith(str(folder))):
            found.append(f"{entry.name}: {cmd[:160]} (cwd {cwd})")
    return found


def stale_worktrees(repo: Path) -> list[str]:
    out = git(repo, "worktree", "list", "--porcelain")
    return [line for line in out.splitlines() if line.startswith("worktree ") and Path(line[9:]) != repo]


def leftovers(repo: Path, tmp_path: Path) -> list[str]:
    procs = artifacts() / "procs"
    records = [str(p) for p in procs.rglob("*.json")] if procs.exists() else []
    return [*processes_under(tmp_path), *stale_worktrees(repo), *records]


def assert_clean(repo: Path, tmp_path: Path) -> None:
    assert main(["sessions", "list"]) == 0
    left = leftovers(repo, tmp_path)
    assert left == [], left


@pytest.mark.parametrize("node", NODES)
def test_sigkill_at_every_node_boundary_then_resume(tmp_path: Path, node: str, reliability) -> None:  # type: ignore[no-untyped-def]
    repo, origin = sample_app(tmp_path)
    proc = spawn(repo, "chaos", SWARM_FAULT_KILL_BEFORE=node)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == -signal.SIGKILL, out.decode()[-2000:]
    log = (artifacts() / "sessions" / "chaos" / "swarm_output.log").read_text()
    assert f"fault: SIGKILL before {node}" in log
    code = main(["deploy", "--session", "chaos", "--repo", str(repo), "--resume", "--quiet"])
    final = json.loads((artifacts() / "sessions" / "chaos" / "final_state.json").read_text())
    pushes = len(swarm_commits(origin, "chaos"))
    reliability.record(f"SIGKILL before {node}, then --resume", final["outcome"]["kind"] == "healed",
                       duplicate_pushes=max(0, pushes - 1), orphans_left=len(leftovers(repo, tmp_path)))
    assert code == 0 and final["outcome"]["kind"] == "healed", final["outcome"]
    assert pushes == 1  # at most one push, whatever was killed when
    assert_clean(repo, tmp_path)


SLOW_START = """import time
import yaml
from http.server import BaseHTTPRequestHandler, HTTPServer
import os

time.sleep(4)  # a slow start-up: the sandboxed health check is still waiting when the session is killed


class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')


HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
"""


def test_sigkill_during_a_sandboxed_health_check_leaves_no_app_running(tmp_path: Path, reliability) -> None:  # type: ignore[no-untyped-def]
    # no rehearsal: its start of the unfixed commit is a second sandboxed app that dies at once (no yaml), and the
    # one this test kills the session under is the candidate's, waiting for health
    repo, origin = make_app(tmp_path, {"app.py": SLOW_START, "Procfile": "web: python app.py\n", "requirements.txt": "",
                                       "swarm.toml": "[validate]\nrehearse = \"off\"\n"})
    proc = spawn(repo, "midcheck")
    registry = artifacts() / "procs" / "app"
    deadline = time.monotonic() + 300
    app_pid = None
    while app_pid is None and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read().decode()[-2000:] if proc.stdout else ""
        for rec in registry.glob("pid-*.json") if registry.is_dir() else []:
            try:
                data = json.loads(rec.read_text())
            except (OSError, json.JSONDecodeError):
                continue
            if data.get("what", "").startswith("sandboxed app"):
                app_pid = data["pid"]
        time.sleep(0.02)
    assert app_pid is not None, "the sandboxed app never started"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert alive(app_pid), "the sandboxed app runs in its own process group: the kill alone leaves it behind"
    code = main(["deploy", "--session", "midcheck", "--repo", str(repo), "--resume", "--quiet"])
    reliability.record("SIGKILL during a sandboxed health check, then --resume", code == 0,
                       duplicate_pushes=max(0, len(swarm_commits(origin, "midcheck")) - 1),
                       orphans_left=len(leftovers(repo, tmp_path)) + int(alive(app_pid)))
    assert code == 0
    assert not alive(app_pid)
    assert len(swarm_commits(origin, "midcheck")) == 1
    assert_clean(repo, tmp_path)


def test_a_new_session_cleans_up_after_a_killed_one(tmp_path: Path, reliability) -> None:  # type: ignore[no-untyped-def]
    """Not resumed: the next session on the service reaps the killed one's children and worktrees."""
    repo, _ = sample_app(tmp_path)
    proc = spawn(repo, "first", SWARM_FAULT_KILL_BEFORE="deploy")
    proc.communicate(timeout=600)
    assert proc.returncode == -signal.SIGKILL
    assert main(["sessions", "list"]) == 0
    code = main(["deploy", "--session", "second", "--repo", str(repo), "--quiet"])
    reliability.record("SIGKILL before deploy, a new session instead of --resume", code in (0, 2),
                       orphans_left=len(leftovers(repo, tmp_path)))
    assert code in (0, 2)
    assert_clean(repo, tmp_path)
