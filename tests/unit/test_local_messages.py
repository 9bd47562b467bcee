"""Every failure message the local platform itself prints is diagnosed (issue 14): the texts come from the code that
prints them, so a reworded message that no rule reads fails here."""

from __future__ import annotations

import pytest

from agents.analyzer import analyze
from agents.rules import load_rulebook
from swarm.platforms.local_worker import INJECTED, health_never_passed

BOOK = load_rulebook()
CASES = [
    (health_never_passed("/healthz", 41234, 30, "timeout", "connection refused"), "port_binding"),
    (health_never_passed("/healthz", 41234, 30, "wrong_port", "the process listens on 127.0.0.1:8081, not on $PORT=41234"),
     "port_binding"),
    ("==> no web process: add a Procfile with a `web: <command>` line (or [deploy] start in swarm.toml)", "start_command"),
    ("==> web process exited with code 1 before passing the health check", "runtime_error"),
    ("the web process (pid 4321) exited after going live", "runtime_error"),
    ("==> Build timed out: killed after 60s (build time limit exceeded)", "build_timeout"),
    ("==> Requested runtime (python-3.99.1) is not available on this platform\n/bin/sh: 1: python3.99: not found",
     "runtime_version"),
    ("==> runtime.txt asks for 'python3', which is not a Python version (use python-X.Y.Z)", "runtime_version"),
    ("\n".join(INJECTED["python"]), "network_transient"),
    ("\n".join(INJECTED["node"]), "network_transient"),
]


@pytest.mark.parametrize("text, category", CASES)
def test_the_local_platforms_own_messages_are_diagnosed(text: str, category: str) -> None:
    assert analyze(text, BOOK).category == category
