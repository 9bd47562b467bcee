"""Heal end to end against a stateful DigitalOcean App Platform fake; all API traffic validated against the spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarm.cli import main
from tests.capture_server import CaptureServer
from tests.conftest import git, sample_app, swarm_commits
from tests.fakes.digitalocean import FakeDigitalOcean

pytestmark = pytest.mark.slow


def test_heal_on_digitalocean(tmp_path: Path, site: CaptureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, origin = sample_app(tmp_path, "do-app")

    def verdict(sha: str) -> tuple[str, str, str]:
        if "PyYAML" in git(origin, "show", f"{sha}:requirements.txt"):
            return "ACTIVE", "build ok", "greeting service on 0.0.0.0:8080"
        return "ERROR", "build ok", ("Traceback (most recent call last):\n  File \"/workspace/app.py\", line 6\n"
                                     "    import yaml\nModuleNotFoundError: No module named 'yaml'\n")

    fake = FakeDigitalOcean(lambda: git(origin, "rev-parse", "main"), verdict)
    try:
        monkeypatch.setenv("DIGITALOCEAN_TOKEN", fake.token)
        monkeypatch.setenv("DIGITALOCEAN_API_URL", fake.url)
        (repo / "swarm.toml").write_text(
            f'[service]\nplatform = "digitalocean"\n[digitalocean]\napp_id = "6f4e1c2a-app"\ncomponent = "web"\n'
            f'url = "{site.url}"\n[heal]\nattempt_timeout_s = 120\n')
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "do config")
        git(repo, "push", "-q", "origin", "main")
        assert main(["deploy", "--session", "do", "--repo", str(repo), "--quiet"]) == 0
        assert [d["phase"] for d in fake.deployments] == ["ERROR", "ACTIVE"]
        assert fake.deployments[1]["_sha"] == git(origin, "rev-parse", "main")
        assert len(swarm_commits(origin, "do")) == 1
        assert fake.violations == []
    finally:
        fake.close()
