"""The small things a user reads (issue 14, defect 6): usage errors, files that are not logs, unknown scenario names,
plurals, commit subjects, the first deploy's verification."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.deploy import subject
from agents.monitor import verify
from swarm.cli import USAGE_EXIT, main
from swarm.output import describe
from tests.unit.test_agents import ctx


def test_a_usage_error_is_not_the_escalated_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nosuchverb"]) == USAGE_EXIT == 64
    assert main(["deploy"]) == USAGE_EXIT  # --session is required
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "SUPPRESS" not in out and "trigger" not in out


def test_analyze_refuses_an_empty_or_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.log").write_bytes(b"")
    (tmp_path / "bin.log").write_bytes(bytes(range(256)) * 20)
    assert main(["analyze", str(tmp_path / "empty.log"), str(tmp_path / "bin.log")]) == 1
    err = capsys.readouterr().err
    assert "empty.log: the file is empty; nothing analysed" in err and "bin.log: the file holds binary data" in err


def test_bench_names_the_scenarios_there_are(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "scenario.toml").write_text('id = "one"\n')
    assert main(["bench", str(tmp_path), "--only", "nosuch"]) == 1
    err = capsys.readouterr().err
    assert "no scenario named 'nosuch'" in err and "there are: one" in err


def test_plurals_in_the_done_line() -> None:
    one = describe("done", {"outcome": "healthy", "reason": "ok", "deploys": 1, "by_swarm": 1, "by_push": 0})
    two = describe("done", {"outcome": "healed", "reason": "ok", "deploys": 2, "by_swarm": 1, "by_push": 1})
    assert one is not None and "after 1 deploy (" in one and two is not None and "after 2 deploys (" in two


def test_a_commit_subject_is_cut_at_a_word_and_never_inside_a_parenthesis() -> None:
    long = "swarm: add PyYAML to requirements.txt (imported by app.py at line 6, never declared) and more words"
    cut = subject(long)
    assert len(cut) <= 72 and cut.endswith("…") and cut.count("(") == cut.count(")")
    assert subject("swarm: short") == "swarm: short"
    assert len(subject("swarm: " + "x" * 200)) == 72


def test_the_first_deploy_is_not_said_to_answer_as_before(tmp_path: Path) -> None:
    from memory.models import Deployment

    ok, _, why = verify(ctx(tmp_path), Deployment(id="d1", sha="a" * 40, status="live"), baseline=[])
    assert ok and "as before" not in why and "no earlier release" in why


def test_an_installed_swarm_keeps_artifacts_out_of_site_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import swarm.paths as paths

    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path / "lib" / "python3.11" / "site-packages")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert paths.default_artifacts() == tmp_path / "state" / "swarm"
    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path / "checkout")
    (tmp_path / "checkout").mkdir()
    (tmp_path / "checkout" / "pyproject.toml").write_text("[project]\nname = 'swarm-heal'\n")
    assert paths.default_artifacts() == tmp_path / "checkout" / "artifacts"  # a source checkout: the demo's artifacts/


def test_an_interrupted_deploy_says_how_to_resume(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import swarm.commands.deploy as deploy_command

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(deploy_command, "run", interrupted)
    assert main(["deploy", "--session", "halfway"]) == 130
    assert "swarm deploy --session halfway --resume" in capsys.readouterr().err
