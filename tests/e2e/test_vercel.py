"""Heal end to end against a stateful Vercel fake; all traffic validated against Vercel's OpenAPI spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarm.cli import main
from tests.capture_server import CaptureServer
from tests.conftest import git, sample_app, swarm_commits
from tests.fakes.vercel import FakeVercel

pytestmark = pytest.mark.slow


def test_heal_on_vercel(tmp_path: Path, site: CaptureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, origin = sample_app(tmp_path, "vercel-app")

    def verdict(sha: str) -> tuple[str, list[str]]:
        if "PyYAML" in git(origin, "show", f"{sha}:requirements.txt"):
            return "READY", ["Build Completed in /vercel/output [3s]"]
        return "ERROR", ["Build Completed in /vercel/output [3s]", "Traceback (most recent call last):", '  File "/vercel/path0/app.py", line 6', "    import yaml",
                         "ModuleNotFoundError: No module named 'yaml'", "Error: Command \"python app.py\" exited with 1"]

    fake = FakeVercel(verdict)  # a failed build: its output, traceback included, is in the build events
    try:
        monkeypatch.setenv("VERCEL_TOKEN", fake.token)
        monkeypatch.setenv("VERCEL_TEAM_ID", "team_abc")
        monkeypatch.setenv("VERCEL_API_URL", fake.url)
        (repo / "swarm.toml").write_text(
            f'[service]\nplatform = "vercel"\n[vercel]\nproject = "greeting"\norg = "acme"\nrepo = "greeting"\nautodeploy = "off"\n'
            f'url = "{site.url}"\n[heal]\nattempt_timeout_s = 120\n')
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "vercel config")
        git(repo, "push", "-q", "origin", "main")
        assert main(["deploy", "--session", "vercel", "--repo", str(repo), "--quiet"]) == 0
        assert [d["readyState"] for d in fake.deployments] == ["ERROR", "READY"]
        assert fake.deployments[1]["_sha"] == git(origin, "rev-parse", "main")
        assert len(swarm_commits(origin, "vercel")) == 1
        assert fake.violations == [], fake.violations[:2]
    finally:
        fake.close()


def test_the_fakes_reject_requests_that_break_the_specs() -> None:
    import httpx

    fake = FakeVercel(lambda sha: ("READY", []))
    try:
        httpx.post(f"{fake.url}/v13/deployments", json={"target": "production"},
                   headers={"Authorization": f"Bearer {fake.token}"}, timeout=10)
        assert any("InvalidRequestBody" in v for v in fake.violations)
    finally:
        fake.close()


def test_after_a_rollback_the_fix_is_promoted_to_production(tmp_path: Path, site: CaptureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Production is pinned by an earlier rollback: new deployments come up READY but STAGED. Swarm's validated
    fix is promoted (no rebuild) and counts as live only once it serves production."""
    repo, origin = sample_app(tmp_path, "vercel-pinned")

    def verdict(sha: str) -> tuple[str, list[str]]:
        if "PyYAML" in git(origin, "show", f"{sha}:requirements.txt"):
            return "READY", ["Build Completed in /vercel/output [3s]"]
        return "ERROR", ["Build Completed in /vercel/output [3s]", "Traceback (most recent call last):",
                         '  File "/vercel/path0/app.py", line 6', "    import yaml", "ModuleNotFoundError: No module named 'yaml'"]

    fake = FakeVercel(verdict)
    try:
        monkeypatch.setenv("VERCEL_TOKEN", fake.token)
        monkeypatch.setenv("VERCEL_API_URL", fake.url)
        (repo / "swarm.toml").write_text(
            f'[service]\nplatform = "vercel"\n[vercel]\nproject = "greeting"\norg = "acme"\nrepo = "greeting"\nautodeploy = "off"\n'
            f'url = "{site.url}"\n[heal]\nattempt_timeout_s = 120\n')
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "vercel config")
        git(repo, "push", "-q", "origin", "main")
        old = fake.seed(git(origin, "rev-parse", "main~1"), "greeting")
        fake.pinned = True  # as after a rollback to `old`
        assert main(["deploy", "--session", "pinned", "--repo", str(repo), "--quiet"]) == 0
        fix = fake.deployments[-1]
        assert fix["_sha"] == git(origin, "rev-parse", "main") and fix["readyState"] == "READY"
        assert fake.promoted == [fix["id"]] and fake.production == fix["id"] and not fake.pinned and old["id"] != fix["id"]
        assert fake.violations == [], fake.violations[:2]
    finally:
        fake.close()
