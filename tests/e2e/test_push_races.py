"""Issue 10 #7 and #9, end to end on the local platform with real git remotes:
a refused push is an outcome with a report (never a crash and a second try in the fallback loop), and a push
that someone else made during the session is never stacked on silently: the fix is validated again on it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from swarm.cli import main
from tests.conftest import git, sample_app, swarm_commits

pytestmark = pytest.mark.slow


def artifacts() -> Path:
    return Path(os.environ["SWARM_ARTIFACTS"])


def test_a_refused_push_is_an_outcome_with_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, origin = sample_app(tmp_path)
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch main is protected: pushes need a review' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = git(origin, "rev-parse", "main")
    assert main(["deploy", "--session", "refused", "--repo", str(repo), "--quiet"]) == 2
    out = capsys.readouterr().out
    assert git(origin, "rev-parse", "main") == before
    sdir = artifacts() / "sessions" / "refused"
    final = json.loads((sdir / "final_state.json").read_text())
    assert final["outcome"]["kind"] == "escalated"
    assert "branch main is protected" in final["push_refused"]
    report = (sdir / "report.md").read_text()
    assert report.count("branch main is protected: pushes need a review") <= 3  # the remote's words, not a wall
    assert "branch_mode" in report and "fix-attempt-1.patch" in report
    assert (sdir / "fix-attempt-1.patch").read_text().count("PyYAML") >= 1
    assert not (sdir / "fallback_output.log").exists(), "a refused push is not a swarm crash"
    assert "action required" in out
    main(["sessions", "list"])
    listing = capsys.readouterr().out
    assert "refused" in listing and "escalated" in listing and "running" not in listing


def test_a_push_made_during_the_session_is_validated_before_the_fix_lands_on_it(tmp_path: Path) -> None:
    repo, origin = sample_app(tmp_path)
    other = tmp_path / "colleague"
    marker = tmp_path / "pushed-once"
    push = (f"[ -e {marker} ] || (touch {marker} && cd {other} && echo '# docs' > NOTES.md && git add NOTES.md && "
            "git -c user.name=c -c user.email=c@localhost commit -q -m 'docs: notes' && git push -q origin main)")
    (repo / "swarm.toml").write_text(f"[validate]\ncommands = [{json.dumps(push)}]\n")
    git(repo, "add", "swarm.toml")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "validate hook")
    git(repo, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(origin), str(other))
    assert main(["deploy", "--session", "race", "--repo", str(repo), "--quiet"]) == 0
    theirs = git(other, "rev-parse", "HEAD")
    [fix] = swarm_commits(origin, "race")
    assert git(origin, "rev-parse", f"{fix}^") == theirs  # on top of their push, not beside it
    assert f"on {theirs[:12]}" in git(origin, "log", "-1", "--format=%B", fix)  # says which head was validated
    events = [json.loads(line) for line in (artifacts() / "sessions" / "race" / "events.jsonl").read_text().splitlines()]
    moved = [e for e in events if e["kind"] == "remote_moved"]
    assert moved and moved[0]["to"] == theirs
    assert sum(e["kind"] == "validated" for e in events) >= 2  # validated again on the new head
    assert f"on `{theirs[:12]}`" in (artifacts() / "sessions" / "race" / "report.md").read_text()  # the report says so too
