"""Heal end to end against a stateful Render fake; all traffic validated against Render's OpenAPI spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarm.cli import main
from tests.capture_server import CaptureServer
from tests.conftest import git, sample_app, swarm_commits
from tests.fake_render import FakeRender

pytestmark = pytest.mark.slow



def test_heal_on_render(tmp_path: Path, site: CaptureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, origin = sample_app(tmp_path, "render-app")

    def verdict(sha: str) -> tuple[str, list[str]]:
        reqs = git(origin, "show", f"{sha}:requirements.txt")
        if "PyYAML" in reqs:
            return "live", ["greeting service on 0.0.0.0:10000"]
        return "update_failed", ["Traceback (most recent call last):", '  File "/opt/render/project/src/app.py", line 6',
                                 "    import yaml", "ModuleNotFoundError: No module named 'yaml'"]

    fake = FakeRender(verdict)
    try:
        monkeypatch.setenv("RENDER_API_KEY", fake.key)
        monkeypatch.setenv("RENDER_API_URL", fake.url)
        (repo / "swarm.toml").write_text(
            f'[service]\nplatform = "render"\n[render]\nservice_id = "srv-abc"\nowner_id = "tea-xyz"\nurl = "{site.url}"\n'
            "[heal]\nattempt_timeout_s = 120\n")
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "render config")
        git(repo, "push", "-q", "origin", "main")
        assert main(["deploy", "--session", "render", "--repo", str(repo), "--quiet"]) == 0
        assert [d["status"] for d in fake.deploys] == ["update_failed", "live"]
        assert fake.deploys[1]["commit"]["id"] == git(origin, "rev-parse", "main")
        assert len(swarm_commits(origin, "render")) == 1
        assert fake.violations == []
    finally:
        fake.close()
