"""The pre-push hook on a real `git push` to a bare remote, and `swarm stop`."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from swarm.cli import main
from tests.conftest import ROOT, git

pytestmark = pytest.mark.slow


def _status(repo: Path) -> dict:
    try:
        return json.loads((repo / ".swarm" / "status.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _wait(repo: Path, pred, timeout: float = 180) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = _status(repo)
        if pred(st):
            return st
        time.sleep(0.3)
    raise AssertionError(f"status never matched: {_status(repo)}")


def test_push_starts_a_background_heal_session(tmp_path: Path) -> None:
    origin, repo = tmp_path / "origin.git", tmp_path / "app"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "remote", "add", "origin", str(origin))
    assert main(["hook", "install", "--repo", str(repo)]) == 0
    for p in (ROOT / "scripts" / "sample_app").iterdir():
        (repo / p.name).write_text(p.read_text())
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "greeting service")
    push = subprocess.run(["git", "push", "-q", "origin", "main"], cwd=repo, capture_output=True, text=True)
    assert push.returncode == 0, push.stderr
    said = [line for line in push.stderr.splitlines() if line.startswith("swarm: heal session push-")]
    assert len(said) == 1 and "swarm sessions show push-" in said[0] and ".swarm/push-" in said[0]  # one line, how to follow
    assert ".swarm" not in git(repo, "status", "--porcelain")  # excluded locally, never committed
    st = _wait(repo, lambda s: s.get("state") == "done")
    assert st["outcome"] == "healed" and Path(st["report"]).exists()
    assert "PyYAML" in git(origin, "show", "main:requirements.txt")
    assert not list((repo / ".swarm").glob("*.pid"))
    assert main(["hook", "uninstall", "--repo", str(repo)]) == 0
    assert not (repo / ".git" / "hooks" / "pre-push").exists()


def test_existing_hook_is_kept_and_chained(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    mine = repo / ".git" / "hooks" / "pre-push"
    mine.write_text("#!/bin/sh\nexit 0\n")
    main(["hook", "install", "--repo", str(repo)])
    assert (repo / ".git" / "hooks" / "pre-push.local").read_text() == "#!/bin/sh\nexit 0\n"
    main(["hook", "uninstall", "--repo", str(repo)])
    assert mine.read_text() == "#!/bin/sh\nexit 0\n"


def test_stop_ends_a_waiting_session_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    origin, repo = tmp_path / "origin.git", tmp_path / "app"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    (repo / "a.txt").write_text("1\n")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "x")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    assert main(["trigger", "--repo", str(repo), "--sha", "f" * 40]) == 0  # a commit that never arrives
    session = capsys.readouterr().out.strip()
    _wait(repo, lambda s: s.get("state") == "waiting for the push", timeout=30)
    assert main(["stop", session, "--repo", str(repo)]) == 0
    assert "stopped session" in capsys.readouterr().out
    assert not (repo / ".swarm" / f"{session}.pid").exists()
