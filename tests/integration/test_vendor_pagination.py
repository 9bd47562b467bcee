"""The vendor adapters read lists page by page the way each vendor pages them (Render cursors,
Vercel `pagination.next` → `until`, DigitalOcean `links.pages.next`), against the stateful fakes
with every request and response validated against the vendor's spec."""

from __future__ import annotations

from pathlib import Path

import httpx

from swarm.platforms.digitalocean import DigitalOceanPlatform
from swarm.platforms.render import RenderPlatform
from swarm.platforms.vercel import VercelPlatform
from tests.fakes.digitalocean import FakeDigitalOcean
from tests.fakes.render import FakeRender
from tests.fakes.vercel import FakeVercel


def sha(n: int) -> str:
    return f"{n:040x}"


def test_render_finds_the_pushed_deploy_on_a_later_page(tmp_path: Path) -> None:
    fake = FakeRender(lambda s: ("live", []))
    try:
        first = fake.new_deploy(sha(1), trigger="new_commit", status="build_in_progress")
        for n in range(2, 46):
            fake.new_deploy(sha(n), trigger="new_commit", status="deactivated")
        p = RenderPlatform(httpx.Client(), fake.key, "srv-1", "tea-1", tmp_path, base_url=fake.url)
        dep = p.deploy(sha(1), key="s:0", kind="initial")
        assert dep.id == first["id"] and dep.sha == sha(1)
        assert len(fake.deploys) == 45 and fake.list_pages == 3  # found on page 3 of 20: no new deploy was made
        assert p.deploy(sha(1), key="s:0").id == first["id"]  # idempotent per key, no further listing
        assert fake.list_pages == 3 and fake.violations == []
    finally:
        fake.close()


def test_vercel_pages_with_until_and_reads_the_live_production_deployment(tmp_path: Path) -> None:
    fake = FakeVercel(lambda s: ("READY", []))
    try:
        old = fake.seed(sha(1), "greeting")
        for n in range(2, 45):
            fake.seed(sha(n), "greeting")
        p = VercelPlatform(httpx.Client(), fake.token, "greeting", "acme", "greeting", "main", tmp_path,
                           team_id="team_1", base_url=fake.url)
        live = p.live()
        assert live is not None and live.sha == sha(44) and live.status == "live"
        dep = p.deploy(sha(1), key="s:0", kind="initial")  # made by the git integration: found with ?sha=, not re-made
        assert dep.id == old["id"] and len(fake.deployments) == 44
        fake.list_pages = 0
        assert len(p._list(pages=5)) == 44 and fake.list_pages == 3
        assert fake.violations == [], fake.violations[:2]
    finally:
        fake.close()


def test_digitalocean_follows_links_pages_next_and_reads_commits_from_components(tmp_path: Path) -> None:
    fake = FakeDigitalOcean(lambda: sha(99), lambda s: ("ACTIVE", "", ""))
    try:
        pushed = fake.new_deployment(sha(1), cause="push", phase="BUILDING")
        for n in range(2, 45):
            fake.new_deployment(sha(n), cause="push", phase="SUPERSEDED")
        fake.new_deployment(sha(45), cause="push", phase="ACTIVE")
        p = DigitalOceanPlatform(httpx.Client(), fake.token, "app-1", "web", tmp_path, base_url=fake.url)
        live = p.live()
        assert live is not None and live.sha == sha(45)
        dep = p.deploy(sha(1), key="s:0", kind="initial")
        assert dep.id == pushed["id"] and dep.sha == sha(1) and len(fake.deployments) == 45 and fake.list_pages == 3
        assert fake.violations == [], fake.violations[:2]
    finally:
        fake.close()
