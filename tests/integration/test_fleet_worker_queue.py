"""The worker's queue handling on a real Redis consumer group: what can never heal is acknowledged with a record (an
unknown service, a malformed entry, a request delivered too often), and a claimed request counts its deliveries."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from swarm.fleet import Fleet, HealRequest, Service, enqueue
from swarm.worker import GROUP, MAX_DELIVERIES, Worker, ensure_group, next_request


@pytest.fixture
def queue(real_redis_url: str, tmp_path: Path) -> Any:
    import redis

    stream = f"swarm-test-queue-{uuid.uuid4().hex[:8]}"
    r = redis.Redis.from_url(real_redis_url)
    fleet = Fleet([Service("app", str(tmp_path / "nowhere.git"))], stream=stream)
    ensure_group(r, stream)
    ensure_group(r, stream)  # a second worker starting finds the group there
    yield r, fleet, Worker(fleet, r, "w1", tmp_path / "cache", tmp_path / "artifacts", claim_idle_ms=60_000, block_ms=100)
    for key in r.scan_iter(f"{stream}*"):
        r.delete(key)


def records(worker: Worker) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (worker.artifacts / "fleet" / "worker.jsonl").read_text().splitlines()]


def test_what_can_never_heal_is_acknowledged_with_a_record(queue: Any) -> None:
    r, fleet, worker = queue
    enqueue(r, fleet, HealRequest("ghost", "a" * 40, "ci", "d-ghost"))
    r.xadd(fleet.stream, {"json": "not json"})
    for _ in range(2):
        got = next_request(r, fleet.stream, "w1", 60_000, 100)
        assert got is not None and not got.resumed
        assert worker.handle(got) == "dropped"
    assert r.xpending(fleet.stream, GROUP)["pending"] == 0
    assert [(x["result"], x["why"]) for x in records(worker)] == [
        ("dropped", "no such service in the fleet file"), ("dropped", "not a heal request")]
    assert next_request(r, fleet.stream, "w1", 60_000, 100) is None  # nothing left


def test_a_request_delivered_too_often_is_given_up(queue: Any) -> None:
    r, fleet, worker = queue
    enqueue(r, fleet, HealRequest("app", "b" * 40, "ci", "d-poison"))
    got = next_request(r, fleet.stream, "w1", 60_000, 100)
    assert got is not None and got.deliveries == 1
    for i in range(MAX_DELIVERIES):  # workers that took it and died: each claim counts a delivery
        got = next_request(r, fleet.stream, f"w{i + 2}", 0, 100)
        assert got is not None and got.resumed and got.deliveries == i + 2
    assert worker.handle(got) == "gave up"
    assert r.xpending(fleet.stream, GROUP)["pending"] == 0
    assert records(worker)[-1]["result"] == "gave up"


def test_a_live_sessions_request_is_not_claimed_while_its_heartbeat_beats(queue: Any) -> None:
    """A worker renews its request's idle time while the session runs: another worker's claim (idle > 600 ms) finds
    nothing as long as the heartbeat beats, and takes the request once it stops (the worker died)."""
    import time

    from swarm.worker import Heartbeat

    r, fleet, _ = queue
    enqueue(r, fleet, HealRequest("app", "c" * 40, "ci", "d-live"))
    got = next_request(r, fleet.stream, "w1", 600, 100)
    assert got is not None
    with Heartbeat(r, fleet.stream, "w1", got.entry, every_s=0.1):
        until = time.monotonic() + 2.0  # three times the claim threshold
        while time.monotonic() < until:
            assert next_request(r, fleet.stream, "w2", 600, 100) is None  # (blocks 100 ms per try)
    deadline = time.monotonic() + 30
    claimed = None
    while claimed is None:  # the beats stopped: the request grows idle and is claimed
        assert time.monotonic() < deadline, "the request was never claimed after the heartbeat stopped"
        claimed = next_request(r, fleet.stream, "w2", 600, 100)
    assert claimed.entry == got.entry and claimed.resumed
