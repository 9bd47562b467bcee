"""On a terminal, `deploy` shows a live panel (rich): run under a real pseudo-terminal and read what the screen got.
Off a terminal (a pipe, CI) the plain progress lines stay (every other test reads those)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, sample_app

pytestmark = pytest.mark.slow
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\r")


def test_deploy_on_a_terminal_shows_the_live_panel(tmp_path: Path) -> None:
    repo, _ = sample_app(tmp_path)
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "swarm", "deploy", "--session", "tty", "--repo", str(repo)],
                            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)
    screen = b""
    while True:  # read until the child closes the terminal: waits on the descriptor, not on time
        ready, _, _ = select.select([master], [], [], 300)
        if not ready:
            proc.kill()
            raise AssertionError("no output for 300 s")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 0
    text = ANSI.sub("", screen.decode(errors="replace"))
    for agent in ("Analyzer", "Fixer", "Validator", "Optimizer", "Monitor", "Deploy"):
        assert agent in text
    assert "candidate" in text and "a1-add_dependency" in text and "passed" in text  # candidates with their validation
    assert "deploy" in text and "elapsed" in text and "dep-0002" in text
    assert "healed:" in text and "report:" in text  # the end of the run, after the panel
