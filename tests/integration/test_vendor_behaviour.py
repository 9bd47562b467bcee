"""Single vendor behaviours against the stateful fakes, at the adapter: a deploy queued with 202 and no body, rate
limits with each vendor's reset headers, a replaced deploy followed to the newer deploy of the same commit, and the
wait for a push's own deploy. Each fake's docstring cites the vendor's documentation for what it does."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from swarm.platforms.digitalocean import DigitalOceanPlatform
from swarm.platforms.render import RenderPlatform
from swarm.platforms.vercel import VercelPlatform
from tests.fakes.digitalocean import FakeDigitalOcean
from tests.fakes.render import FakeRender
from tests.fakes.vercel import FakeVercel


def sha(n: int) -> str:
    return f"{n:040x}"


def until(cond: Any, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.05)


def test_render_queued_deploy_202_without_body_is_found_in_the_list(tmp_path: Path) -> None:
    """Render's "wait" policy: a deploy triggered while another is in progress is queued; the create-deploy call
    answers 202 with no body (render.openapi.json, POST /services/{id}/deploys)."""
    fake = FakeRender(lambda s: ("live", []), overlap="wait")
    try:
        fake.new_deploy(sha(1), trigger="new_commit", status="build_in_progress")  # never finishes
        p = RenderPlatform(httpx.Client(), fake.key, "srv-1", "tea-1", tmp_path, base_url=fake.url, autodeploy="off")
        dep = p.deploy(sha(2), key="s:1", kind="fix", attempt=1)
        assert dep.sha == sha(2) and dep.status == "queued" and dep.trigger == "swarm"
        assert ("POST", "/v1/services/srv-1/deploys") in fake.requests and fake.violations == []
    finally:
        fake.close()


def test_render_a_canceled_deploy_is_followed_to_the_newer_deploy_of_the_same_commit(tmp_path: Path) -> None:
    """Render's default overlap policy overrides the in-progress deploy: when the same commit is deployed again (a
    person pressed "Deploy latest commit"), the older ends canceled and the newer carries the commit."""
    fake = FakeRender(lambda s: ("live", []), build_s=30.0)
    try:
        p = RenderPlatform(httpx.Client(), fake.key, "srv-1", "tea-1", tmp_path, base_url=fake.url, autodeploy="off")
        first = p.deploy(sha(7), key="s:0")
        fake.sim.create(sha(7), "api")  # the second deploy of the same commit overrides the first
        assert p.status(first.id).status == "canceled"
        nxt = p.successor(p.status(first.id))
        assert nxt is not None and nxt.sha == sha(7) and nxt.id != first.id and nxt.trigger == "push"
    finally:
        fake.close()


def test_render_waits_for_the_autodeploy_instead_of_deploying_twice(tmp_path: Path) -> None:
    """With autoDeploy "yes" (read from GET /services/{id}), the push's own deploy appears after a latency; the
    adapter waits for it instead of creating a second deploy of the same commit."""
    fake = FakeRender(lambda s: ("live", []), autodeploy=True, push_latency_s=1.0)
    try:
        p = RenderPlatform(httpx.Client(), fake.key, "srv-1", "tea-1", tmp_path, base_url=fake.url, push_grace_s=60)
        fake.sim.push("refs/heads/main", sha(3))
        dep = p.deploy(sha(3), key="s:1", kind="fix", attempt=1)
        assert dep.trigger == "push" and fake.sim.triggered_by_api() == 0 and len(fake.sim.deploys) == 1
    finally:
        fake.close()


def test_a_push_that_never_shows_up_is_deployed_after_the_grace(tmp_path: Path) -> None:
    fake = FakeRender(lambda s: ("live", []), autodeploy=True)
    try:
        p = RenderPlatform(httpx.Client(), fake.key, "srv-1", "tea-1", tmp_path, base_url=fake.url, push_grace_s=0.5)
        dep = p.deploy(sha(4), key="s:1", kind="fix", attempt=1)  # the webhook never came (a missed push event)
        assert dep.trigger == "swarm" and fake.sim.triggered_by_api() == 1
    finally:
        fake.close()


@pytest.mark.parametrize("vendor", ["render", "vercel", "digitalocean"])
def test_rate_limits_are_waited_out_with_the_vendors_reset_header(tmp_path: Path, vendor: str) -> None:
    """Render: Ratelimit-Reset (https://api-docs.render.com/reference/rate-limiting); Vercel: X-RateLimit-Reset
    (https://vercel.com/docs/rest-api#rate-limits); DigitalOcean: ratelimit-reset
    (https://docs.digitalocean.com/reference/api/#rate-limit). All are UTC epoch seconds."""
    waits: list[float] = []
    fake: Any
    if vendor == "render":
        fake = FakeRender(lambda s: ("live", []))
        fake.new_deploy(sha(1), trigger="new_commit", status="live")
        p: Any = RenderPlatform(httpx.Client(), fake.key, "srv-1", "tea-1", tmp_path, base_url=fake.url, sleep=waits.append)
    elif vendor == "vercel":
        fake = FakeVercel(lambda s: ("READY", []))
        fake.seed(sha(1))
        p = VercelPlatform(httpx.Client(), fake.token, "app", "acme", "app", "main", tmp_path, base_url=fake.url, sleep=waits.append)
    else:
        fake = FakeDigitalOcean(lambda: sha(1), lambda s: ("ACTIVE", "", ""))
        fake.new_deployment(sha(1), cause="push", phase="ACTIVE")
        p = DigitalOceanPlatform(httpx.Client(), fake.token, "app-1", "web", tmp_path, base_url=fake.url, sleep=waits.append)
    try:
        fake.faults = ["429", "429"]
        live = p.live()
        assert live is not None and live.sha == sha(1)
        assert len(waits) == 2 and all(0 <= w <= 2 for w in waits)  # the reset epoch, not a blind backoff
        assert fake.violations == []
    finally:
        fake.close()


def test_digitalocean_reads_deploy_on_push_from_the_app_spec(tmp_path: Path) -> None:
    for on in (True, False):
        fake = FakeDigitalOcean(lambda: sha(1), lambda s: ("ACTIVE", "", ""), autodeploy=on)
        try:
            p = DigitalOceanPlatform(httpx.Client(), fake.token, "app-1", "web", tmp_path / str(on), base_url=fake.url)
            assert p._autodeploys() is on and fake.violations == []
        finally:
            fake.close()


def test_vercel_reads_build_output_from_both_event_shapes(tmp_path: Path) -> None:
    """GET /v3/deployments/{id}/events answers ``payload.text`` or, as Vercel's CLI parses it, ``text`` at the top."""
    for shape in ("payload", "top"):
        fake = FakeVercel(lambda s: ("ERROR", ["Build Completed", "Error: Cannot find module 'express'"]), event_shape=shape)  # type: ignore[arg-type]
        try:
            p = VercelPlatform(httpx.Client(), fake.token, "app", "acme", "app", "main", tmp_path / shape, base_url=fake.url,
                               autodeploy="off")
            dep = p.deploy(sha(5), key="s:0")
            until(lambda p=p, dep=dep: p.status(dep.id).status == "failed")
            logs = p.logs(dep.id)
            assert "Cannot find module 'express'" in logs.build and logs.runtime == "" and fake.violations == []
        finally:
            fake.close()


def test_vercel_build_events_are_read_page_by_page(tmp_path: Path) -> None:
    """``GET /v3/deployments/{id}/events`` returns at most ``limit`` events from ``since`` (vercel.openapi.json): a
    long build log is read forward to its end, an event at a page boundary kept once."""
    lines = [f"Build step {i}" for i in range(2500)] + ["Error: Cannot find module 'express'"]
    fake = FakeVercel(lambda s: ("ERROR", lines))
    try:
        p = VercelPlatform(httpx.Client(), fake.token, "app", "acme", "app", "main", tmp_path, base_url=fake.url, autodeploy="off")
        dep = p.deploy(sha(6), key="s:0")
        until(lambda: p.status(dep.id).status == "failed")
        build = p.logs(dep.id).build.splitlines()
        assert build == lines
        assert sum(1 for m, path in fake.requests if path.endswith("/events")) == 3 and fake.violations == []
    finally:
        fake.close()
