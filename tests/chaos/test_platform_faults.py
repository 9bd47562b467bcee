"""Issue 10, chaos: the platform answering 5xx, 429 with its reset header, timeouts and malformed JSON. Transient
faults are retried (bounded) and the heal goes on; faults that persist end the session with a clear ``failed``
outcome and a report naming the call and what the vendor said, never a crash and a second try in the fallback loop."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from swarm.cli import main
from tests.capture_server import CaptureServer
from tests.conftest import ROOT, git, make_app, swarm_commits
from tests.fakes.render import FakeRender, sample_on_render

pytestmark = pytest.mark.slow


def session(name: str) -> Path:
    return Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / name


def render_app(tmp_path: Path, site: CaptureServer, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, FakeRender]:
    return sample_on_render(tmp_path, site.url, monkeypatch)


def test_transient_5xx_and_429_are_retried_and_the_heal_goes_on(tmp_path: Path, site: CaptureServer,
                                                                 monkeypatch: pytest.MonkeyPatch, reliability) -> None:  # type: ignore[no-untyped-def]
    repo, origin, fake = render_app(tmp_path, site, monkeypatch)
    try:
        fake.faults = ["500", "429", "503"]
        code = main(["deploy", "--session", "flaky", "--repo", str(repo), "--quiet"])
        pushes = len(swarm_commits(origin, "flaky"))
        reliability.record("Render answers 500, 429 (Ratelimit-Reset), 503 once each", code == 0,
                           duplicate_pushes=max(0, pushes - 1))
        assert code == 0 and fake.faults == [] and pushes == 1
        assert fake.violations == []
    finally:
        fake.close()


@pytest.mark.parametrize("fault, said", [("429", "rate limit has been surpassed"), ("malformed", "cannot use"),
                                         ("wrong-shape", "Render")])
def test_a_fault_that_persists_is_a_failed_outcome_with_a_report(tmp_path: Path, site: CaptureServer,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str], fault: str, said: str,
                                                                  reliability) -> None:  # type: ignore[no-untyped-def]
    repo, origin, fake = render_app(tmp_path, site, monkeypatch)
    before = git(origin, "rev-parse", "main")
    try:
        fake.faults = [fault] * 40
        code = main(["deploy", "--session", "down", "--repo", str(repo), "--quiet"])
        reliability.record(f"Render answers {fault} to every call", code == 1 and (session("down") / "report.md").is_file())
        assert code == 1
        out = capsys.readouterr().out
        assert out.startswith("failed: the platform's API failed") and said in out
        final = json.loads((session("down") / "final_state.json").read_text())
        assert final["outcome"]["kind"] == "failed" and "--resume" in final["outcome"]["action_required"]
        assert said in (session("down") / "report.md").read_text()
        assert not (session("down") / "fallback_output.log").exists()
        assert git(origin, "rev-parse", "main") == before
        assert len(fake.faults) <= 40 - 1 and (fault != "429" or len(fake.faults) == 40 - 5)  # bounded: 5 tries
    finally:
        fake.close()


def test_a_status_command_that_times_out_is_retried_then_a_failed_outcome(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                         reliability) -> None:  # type: ignore[no-untyped-def]
    files = {p.name: p.read_text() for p in (ROOT / "scripts" / "sample_app").iterdir()}
    files["swarm.toml"] = ('[service]\nplatform = "command"\n[command]\ndeploy = "echo dep-1"\nstatus = "sleep 30"\n'
                           'logs = "echo none"\ntimeout_s = 1\n')
    repo, _ = make_app(tmp_path, files)
    code = main(["deploy", "--session", "slow", "--repo", str(repo), "--quiet"])
    reliability.record("the platform's status call times out every time", code == 1 and (session("slow") / "report.md").is_file())
    assert code == 1
    out = capsys.readouterr().out
    assert "timed out after 1s (after 3 tries)" in out
    assert (session("slow") / "report.md").is_file()
