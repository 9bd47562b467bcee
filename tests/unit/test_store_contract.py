"""One contract, run on fakeredis and on a real Redis server."""

import time
import uuid

import fakeredis
import pytest
import redis

from memory.errors import StoreUnavailable
from memory.store import RedisCoordinationStore


@pytest.fixture(params=["fakeredis", pytest.param("redis", marks=pytest.mark.redis)])
def store(request: pytest.FixtureRequest) -> RedisCoordinationStore:
    prefix = f"swarmtest:{uuid.uuid4().hex[:8]}:"
    if request.param == "fakeredis":
        client = fakeredis.FakeRedis()
    else:
        client = redis.Redis.from_url(request.getfixturevalue("real_redis_url"))
    s = RedisCoordinationStore(client, prefix=prefix)
    yield s
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_session_hash_and_listing(store: RedisCoordinationStore) -> None:
    store.put_session("s1", {"status": "watching", "attempt": 1})
    store.put_session("s1", {"status": "done"})
    assert store.get_session("s1") == {"status": "done", "attempt": "1"}
    assert store.list_sessions() == ["s1"]


def test_agent_outputs(store: RedisCoordinationStore) -> None:
    assert store.get_agent_output("s1", "analyzer") is None
    store.put_agent_output("s1", "analyzer", {"category": "missing_dependency"})
    assert store.get_agent_output("s1", "analyzer") == {"category": "missing_dependency"}


def test_event_stream_in_order_and_tailable(store: RedisCoordinationStore) -> None:
    ids = [store.append_event("s1", {"n": i}) for i in range(5)]
    rows = store.read_events("s1")
    assert [e["n"] for _, e in rows] == list(range(5))
    assert [e["n"] for _, e in store.read_events("s1", after=ids[2])] == [3, 4]


def test_lock_only_holder_releases_and_ttl_refresh(store: RedisCoordinationStore) -> None:
    token = store.acquire_lock("svc", 500, "session-a")
    assert token
    assert store.acquire_lock("svc", 500, "session-b") is None
    assert store.lock_owner("svc") == "session-a"
    assert not store.release_lock("svc", "not-the-token")
    assert store.acquire_lock("svc", 500, "session-b") is None
    assert store.refresh_lock("svc", token, 5000)
    time.sleep(0.7)
    assert store.acquire_lock("svc", 500, "session-b") is None  # refreshed: still held
    assert store.release_lock("svc", token)
    assert store.acquire_lock("svc", 300, "session-b")
    time.sleep(0.5)
    assert store.acquire_lock("svc", 300, "session-c")  # expired


def test_unreachable_server_is_a_clear_error() -> None:
    s = RedisCoordinationStore(redis.Redis(port=1, socket_connect_timeout=0.5))
    with pytest.raises(StoreUnavailable, match="REDIS_URL"):
        s.ping()
    with pytest.raises(StoreUnavailable):
        s.append_event("x", {})
