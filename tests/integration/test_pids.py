"""Issue 10 #10: a pid is trusted only with its start time; `swarm stop` never signals a process that merely got a
stale pid, and a session that ended in any way (a user error included) is never shown as running."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from swarm.cli import main
from swarm.hooks import stop
from swarm.procs import ProcessRegistry, alive, live_pid, start_time, write_pid_record


@pytest.fixture
def bystander():  # type: ignore[no-untyped-def]
    """An unrelated process that happens to hold the pid a dead session recorded."""
    proc = subprocess.Popen(["sleep", "120"], start_new_session=True)
    yield proc
    proc.kill()
    proc.wait()


def test_stop_never_signals_a_reused_pid(tmp_path: Path, bystander: subprocess.Popen[bytes]) -> None:
    record = tmp_path / "artifacts" / "sessions" / "old" / "pid"
    record.parent.mkdir(parents=True)
    start = start_time(bystander.pid)
    assert start is not None
    record.write_text(json.dumps({"pid": bystander.pid, "start": start - 1}))  # the session's process, long gone
    assert "not running" in stop("old", tmp_path, tmp_path / "artifacts", grace=1)
    assert bystander.poll() is None and alive(bystander.pid)
    assert not record.exists()


def test_a_bare_pid_file_is_never_signalled(tmp_path: Path, bystander: subprocess.Popen[bytes]) -> None:
    record = tmp_path / ".swarm" / "push-1.pid"
    record.parent.mkdir()
    record.write_text(str(bystander.pid))  # the old format: no identity
    assert live_pid(record) is None
    assert "not running" in stop("push-1", tmp_path, tmp_path / "artifacts", grace=1)
    assert bystander.poll() is None


def test_stop_signals_the_recorded_process_itself(tmp_path: Path) -> None:
    proc = subprocess.Popen(["sleep", "120"], start_new_session=True)
    record = tmp_path / "artifacts" / "sessions" / "live" / "pid"
    write_pid_record(record, proc.pid)
    assert live_pid(record) == proc.pid
    assert stop("live", tmp_path, tmp_path / "artifacts", grace=10) == "stopped session live"
    assert proc.wait(timeout=10) is not None and not record.exists()


def test_a_deploy_that_fails_on_a_user_error_leaves_no_running_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_repo = tmp_path / "plain"
    not_a_repo.mkdir()
    assert main(["deploy", "--session", "usererr", "--repo", str(not_a_repo), "--quiet"]) == 1
    assert "not a git repository" in capsys.readouterr().err
    assert not (Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / "usererr" / "pid").exists()
    main(["sessions", "list"])
    lines = capsys.readouterr().out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("usererr"))
    row, detail = lines[at], lines[at + 1] if at + 1 < len(lines) else ""
    assert "error" in row and "running" not in row
    assert "error: " in row + detail and "not a git repository" in row + detail  # a long message: whole, on its own line


def test_the_registry_reaps_only_its_own_live_children(tmp_path: Path, bystander: subprocess.Popen[bytes]) -> None:
    reg = ProcessRegistry(tmp_path / "procs")
    child = subprocess.Popen(["sleep", "120"], start_new_session=True)
    reg.track(child.pid, "sandboxed app")
    (tmp_path / "procs" / f"pid-{bystander.pid}.json").write_text(
        json.dumps({"pid": bystander.pid, "start": (start_time(bystander.pid) or 0) - 5}))  # a reused pid
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    reg.track_dir(scratch)
    done = reg.reap()
    assert child.wait(timeout=10) is not None
    assert bystander.poll() is None
    assert not scratch.exists() and len(done) == 2
    assert list((tmp_path / "procs").glob("*.json")) == []


def test_stale_worktrees_of_dead_sessions_are_pruned_and_live_ones_kept(tmp_path: Path) -> None:
    """Issue 10 #8: a session killed between validation and push left `<session>-publish-1` registered in the clone."""
    from swarm.gitws import GitWorkspace
    from tests.conftest import git, make_app

    repo, _ = make_app(tmp_path, {"a.txt": "1\n"})
    sessions = tmp_path / "artifacts" / "sessions"
    ws_dead = GitWorkspace(repo, "origin", "main", sessions / "dead" / "work")
    ws_live = GitWorkspace(repo, "origin", "main", sessions / "live" / "work")
    dead = ws_dead.checkout("dead-publish-1", ws_dead.remote_head())
    live = ws_live.checkout("live-a1-val-0", ws_live.remote_head())
    write_pid_record(sessions / "live" / "pid", os.getpid())
    outside = tmp_path / "users-own-worktree"
    git(repo, "worktree", "add", "-q", "--detach", str(outside))
    removed = ws_dead.prune_stale(sessions, keep=lambda sid: live_pid(sessions / sid / "pid") is not None)
    assert removed == [str(dead)]
    listed = git(repo, "worktree", "list", "--porcelain")
    assert str(dead) not in listed and str(live) in listed and str(outside) in listed  # the user's own is untouched


def test_a_group_whose_processes_all_exited_is_not_alive_even_while_an_orphan_awaits_reaping() -> None:
    """The inner shell exits first and is orphaned when the outer one ends: a zombie until init reaps it (some
    container inits take seconds). It no longer runs, so the group is gone; a live member still counts."""
    import subprocess

    from swarm.procs import group_alive

    live = subprocess.Popen(["sh", "-c", "sleep 30"], start_new_session=True)
    try:
        assert group_alive(live.pid)
    finally:
        live.kill()
        live.wait()
    proc = subprocess.Popen(["sh", "-c", "sh -c 'exit 0' & sleep 0.2"], start_new_session=True)
    proc.wait()  # the inner shell exited long before (it ran `exit 0`, the outer one slept 0.2 s): no waiting needed
    assert not group_alive(proc.pid)
