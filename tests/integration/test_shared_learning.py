"""The fleet's learning state on a real Redis: what one machine learns the others read; concurrent writers on several
processes lose no count; each machine keeps a file snapshot; without Redis the file alone works as before."""

from __future__ import annotations

import json
import multiprocessing
import socket
import uuid
from pathlib import Path

import pytest

from memory.learning import LearningState, LearningStore, SharedLearningStore, StrategyStats


def _bump(state: LearningState) -> None:
    stats = state.strategy_stats.setdefault("missing_dependency", {}).setdefault("add_dependency", StrategyStats())
    stats.tries += 1
    stats.successes += 1


def _writer(url: str, key: str, path: str, n: int) -> None:
    import redis

    store = SharedLearningStore(Path(path), redis.Redis.from_url(url), key, 3600)
    for _ in range(n):
        store.update(_bump)


@pytest.fixture
def key(real_redis_url: str):  # type: ignore[no-untyped-def]
    import redis

    name = f"swarm-test-learning-{uuid.uuid4().hex[:8]}"
    yield name
    redis.Redis.from_url(real_redis_url).delete(name)


def test_what_one_machine_learns_the_others_read(real_redis_url: str, key: str, tmp_path: Path) -> None:
    import redis

    a = SharedLearningStore(tmp_path / "a" / "learning.json", redis.Redis.from_url(real_redis_url), key, 3600)
    b = SharedLearningStore(tmp_path / "b" / "learning.json", redis.Redis.from_url(real_redis_url), key, 3600)
    a.update(_bump)
    assert b.load().stats("missing_dependency", "add_dependency").tries == 1
    b.update(_bump)
    assert a.load().stats("missing_dependency", "add_dependency").tries == 2
    snapshot = json.loads((tmp_path / "b" / "learning.json").read_text())  # a single-machine run reads this file
    assert snapshot["strategy_stats"]["missing_dependency"]["add_dependency"]["tries"] == 2
    assert 0 < redis.Redis.from_url(real_redis_url).ttl(key) <= 3600


def test_concurrent_writers_on_several_processes_lose_nothing(real_redis_url: str, key: str, tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(real_redis_url, key, str(tmp_path / f"m{i}" / "learning.json"), 25))
             for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    import redis

    state = LearningState.model_validate_json(redis.Redis.from_url(real_redis_url).get(key))
    assert state.stats("missing_dependency", "add_dependency").tries == 100


def test_the_first_fleet_write_starts_from_this_machines_file(real_redis_url: str, key: str, tmp_path: Path) -> None:
    import redis

    path = tmp_path / "learning.json"
    LearningStore(path).update(_bump)  # learned before the fleet existed
    SharedLearningStore(path, redis.Redis.from_url(real_redis_url), key, 3600).update(_bump)
    state = LearningState.model_validate_json(redis.Redis.from_url(real_redis_url).get(key))
    assert state.stats("missing_dependency", "add_dependency").tries == 2


def test_without_redis_the_file_alone_records(tmp_path: Path) -> None:
    import redis

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = SharedLearningStore(tmp_path / "learning.json", redis.Redis(port=port, socket_connect_timeout=0.5), "k", 60)
    store.update(_bump)
    assert store.load().stats("missing_dependency", "add_dependency").tries == 1
