"""Heal end to end against a stateful Render fake; all traffic validated against Render's OpenAPI spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarm.cli import main
from tests.capture_server import CaptureServer
from tests.conftest import git, swarm_commits
from tests.fakes.render import sample_on_render

pytestmark = pytest.mark.slow



def test_heal_on_render(tmp_path: Path, site: CaptureServer, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, origin, fake = sample_on_render(tmp_path, site.url, monkeypatch)
    try:
        assert main(["deploy", "--session", "render", "--repo", str(repo), "--quiet"]) == 0
        assert [d["status"] for d in fake.deploys] == ["update_failed", "live"]
        assert fake.deploys[1]["commit"]["id"] == git(origin, "rev-parse", "main")
        assert len(swarm_commits(origin, "render")) == 1
        assert fake.violations == []
    finally:
        fake.close()
