"""The learning state: what the swarm learned across sessions, in one JSON file.

Written atomically (temp file + fsync + os.replace) under an exclusive file lock; every write
re-reads the file and applies the change to what is on disk, so concurrent sessions lose nothing.
A corrupt file is moved aside to ``<name>.corrupt-<timestamp>`` and named in a warning.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from memory.atomic import write_atomic
from memory.errors import ConfigError

log = logging.getLogger(__name__)


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StrategyStats(_M):
    tries: int = 0
    successes: int = 0

    @property
    def rate(self) -> float:
        # Laplace-smoothed success rate: unknown strategies start at 0.5
        return (self.successes + 1) / (self.tries + 2)


class KnownFix(_M):
    category: str
    strategy: str
    entity: str | None = None
    params: dict[str, object] = Field(default_factory=dict)
    successes: int = 0
    last_session: str = ""
    updated_at: float = 0.0


class LearningState(_M):
    version: int = 1
    failed_dependencies: dict[str, list[str]] = Field(default_factory=dict)
    """ecosystem:package → sessions in which a build failed because it was missing."""
    known_fixes: dict[str, KnownFix] = Field(default_factory=dict)
    """fingerprint (or ``category:<id>``) → the strategy that healed it."""
    performance_map: dict[str, float] = Field(default_factory=dict)
    """configuration label → last build seconds."""
    strategy_stats: dict[str, dict[str, StrategyStats]] = Field(default_factory=dict)
    """category → strategy → tries/successes."""
    failed_strategies: dict[str, list[str]] = Field(default_factory=dict)
    """fingerprint → strategies that were deployed for it and did not heal it."""
    session_starts: dict[str, list[float]] = Field(default_factory=dict)
    """service → start times of recent heal sessions (for the per-service rate limit)."""
    recorded: list[str] = Field(default_factory=list)
    """``session:attempt`` markers already counted, so a resumed session counts nothing twice."""

    def stats(self, category: str, strategy: str) -> StrategyStats:
        return self.strategy_stats.get(category, {}).get(strategy, StrategyStats())


class LearningStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock_path = self.path.with_name(self.path.name + ".lock")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._lock_path, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _read(self) -> LearningState:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return LearningState()
        except IsADirectoryError as exc:
            return self._move_aside(exc)
        except OSError as exc:
            raise ConfigError(f"learning state {self.path} cannot be read ({exc.strerror or exc}); fix its permissions, "
                              "or point SWARM_ARTIFACTS elsewhere") from exc
        try:
            return LearningState.model_validate(json.loads(raw.decode("utf-8")))
        except (ValueError, ValidationError, RecursionError) as exc:  # bad JSON, bad UTF-8, wrong shape
            return self._move_aside(exc)

    def _move_aside(self, exc: BaseException) -> LearningState:
        """An unreadable state is kept, renamed and named in a warning; the session starts from a fresh one."""
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
        try:
            os.replace(self.path, aside)
        except OSError as err:
            raise ConfigError(f"learning state {self.path} is unreadable ({_first_line(exc)}) and cannot be moved "
                              f"aside ({err.strerror or err}); move or delete it by hand") from exc
        log.warning(
            "learning state %s is corrupt (%s); moved it aside to %s and started a fresh one. "
            "Inspect or restore it by hand if it held useful fixes.",
            self.path, _first_line(exc), aside,
        )
        return LearningState()

    def load(self) -> LearningState:
        with self._locked():
            return self._read()

    def update(self, change: Callable[[LearningState], None]) -> LearningState:
        """Apply ``change`` to the state on disk (re-read under the lock) and write it atomically."""
        with self._locked():
            state = self._read()
            change(state)
            write_atomic(self.path, state.model_dump_json(indent=2), mode=0o644)
            return state


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def shared_learning_key(prefix: str) -> str:
    """The Redis key of a fleet's shared learning state (``SWARM_REDIS_PREFIX`` + ``learning``)."""
    return f"{prefix}learning"


class SharedLearningStore(LearningStore):
    """The learning state shared by a fleet: one JSON document in Redis, changed in one optimistic transaction per
    outcome (``WATCH``/``MULTI``/``EXEC``, retried on a conflict), so that workers on several machines merge what they
    learn and lose nothing; after every change the document is also written to the learning-state file, the snapshot a
    single-machine run reads. Redis unreachable: the file alone, as without a fleet. The key expires ``ttl_s`` after
    its last change."""

    def __init__(self, path: Path, client: object, key: str, ttl_s: int) -> None:
        super().__init__(path)
        self.client, self.key, self.ttl_s = client, key, ttl_s

    def _parse(self, raw: object) -> LearningState | None:
        if raw is None:
            return None
        try:
            return LearningState.model_validate(json.loads(raw.decode() if isinstance(raw, bytes) else str(raw)))
        except (ValueError, ValidationError) as exc:
            log.warning("the shared learning state in Redis (%s) is unreadable (%s); starting from the file", self.key,
                        _first_line(exc))
            return None

    def load(self) -> LearningState:
        import redis

        try:
            shared = self._parse(self.client.get(self.key))  # type: ignore[attr-defined]
        except redis.RedisError as exc:
            log.warning("shared learning unavailable (%s): reading the file", _first_line(exc))
            shared = None
        return shared if shared is not None else super().load()

    def update(self, change: Callable[[LearningState], None]) -> LearningState:
        import redis

        try:
            state = self._update_shared(change)
        except redis.RedisError as exc:
            log.warning("shared learning unavailable (%s): recording in the file only", _first_line(exc))
            return super().update(change)
        with self._locked():  # the snapshot is the fleet's latest state, not this change's view of it
            try:
                latest = self._parse(self.client.get(self.key)) or state  # type: ignore[attr-defined]
            except redis.RedisError:
                latest = state
            write_atomic(self.path, latest.model_dump_json(indent=2), mode=0o644)
        return state

    def _update_shared(self, change: Callable[[LearningState], None]) -> LearningState:
        import redis

        for _ in range(100):
            with self.client.pipeline() as pipe:  # type: ignore[attr-defined]
                try:
                    pipe.watch(self.key)
                    state = self._parse(pipe.get(self.key))
                    if state is None:  # the first write of the fleet starts from this machine's file
                        state = super().load()
                    change(state)
                    pipe.multi()
                    pipe.set(self.key, state.model_dump_json(), ex=self.ttl_s)
                    pipe.execute()
                    return state
                except redis.WatchError:
                    continue  # another worker changed it first: apply the change again to what it wrote
        raise redis.RedisError(f"{self.key}: 100 conflicting writers in a row")
