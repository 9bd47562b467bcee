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
from tests.conftest import ROOT, git, make_app, sample_app, swarm_commits
from tests.fake_render import FakeRender

pytestmark = pytest.mark.slow


def session(name: str) -> Path:
    return Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / name


def render_app(tmp_path: Path, site: CaptureServer, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, FakeRender]:
    repo, origin = sample_app(tmp_path, "render-app")

    def verdict(sha: str) -> tuple[str, list[str]]:
        if "PyYAML" in git(origin, "show", f"{sha}:requirements.txt"):
            return "live", ["greeting service on 0.0.0.0:10000"]
        return "update_failed", ["Traceback (most recent call last):", "ModuleNotFoundError: No module named 'yaml'"]

    fake = FakeRender(verdict)
    monkeypatch.setenv("RENDER_API_KEY", fake.key)
    monkeypatch.setenv("RENDER_API_URL", fake.url)
    (repo / "swarm.toml").write_text(
        f'[service]\nplatform = "render"\n[render]\nservice_id = "srv-abc"\nowner_id = "tea-xyz"\nurl = "{site.url}"\n'
        "[heal]\nattempt_timeout_s = 120\n")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "render config")
    git(repo, "push", "-q", "origin", "main")
    return repo, origin, fake


def test_transient_5xx_and_429_are_retried_and_the_heal_goes_on(tmp_path: Path, site: CaptureServer,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    repo, origin, fake = render_app(tmp_path, site, monkeypatch)
    try:
        fake.faults = ["500", "429", "503"]
        assert main(["deploy", "--session", "flaky", "--repo", str(repo), "--quiet"]) == 0
        assert fake.faults == [] and len(swarm_commits(origin, "flaky")) == 1
        assert fake.violations == []
    finally:
        fake.close()


@pytest.mark.parametrize("fault, said", [("429", "rate limit has been surpassed"), ("malformed", "cannot use"),
                                         ("wrong-shape", "Render")])
def test_a_fault_that_persists_is_a_failed_outcome_with_a_report(tmp_path: Path, site: CaptureServer,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str], fault: str, said: str) -> None:
    repo, origin, fake = render_app(tmp_path, site, monkeypatch)
    before = git(origin, "rev-parse", "main")
    try:
        fake.faults = [fault] * 40
        assert main(["deploy", "--session", "down", "--repo", str(repo), "--quiet"]) == 1
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


def test_a_status_command_that_times_out_is_retried_then_a_failed_outcome(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {p.name: p.read_text() for p in (ROOT / "scripts" / "sample_app").iterdir()}
    files["swarm.toml"] = ('[service]\nplatform = "command"\n[command]\ndeploy = "echo dep-1"\nstatus = "sleep 30"\n'
                           'logs = "echo none"\ntimeout_s = 1\n')
    repo, _ = make_app(tmp_path, files)
    assert main(["deploy", "--session", "slow", "--repo", str(repo), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "timed out after 1s (after 3 tries)" in out
    assert (session("slow") / "report.md").is_file()
