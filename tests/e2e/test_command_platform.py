"""The command platform: a platform driven by shell scripts, healed end to end (real git, real processes)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from swarm.cli import main
from tests.capture_server import CaptureServer
from tests.conftest import ROOT, git, make_app, swarm_commits

pytestmark = pytest.mark.slow

TRACE = "Traceback (most recent call last):\n  File \"/srv/app/app.py\", line 6, in <module>\n    import yaml\nModuleNotFoundError: No module named 'yaml'\n"



def test_heal_through_shell_commands(tmp_path: Path, site: CaptureServer) -> None:
    ops, state = tmp_path / "ops", tmp_path / "state"
    ops.mkdir()
    state.mkdir()
    (ops / "deploy.sh").write_text('n=$(($(cat "$STATE/n" 2>/dev/null || echo 0)+1)); echo $n > "$STATE/n"; '
                                   'echo "$1" > "$STATE/sha-$n"; echo "uploading $1"; echo "dep-$n"\n')
    (ops / "status.sh").write_text('case "$1" in dep-1) echo FAILED ;; *) echo Live ;; esac\n')
    (ops / "logs.sh").write_text(f'[ "$1" = dep-1 ] && printf %s {json.dumps(TRACE)} || echo "booted"\n')
    files = {p.name: p.read_text() for p in (ROOT / "scripts" / "sample_app").iterdir()}
    files["swarm.toml"] = (
        f'[service]\nplatform = "command"\n[deploy]\nenv = {{STATE = "{state}"}}\n[command]\n'
        f'deploy = "sh {ops}/deploy.sh {{sha}}"\nstatus = "sh {ops}/status.sh {{deploy_id}}"\nlogs = "sh {ops}/logs.sh {{deploy_id}}"\n'
        f'url = "{site.url}"\n')
    repo, origin = make_app(tmp_path, files)
    assert main(["deploy", "--session", "cmd", "--repo", str(repo), "--quiet"]) == 0
    assert (state / "n").read_text().strip() == "2"
    assert (state / "sha-2").read_text().strip() == git(origin, "rev-parse", "main")
    assert "PyYAML" in git(origin, "show", "main:requirements.txt") and len(swarm_commits(origin, "cmd")) == 1
    assert any(r["path"] == "/healthz" for r in site.requests)


def test_unknown_status_word_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"app.py": "x = 1\n", "swarm.toml": '[service]\nplatform = "command"\n[command]\n'
             'deploy = "echo d1"\nstatus = "echo sideways"\nlogs = "echo none"\n'}
    repo, _ = make_app(tmp_path, files)
    assert main(["deploy", "--session", "cmd2", "--repo", str(repo), "--quiet"]) == 1
    assert "sideways" in capsys.readouterr().err
    (repo / "swarm.toml").write_text('[service]\nplatform = "command"\n')
    git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qam", "x")
    git(repo, "push", "-q", "origin", "main")
    assert main(["deploy", "--session", "cmd3", "--repo", str(repo), "--quiet"]) == 1
    assert "needs [command] deploy, status, logs" in capsys.readouterr().err
    assert os.environ["SWARM_ARTIFACTS"]
