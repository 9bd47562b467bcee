"""The command platform: a platform driven by shell scripts, healed end to end (real git, real processes)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from swarm.cli import main
from tests.capture_server import CaptureServer
from tests.conftest import ROOT, git, make_app, push_config, swarm_commits

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
    out = capsys.readouterr()
    assert "sideways" in out.out and "failed" in out.out  # an outcome with a report, not a crash
    assert "sideways" in (Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / "cmd2" / "report.md").read_text()
    (repo / "swarm.toml").write_text('[service]\nplatform = "command"\n')
    git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qam", "x")
    git(repo, "push", "-q", "origin", "main")
    assert main(["deploy", "--session", "cmd3", "--repo", str(repo), "--quiet"]) == 1
    assert "needs [command] deploy, status, logs" in capsys.readouterr().err
    assert os.environ["SWARM_ARTIFACTS"]


def test_rollback_and_live_through_shell_commands(tmp_path: Path) -> None:
    """`live` gives the baseline and the rollback target; `rollback` restores it; the branch gets the revert commit."""
    from tests.capture_server import LiveSite

    ops, state = tmp_path / "ops", tmp_path / "state"
    ops.mkdir()
    state.mkdir()
    (ops / "deploy.sh").write_text('n=$(($(cat "$STATE/n" 2>/dev/null || echo 0)+1)); echo $n > "$STATE/n"; '
                                   'echo "$1" > "$STATE/sha-dep-$n"; echo "dep-$n" > "$STATE/current"; echo "dep-$n"\n')
    (ops / "live.sh").write_text('id=$(cat "$STATE/current"); echo "$id $(cat "$STATE/sha-$id")"\n')
    (ops / "rollback.sh").write_text('echo "$2" > "$STATE/rolled-to-sha"; echo "$1" > "$STATE/current"; echo "restoring $1"\n')
    files = {"app.py": "print('hi')\n", "greetings.yaml": "en: hello\n"}
    repo, origin = make_app(tmp_path, files)

    def answer(path: str) -> int:
        current = (state / "current").read_text().strip()
        sha = (state / f"sha-{current}").read_text().strip()
        return 500 if path.startswith("/api") and "BROKEN" in git(origin, "show", f"{sha}:greetings.yaml") else 200

    site = LiveSite(answer)
    try:
        (repo / "swarm.toml").write_text(
            f'[service]\nplatform = "command"\n[deploy]\nenv = {{STATE = "{state}"}}\n[command]\n'
            f'deploy = "sh {ops}/deploy.sh {{sha}}"\nstatus = "echo live"\nlogs = "echo booted"\n'
            f'live = "sh {ops}/live.sh"\nrollback = "sh {ops}/rollback.sh {{deploy_id}} {{sha}}"\n'
            f'url = "{site.url}"\n[verify]\nprobe_paths = ["/api/greeting"]\n')
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "command config")
        git(repo, "push", "-q", "origin", "main")
        good = git(origin, "rev-parse", "main")
        import subprocess

        subprocess.run(["sh", str(ops / "deploy.sh"), good], env={**os.environ, "STATE": str(state)}, check=True, capture_output=True)
        (repo / "greetings.yaml").write_text("en: BROKEN\n")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qam", "new greeting")
        git(repo, "push", "-q", "origin", "main")
        assert main(["deploy", "--session", "cmd-rb", "--repo", str(repo), "--quiet"]) == 2
        assert (state / "current").read_text().strip() == "dep-1" and (state / "rolled-to-sha").read_text().strip() == good
        assert (state / "n").read_text().strip() == "2"  # the good release was restored, not rebuilt
        assert git(origin, "rev-parse", "main^{tree}") == git(origin, "rev-parse", f"{good}^{{tree}}")
        assert len(swarm_commits(origin, "cmd-rb")) == 1
    finally:
        site.close()


def test_a_cli_platform_that_deploys_pushes_by_itself_is_never_deployed_twice(tmp_path: Path, site: CaptureServer) -> None:
    """``[command] find`` gives the command platform the vendor semantics: the platform's own deploy of a pushed
    commit (here a post-receive hook stands for the platform's git integration) is awaited and watched; ``deploy``
    is never run."""
    ops, state = tmp_path / "ops", tmp_path / "state"
    ops.mkdir()
    state.mkdir()
    files = {p.name: p.read_text() for p in (ROOT / "scripts" / "sample_app").iterdir()}
    repo, origin = make_app(tmp_path, files)
    hook = origin / "hooks" / "post-receive"
    hook.write_text(f'#!/bin/sh\nwhile read old new ref; do n=$(($(cat "{state}/n" 2>/dev/null || echo 0)+1)); '
                    f'echo $n > "{state}/n"; echo "$new" > "{state}/sha-$n"; done\n')
    hook.chmod(0o755)
    broken = f'sha=$(cat "{state}/sha-${{1#dep-}}"); git -C "{origin}" show "$sha:requirements.txt" | grep -q PyYAML'
    (ops / "find.sh").write_text(f'for f in "{state}"/sha-*; do [ -f "$f" ] && [ "$(cat "$f")" = "$1" ] && echo "dep-${{f##*sha-}}"; done; true\n')
    (ops / "status.sh").write_text(f'{broken} && echo Live || echo FAILED\n')
    (ops / "logs.sh").write_text(f'{broken} && echo booted || printf %s {json.dumps(TRACE)}\n')
    (ops / "deploy.sh").write_text(f'echo called >> "{state}/deploy-called"; echo dep-99\n')
    push_config(repo,
        f'[service]\nplatform = "command"\n[command]\ndeploy = "sh {ops}/deploy.sh {{sha}}"\n'
        f'find = "sh {ops}/find.sh {{sha}}"\npush_grace_s = 60\nstatus = "sh {ops}/status.sh {{deploy_id}}"\n'
        f'logs = "sh {ops}/logs.sh {{deploy_id}}"\nurl = "{site.url}"\n', "platform config")
    assert main(["deploy", "--session", "cmdfind", "--repo", str(repo), "--quiet"]) == 0
    assert not (state / "deploy-called").exists() and (state / "n").read_text().strip() == "2"
    assert (state / "sha-2").read_text().strip() == git(origin, "rev-parse", "main") and len(swarm_commits(origin, "cmdfind")) == 1
    final = json.loads((Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / "cmdfind" / "final_state.json").read_text())
    assert final["outcome"]["deploys_by_swarm"] == 0 and final["outcome"]["deploys_by_push"] == 2
