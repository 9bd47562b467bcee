"""The coordination store: the live, shared view of every session, on Redis (or fakeredis).

One contract, one implementation over the redis-py API. ``RedisCoordinationStore`` takes any
client with that API: ``redis.Redis`` for a real server, ``fakeredis.FakeRedis`` in-process.
Every Redis failure becomes :class:`StoreUnavailable`; nothing is swallowed.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from memory.errors import StoreUnavailable

T = TypeVar("T")

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""
_REFRESH = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end
"""


class CoordinationStore(Protocol):
    def ping(self) -> None: ...
    def put_session(self, session_id: str, fields: dict[str, Any]) -> None: ...
    def get_session(self, session_id: str) -> dict[str, str]: ...
    def list_sessions(self) -> list[str]: ...
    def put_agent_output(self, session_id: str, agent: str, payload: dict[str, Any]) -> None: ...
    def get_agent_output(self, session_id: str, agent: str) -> dict[str, Any] | None: ...
    def append_event(self, session_id: str, event: dict[str, Any]) -> str: ...
    def read_events(self, session_id: str, after: str = "0-0", count: int = 1000) -> list[tuple[str, dict[str, Any]]]: ...
    def acquire_lock(self, name: str, ttl_ms: int, owner: str) -> str | None: ...
    def refresh_lock(self, name: str, token: str, ttl_ms: int) -> bool: ...
    def release_lock(self, name: str, token: str) -> bool: ...
    def lock_owner(self, name: str) -> str | None: ...


class RedisCoordinationStore:
    """Keys: ``<prefix>session:<id>`` (hash), ``<prefix>session:<id>:agent:<name>`` (JSON string),
    ``<prefix>session:<id>:events`` (stream), ``<prefix>sessions`` (set), ``<prefix>lock:<name>``
    (string ``token|owner``, SET NX PX)."""

    def __init__(self, client: Any, prefix: str = "swarm:", stream_maxlen: int = 10_000, ttl_s: int = 7 * 24 * 3600) -> None:
        self._r = client
        self.prefix = prefix
        self._maxlen = stream_maxlen
        self.ttl_s = ttl_s
        """Retention: every key of a session expires this long after its last write."""

    @property
    def client(self) -> Any:
        """The Redis client (for the shared learning state, which keeps its own key)."""
        return self._r

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        import redis.exceptions as rex

        try:
            return fn()
        except (rex.ConnectionError, rex.TimeoutError, OSError) as exc:
            raise StoreUnavailable(
                f"coordination store unreachable during {what}: {exc}. "
                "Check REDIS_URL or unset it to use the in-process store."
            ) from exc

    def _k(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def ping(self) -> None:
        self._call("ping", self._r.ping)

    def put_session(self, session_id: str, fields: dict[str, Any]) -> None:
        mapping = {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}

        def run() -> None:
            pipe = self._r.pipeline()
            pipe.hset(self._k("session", session_id), mapping=mapping)
            pipe.expire(self._k("session", session_id), self.ttl_s)
            pipe.sadd(self._k("sessions"), session_id)
            pipe.expire(self._k("sessions"), self.ttl_s)
            pipe.execute()

        self._call("put_session", run)

    def get_session(self, session_id: str) -> dict[str, str]:
        raw = self._call("get_session", lambda: self._r.hgetall(self._k("session", session_id)))
        return {_s(k): _s(v) for k, v in raw.items()}

    def list_sessions(self) -> list[str]:
        """Sessions whose keys have not expired (members of expired sessions are dropped from the index)."""
        ids = sorted(_s(x) for x in self._call("list_sessions", lambda: self._r.smembers(self._k("sessions"))))

        def live() -> list[str]:
            pipe = self._r.pipeline()
            for sid in ids:
                pipe.exists(self._k("session", sid))
            found = pipe.execute()
            gone = [sid for sid, n in zip(ids, found, strict=True) if not n]
            if gone:
                self._r.srem(self._k("sessions"), *gone)
            return [sid for sid, n in zip(ids, found, strict=True) if n]

        return self._call("list_sessions", live) if ids else []

    def put_agent_output(self, session_id: str, agent: str, payload: dict[str, Any]) -> None:
        self._call(
            "put_agent_output",
            lambda: self._r.set(self._k("session", session_id, "agent", agent), json.dumps(payload, default=str), ex=self.ttl_s),
        )

    def get_agent_output(self, session_id: str, agent: str) -> dict[str, Any] | None:
        raw = self._call("get_agent_output", lambda: self._r.get(self._k("session", session_id, "agent", agent)))
        return None if raw is None else json.loads(raw)

    def append_event(self, session_id: str, event: dict[str, Any]) -> str:
        data = {"json": json.dumps(event, default=str)}
        key = self._k("session", session_id, "events")

        def run() -> Any:
            pipe = self._r.pipeline()
            pipe.xadd(key, data, maxlen=self._maxlen, approximate=True)
            pipe.expire(key, self.ttl_s)
            return pipe.execute()[0]

        return _s(self._call("append_event", run))

    def read_events(self, session_id: str, after: str = "0-0", count: int = 1000) -> list[tuple[str, dict[str, Any]]]:
        key = self._k("session", session_id, "events")
        rows = self._call("read_events", lambda: self._r.xrange(key, min=f"({after}" if after != "0-0" else "-", count=count))
        return [(_s(eid), json.loads(_s(fields.get(b"json", fields.get("json"))))) for eid, fields in rows]

    def acquire_lock(self, name: str, ttl_ms: int, owner: str) -> str | None:
        token = secrets.token_hex(16)
        ok = self._call("acquire_lock", lambda: self._r.set(self._k("lock", name), f"{token}|{owner}", nx=True, px=ttl_ms))
        return token if ok else None

    def _owner_value(self, name: str, token: str) -> str | None:
        raw = self._call("lock_owner", lambda: self._r.get(self._k("lock", name)))
        if raw is None:
            return None
        value = _s(raw)
        return value if value.split("|", 1)[0] == token else None

    def refresh_lock(self, name: str, token: str, ttl_ms: int) -> bool:
        value = self._owner_value(name, token)
        if value is None:
            return False
        return bool(self._call("refresh_lock", lambda: self._r.eval(_REFRESH, 1, self._k("lock", name), value, ttl_ms)))

    def release_lock(self, name: str, token: str) -> bool:
        value = self._owner_value(name, token)
        if value is None:
            return False
        return bool(self._call("release_lock", lambda: self._r.eval(_RELEASE, 1, self._k("lock", name), value)))

    def lock_owner(self, name: str) -> str | None:
        raw = self._call("lock_owner", lambda: self._r.get(self._k("lock", name)))
        return None if raw is None else _s(raw).split("|", 1)[-1]


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def open_store(url: str | None, prefix: str = "swarm:", ttl_s: int = 7 * 24 * 3600) -> RedisCoordinationStore:
    """A store on ``url`` (a real Redis), or an in-process fakeredis when ``url`` is empty."""
    if url:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=10)
    else:
        import fakeredis

        client = fakeredis.FakeRedis()
    return RedisCoordinationStore(client, prefix=prefix, ttl_s=ttl_s)
