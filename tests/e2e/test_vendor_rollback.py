"""A push that regresses after going live is rolled back with each vendor's own rollback endpoint
(no rebuild), against the stateful fakes, with every request and response validated against the
vendor's spec; the branch gets a commit restoring the last good tree, so it matches what serves."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from swarm.cli import main
from tests.capture_server import LiveSite
from tests.conftest import git, make_app, swarm_commits
from tests.fakes.digitalocean import FakeDigitalOcean
from tests.fakes.render import FakeRender
from tests.fakes.vercel import FakeVercel

pytestmark = pytest.mark.slow

APP = {
    "app.py": "print('greeting service')\n",
    "requirements.txt": "PyYAML==6.0.3\n",
    "greetings.yaml": "en: hello\n",
}


def _tree(origin: Path, sha: str) -> str:
    return git(origin, "rev-parse", f"{sha}^{{tree}}")


def _setup(monkeypatch: pytest.MonkeyPatch, vendor: str, origin: Path) -> tuple[Any, str, Callable[[], str | None]]:
    """The fake, its swarm.toml section, and how to ask which commit it serves."""
    if vendor == "render":
        fake: Any = FakeRender(lambda sha: ("live", ["greeting service on 0.0.0.0:10000"]))
        monkeypatch.setenv("RENDER_API_KEY", fake.key)
        monkeypatch.setenv("RENDER_API_URL", fake.url)
        return fake, '[service]\nplatform = "render"\n[render]\nservice_id = "srv-abc"\nowner_id = "tea-xyz"\n', fake.live_sha
    if vendor == "vercel":
        fake = FakeVercel(lambda sha: ("READY", ["Build Completed in /vercel/output [3s]"]))
        monkeypatch.setenv("VERCEL_TOKEN", fake.token)
        monkeypatch.setenv("VERCEL_API_URL", fake.url)
        return fake, '[service]\nplatform = "vercel"\n[vercel]\nproject = "greeting"\norg = "acme"\nrepo = "greeting"\nautodeploy = "off"\n', fake.live_sha
    fake = FakeDigitalOcean(lambda: git(origin, "rev-parse", "main"), lambda sha: ("ACTIVE", "build ok", "booted"))
    monkeypatch.setenv("DIGITALOCEAN_TOKEN", fake.token)
    monkeypatch.setenv("DIGITALOCEAN_API_URL", fake.url)
    return fake, '[service]\nplatform = "digitalocean"\n[digitalocean]\napp_id = "6f4e1c2a-app"\ncomponent = "web"\n', fake.live_sha


@pytest.fixture(params=["render", "vercel", "digitalocean"])
def vendor(request: pytest.FixtureRequest) -> Iterator[str]:
    yield str(request.param)


def _seed(fake: Any, vendor: str, sha: str) -> str:
    if vendor == "render":
        return str(fake.new_deploy(sha, trigger="new_commit", status="live")["id"])
    if vendor == "vercel":
        return str(fake.seed(sha, "greeting")["id"])
    return str(fake.new_deployment(sha, cause="push", phase="ACTIVE")["id"])


@pytest.mark.parametrize("already_live", [False, True], ids=["before-go-live", "push-already-live"])
def test_regression_is_rolled_back_with_the_vendor_rollback(vendor: str, already_live: bool, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """before-go-live: the good release serves when the session starts (it is the baseline). push-already-live:
    the vendor's autodeploy already put the bad commit live; the release before it is the rollback target."""
    repo, origin = make_app(tmp_path, dict(APP), f"{vendor}-rb")
    fake, section, live_sha = _setup(monkeypatch, vendor, origin)

    def answer(path: str) -> int:
        sha = live_sha()
        broken = bool(sha) and "BROKEN" in git(origin, "show", f"{sha}:greetings.yaml")
        return 500 if broken and path.startswith("/api/greeting") else 200

    site = LiveSite(answer)
    try:
        (repo / "swarm.toml").write_text(section + f'url = "{site.url}"\n[verify]\nprobe_paths = ["/api/greeting"]\n'
                                         "[heal]\nattempt_timeout_s = 120\n")
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "platform config")
        git(repo, "push", "-q", "origin", "main")
        good = git(origin, "rev-parse", "main")
        good_deploy = _seed(fake, vendor, good)
        (repo / "greetings.yaml").write_text("en: BROKEN\n")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qam", "new greeting")
        git(repo, "push", "-q", "origin", "main")
        bad = git(origin, "rev-parse", "main")
        if already_live:
            _seed(fake, vendor, bad)

        assert main(["deploy", "--session", f"rb-{vendor}", "--repo", str(repo), "--quiet"]) == 2
        final = json.loads((Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / f"rb-{vendor}" / "final_state.json").read_text())
        assert final["outcome"]["kind"] == "rolled_back", final["outcome"]
        report = (Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / f"rb-{vendor}" / "report.md").read_text()
        assert "the platform's own rollback restored deploy" in report and "no rule recognised" not in report
        assert live_sha() == good  # the vendor serves the good release again
        assert _tree(origin, "main") == _tree(origin, good) and git(origin, "rev-parse", "main~1") == bad
        assert len(swarm_commits(origin, f"rb-{vendor}")) == 1  # the revert commit, nothing else
        if vendor == "render":
            rollbacks = [d for d in fake.deploys if d["trigger"] == "rollback"]
            assert [(d["commit"]["id"], d["status"]) for d in rollbacks] == [(good, "live")]
            assert len(fake.deploys) == 3  # seeded, the push, the rollback: the revert commit was not rebuilt
        elif vendor == "vercel":
            assert fake.production == good_deploy and fake.pinned and len(fake.deployments) == 2
            assert "promoted" in final["current"]["message"]
        else:
            rollbacks = [d for d in fake.deployments if d["cause"] == "rollback"]
            assert [(d["_sha"], d["phase"]) for d in rollbacks] == [(good, "ACTIVE")] and len(fake.deployments) == 3
        assert fake.violations == [], fake.violations[:2]
    finally:
        site.close()
        fake.close()


def test_revert_mode_builds_the_revert_commit_instead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, origin = make_app(tmp_path, dict(APP), "render-revert")
    fake, section, live_sha = _setup(monkeypatch, "render", origin)
    site = LiveSite(lambda path: 500 if path.startswith("/api") and "BROKEN" in git(origin, "show", f"{live_sha()}:greetings.yaml") else 200)
    try:
        (repo / "swarm.toml").write_text(section + f'url = "{site.url}"\n[verify]\nprobe_paths = ["/api/greeting"]\n'
                                         '[heal]\nattempt_timeout_s = 120\nrollback = "revert"\n')
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "platform config")
        git(repo, "push", "-q", "origin", "main")
        good = git(origin, "rev-parse", "main")
        _seed(fake, "render", good)
        (repo / "greetings.yaml").write_text("en: BROKEN\n")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qam", "new greeting")
        git(repo, "push", "-q", "origin", "main")
        assert main(["deploy", "--session", "rb-revert", "--repo", str(repo), "--quiet"]) == 2
        revert = git(origin, "rev-parse", "main")
        assert not any(d["trigger"] == "rollback" for d in fake.deploys)
        assert fake.deploys[-1]["commit"]["id"] == revert and fake.deploys[-1]["status"] == "live"
        assert _tree(origin, revert) == _tree(origin, good) and fake.violations == []
    finally:
        site.close()
        fake.close()
