"""Issue 10, chaos: the coordination store dies in the middle of a session."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import sample_app, swarm_commits
from tests.e2e.test_heal import _spawn, _wait_for_event, artifacts

pytestmark = pytest.mark.slow


def test_redis_stopped_mid_session_fallback_finishes(tmp_path: Path, have_redis_server: bool, reliability) -> None:  # type: ignore[no-untyped-def]
    """The coordination Redis (a redis-server of the test's own, on another port) dies mid-session: the single-threaded
    loop finishes from the last checkpoint on files alone, with exactly one push."""
    if not have_redis_server:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server binary missing in CI")
        pytest.skip("redis-server binary not installed")
    port = 6391 + os.getpid() % 500
    pidfile = tmp_path / "redis.pid"
    subprocess.run(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--daemonize", "yes", "--pidfile", str(pidfile), "--dir", str(tmp_path)], check=True)
    try:
        import redis

        for _ in range(50):
            try:
                redis.Redis(port=port).ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        repo, origin = sample_app(tmp_path)
        env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
        proc = _spawn(repo, "noredis", env)
        events = artifacts() / "sessions" / "noredis" / "events.jsonl"
        _wait_for_event(events, lambda e: e.get("kind") == "analyzed", proc)
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
        out, _ = proc.communicate(timeout=300)
        pushes = len(swarm_commits(origin, "noredis"))
        reliability.record("the coordination Redis is shut down mid-session", proc.returncode == 0,
                           duplicate_pushes=max(0, pushes - 1))
        assert proc.returncode == 0, out.decode()
        fallback = (artifacts() / "sessions" / "noredis" / "fallback_output.log").read_text()
        assert "StoreUnavailable" in fallback and "single-threaded heal loop" in fallback
        assert len(swarm_commits(origin, "noredis")) == 1
    finally:
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)
