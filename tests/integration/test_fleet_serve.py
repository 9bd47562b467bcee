"""`swarm serve` for real: uvicorn on 127.0.0.1, a real Redis stream; signed GitHub, Vercel and Render webhooks in,
deduplicated heal requests out; forged, replayed and oversized requests refused with nothing queued."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from swarm.commands.serve import build_app
from swarm.fleet import Fleet, Service
from tests.http_util import uvicorn_app

GH_SECRET, VERCEL_SECRET = "gh-webhook-secret", "vercel-webhook-secret"
RENDER_SECRET = "whsec_" + base64.b64encode(b"render-webhook-secret-0123456789").decode()


@pytest.fixture
def server(real_redis_url: str, tmp_path: Path) -> Any:
    import redis

    stream = f"swarm-test-heal-{uuid.uuid4().hex[:8]}"
    fleet = Fleet([Service("greeting", "https://github.com/acme/greeting.git", "render", "main", github="acme/greeting",
                           render_service_id="srv-abc", vercel_project="prj_1")], stream=stream)
    r = redis.Redis.from_url(real_redis_url)
    app = build_app(fleet, r, {"github": GH_SECRET, "vercel": VERCEL_SECRET, "render": RENDER_SECRET}, tmp_path / "intake.jsonl")
    with uvicorn_app(app) as url:
        yield url, r, stream, tmp_path / "intake.jsonl"
    for key in r.scan_iter(f"{stream}*"):
        r.delete(key)


def gh(url: str, payload: dict[str, Any], delivery: str, secret: str = GH_SECRET) -> httpx.Response:
    body = json.dumps(payload).encode()
    sig = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return httpx.post(f"{url}/webhooks/github", content=body, timeout=10,
                      headers={"x-github-event": "push", "x-github-delivery": delivery, "x-hub-signature-256": sig,
                               "content-type": "application/json"})


PUSH = {"ref": "refs/heads/main", "after": "a" * 40, "repository": {"full_name": "acme/greeting"}}


def test_signed_github_pushes_queue_one_request_each(server: Any) -> None:
    url, r, stream, log = server
    assert gh(url, PUSH, "d-1").json()["status"] == "queued"
    assert gh(url, PUSH, "d-1").json()["status"] == "duplicate"  # a redelivery
    assert gh(url, PUSH, "d-2").json()["status"] == "duplicate"  # another delivery of the same commit
    assert gh(url, {**PUSH, "ref": "refs/heads/feature"}, "d-3").json()["status"] == "ignored"
    entries = r.xrange(stream)
    assert len(entries) == 1 and json.loads(entries[0][1][b"json"])["commit"] == "a" * 40
    assert len(log.read_text().splitlines()) == 4


def test_forged_replayed_and_oversized_requests_queue_nothing(server: Any) -> None:
    url, r, stream, log = server
    assert gh(url, PUSH, "f-1", secret="not-the-secret").status_code == 401
    body = json.dumps({"type": "deploy_ended", "data": {"serviceId": "srv-abc", "status": "failed", "commitId": "b" * 40}}).encode()
    old = str(int(time.time()) - 3600)
    key = base64.b64decode(RENDER_SECRET.removeprefix("whsec_"))
    sig = "v1," + base64.b64encode(hmac.new(key, f"msg_1.{old}.".encode() + body, hashlib.sha256).digest()).decode()
    replay = httpx.post(f"{url}/webhooks/render", content=body, timeout=10,
                        headers={"webhook-id": "msg_1", "webhook-timestamp": old, "webhook-signature": sig})
    assert replay.status_code == 401
    big = httpx.post(f"{url}/webhooks/github", content=b"x" * 2_000_001, timeout=30,
                     headers={"x-github-event": "push", "x-hub-signature-256": "sha256=00"})
    assert big.status_code == 413
    assert r.xlen(stream) == 0
    assert [json.loads(line)["status"] for line in log.read_text().splitlines()] == [401, 401, 413]


def test_render_and_vercel_failures_queue_heals(server: Any) -> None:
    url, r, stream, _ = server
    body = json.dumps({"type": "deploy_ended", "data": {"serviceId": "srv-abc", "status": "failed", "commitId": "c" * 40}}).encode()
    now = str(int(time.time()))
    key = base64.b64decode(RENDER_SECRET.removeprefix("whsec_"))
    sig = "v1," + base64.b64encode(hmac.new(key, f"msg_2.{now}.".encode() + body, hashlib.sha256).digest()).decode()
    ok = httpx.post(f"{url}/webhooks/render", content=body, timeout=10,
                    headers={"webhook-id": "msg_2", "webhook-timestamp": now, "webhook-signature": sig})
    assert ok.json()["status"] == "queued"
    vbody = json.dumps({"id": "evt_1", "type": "deployment.error", "payload": {
        "project": {"id": "prj_1"}, "deployment": {"meta": {"githubCommitSha": "d" * 40}}}}).encode()
    v = httpx.post(f"{url}/webhooks/vercel", content=vbody, timeout=10,
                   headers={"x-vercel-signature": hmac.new(VERCEL_SECRET.encode(), vbody, hashlib.sha1).hexdigest()})
    assert v.json()["status"] == "queued"
    assert [json.loads(e[1][b"json"])["source"] for e in r.xrange(stream)] == ["render", "vercel"]


def test_enqueue_from_ci_shares_the_deduplication(real_redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import redis

    from swarm.cli import main

    stream = f"swarm-test-heal-{uuid.uuid4().hex[:8]}"
    (tmp_path / "fleet.toml").write_text(f'[fleet]\nstream = "{stream}"\n[[service]]\nname = "greeting"\n'
                                         'repo = "https://github.com/acme/greeting.git"\n')
    monkeypatch.setenv("REDIS_URL", real_redis_url)
    args = ["enqueue", "--service", "greeting", "--commit", "e" * 40, "--fleet", str(tmp_path / "fleet.toml")]
    assert main(args) == 0 and main(args) == 0
    out = capsys.readouterr().out
    assert out.count("queued:") == 1 and out.count("duplicate:") == 1
    r = redis.Redis.from_url(real_redis_url)
    assert r.xlen(stream) == 1
    for key in r.scan_iter(f"{stream}*"):
        r.delete(key)
    assert main(["enqueue", "--service", "nosuch", "--commit", "e" * 40, "--fleet", str(tmp_path / "fleet.toml")]) == 1
