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
