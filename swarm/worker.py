"""Fleet workers: heal requests from the Redis stream, one session at a time per worker process (issue 15).

Built on Redis Streams consumer groups (https://redis.io/docs/latest/develop/data-types/streams/):

- ``XREADGROUP ... >`` hands each new request to exactly one worker of the group;
- the request stays *pending* until the worker acknowledges it (``XACK``), which it does only when the session has an
  outcome (or can never have one: an unknown service, a request that keeps failing);
- a worker that dies leaves its request pending. Every worker first ``XAUTOCLAIM``s requests idle longer than
  ``claim_idle_ms`` and **resumes** the session from its checkpoint (same session id, same checkpoint), so a push
  already made is not made again. A live worker keeps its request's idle time low (``XCLAIM ... JUSTID`` every third
  of ``claim_idle_ms``), so only a dead or stuck worker's request is taken.

Each request runs the same graph as ``swarm deploy`` on a clone of the service's repository kept per worker (cloned
with ``--reference`` to one bare mirror per service, so a service's objects are fetched once per machine). The
per-service lock (Redis, with a fencing token checked again right before every push) keeps two workers from healing
one service at once; a request for a commit the branch has already moved past is acknowledged as superseded.
"""

from __future__ import annotations

import json
import logging
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memory.atomic import write_atomic
from memory.errors import ConfigError, LockHeld, SwarmError
from swarm.fleet import Fleet, HealRequest, Service

GROUP = "swarm-workers"
MAX_DELIVERIES = 3
log = logging.getLogger("swarm.worker")


def ensure_group(redis: Any, stream: str, group: str = GROUP) -> None:
    """The consumer group, created with the stream; requests queued before the first worker started are delivered."""
    import redis as redis_lib

    try:
        redis.xgroup_create(stream, group, id="0", mkstream=True)
    except redis_lib.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


@dataclass
class Claimed:
    entry: str
    request: HealRequest | None
    resumed: bool
    deliveries: int = 1


def _request(fields: dict[Any, Any] | None) -> HealRequest | None:
    if not fields:
        return None
    raw = fields.get(b"json", fields.get("json"))
    try:
        data = json.loads(raw or "")
        return HealRequest(**{k: str(data[k]) for k in ("service", "commit", "source", "delivery")})
    except (TypeError, ValueError, KeyError):
        return None


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def next_request(redis: Any, stream: str, consumer: str, claim_idle_ms: int, block_ms: int,
                 group: str = GROUP) -> Claimed | None:
    """A dead worker's request first (claimed, to be resumed), else a new one; None when the stream stays quiet."""
    reply = redis.xautoclaim(stream, group, consumer, min_idle_time=claim_idle_ms, start_id="0-0", count=1)
    claimed = reply[1] if len(reply) > 1 else []
    if claimed:
        entry, fields = claimed[0]
        pending = redis.xpending_range(stream, group, min=entry, max=entry, count=1)
        times = int(pending[0]["times_delivered"]) if pending else 1
        return Claimed(_s(entry), _request(fields), resumed=True, deliveries=times)
    got = redis.xreadgroup(group, consumer, {stream: ">"}, count=1, block=block_ms)
    for _stream, entries in got or []:
        for entry, fields in entries:
            return Claimed(_s(entry), _request(fields), resumed=False)
    return None


@dataclass
class Heartbeat:
    """Keeps a request's idle time low while its session runs, so that no other worker claims a live session."""

    redis: Any
    stream: str
    consumer: str
    entry: str
    every_s: float
    group: str = GROUP
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Heartbeat:
        def loop() -> None:
            while not self._stop.wait(self.every_s):
                try:
                    self.redis.xclaim(self.stream, self.group, self.consumer, min_idle_time=0,
                                      message_ids=[self.entry], justid=True)
                except Exception as exc:  # noqa: BLE001 - a store hiccup: the next beat tries again
                    log.warning("heartbeat for %s failed: %s", self.entry, exc)

        threading.Thread(target=loop, name="request-heartbeat", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise ConfigError(f"git {' '.join(args[:2])} failed in {cwd}: {(done.stderr or done.stdout).strip()[-500:]}")
    return done.stdout.strip()


def checkout(service: Service, cache: Path, consumer: str) -> Path:
    """This worker's clone of the service, at the head of its deploy branch (fetched now); the objects come from one
    bare mirror per service and machine."""
    mirror = cache / "mirrors" / f"{service.name}.git"
    if not mirror.is_dir():
        mirror.parent.mkdir(parents=True, exist_ok=True)
        _git(mirror.parent, "clone", "-q", "--mirror", service.repo, str(mirror))
    else:
        _git(mirror, "remote", "update", "--prune")
    repo = cache / "workers" / consumer / service.name
    if not (repo / ".git").is_dir():
        repo.parent.mkdir(parents=True, exist_ok=True)
        _git(repo.parent, "clone", "-q", "--reference", str(mirror), "--branch", service.branch, service.repo, str(repo))
    _git(repo, "fetch", "-q", "origin")
    _git(repo, "checkout", "-q", "-B", service.branch, f"origin/{service.branch}")
    _git(repo, "reset", "-q", "--hard", f"origin/{service.branch}")
    _git(repo, "clean", "-q", "-fdx", "-e", ".swarm/")
    return repo


def session_id_for(req: HealRequest) -> str:
    import hashlib

    tail = req.commit[:12] if req.commit else hashlib.sha256(req.delivery.encode()).hexdigest()[:12]
    return f"fleet-{req.service}-{tail}"[:80]


def superseded(repo: Path, commit: str) -> bool:
    """Whether the branch head has moved past ``commit`` (an older push): acting on it could undo newer work."""
    head = _git(repo, "rev-parse", "HEAD")
    if not commit or head.startswith(commit):
        return False
    done = subprocess.run(["git", "merge-base", "--is-ancestor", commit, head], cwd=repo, capture_output=True)
    return done.returncode == 0


@dataclass
class Worker:
    fleet: Fleet
    redis: Any
    consumer: str
    cache: Path
    artifacts: Path
    claim_idle_ms: int = 60_000
    block_ms: int = 2_000
    stop: threading.Event = field(default_factory=threading.Event)

    def record(self, **fields: Any) -> None:
        line = {"ts": round(time.time(), 3), "worker": self.consumer, **fields}
        log.info("%s", line)
        path = self.artifacts / "fleet" / "worker.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")

    def run(self, once: bool = False) -> int:
        """Serve requests until ``stop`` is set (SIGTERM): the current session finishes first."""
        ensure_group(self.redis, self.fleet.stream)
        handled = 0
        while not self.stop.is_set():
            got = next_request(self.redis, self.fleet.stream, self.consumer, self.claim_idle_ms, self.block_ms)
            if got is None:
                if once and handled:
                    break
                continue
            try:
                self.handle(got)
            except Exception as exc:  # noqa: BLE001 - a bug or a broken repository: the request stays pending
                # (another worker, or this one, claims it after claim_idle_ms; after MAX_DELIVERIES it is dropped)
                log.exception("request %s failed", got.entry)
                self.record(entry=got.entry, service=got.request.service if got.request else None, result="crashed",
                            why=f"{type(exc).__name__}: {str(exc)[:300]}")
            handled += 1
            if once:
                break
        return handled

    def ack(self, entry: str) -> None:
        self.redis.xack(self.fleet.stream, GROUP, entry)

    def handle(self, got: Claimed) -> str:
        req = got.request
        if req is None:
            self.ack(got.entry)
            self.record(entry=got.entry, result="dropped", why="not a heal request")
            return "dropped"
        service = self.fleet.by(name=req.service)
        if service is None:
            self.ack(got.entry)
            self.record(entry=got.entry, service=req.service, result="dropped", why="no such service in the fleet file")
            return "dropped"
        if got.deliveries > MAX_DELIVERIES:
            self.ack(got.entry)
            self.record(entry=got.entry, service=req.service, commit=req.commit, result="gave up",
                        why=f"delivered {got.deliveries} times without an outcome")
            return "gave up"
        session_id = session_id_for(req)
        with Heartbeat(self.redis, self.fleet.stream, self.consumer, got.entry, max(0.5, self.claim_idle_ms / 3000)):
            try:
                result = self._heal(service, req, session_id, got.resumed)
            except SwarmError as exc:
                if isinstance(exc, LockHeld):  # another healer has the service: the request waits (left pending)
                    self.record(entry=got.entry, service=req.service, commit=req.commit, session=session_id,
                                result="waiting", why=str(exc)[:300])
                    return "waiting"
                self.ack(got.entry)
                self.record(entry=got.entry, service=req.service, commit=req.commit, session=session_id,
                            result="error", why=str(exc)[:300])
                return "error"
        self.ack(got.entry)
        self.record(entry=got.entry, service=req.service, commit=req.commit, session=session_id, result=result,
                    resumed=got.resumed)
        return result

    def _heal(self, service: Service, req: HealRequest, session_id: str, claimed: bool) -> str:
        from graph.runner import has_checkpoint, run_session
        from swarm.compose import open_session
        from swarm.config import env_overrides, load_env, load_file_config

        repo = checkout(service, self.cache, self.consumer)
        folder = self.artifacts / "sessions" / session_id
        if (folder / "final_state.json").is_file():  # a redelivery of a finished session: its outcome stands
            final = json.loads((folder / "final_state.json").read_text())
            return str((final.get("outcome") or {}).get("kind") or "done")
        env = load_env()
        url = env.SWARM_CHECKPOINT_URL.get_secret_value() if env.SWARM_CHECKPOINT_URL else None
        resume = has_checkpoint(session_id, folder / "checkpoints.sqlite", url)  # PostgreSQL: any machine's checkpoint
        if not resume and superseded(repo, req.commit):
            return "superseded"
        over: dict[str, Any] = env_overrides(env)
        over["service"] = {**over.get("service", {}), "name": service.name, "platform": service.platform,
                           "branch": service.branch}
        cfg = load_file_config(repo, over)
        wait = env.SWARM_LOCK_TTL_S + 5 if claimed else 0.0  # a dead worker's lock expires by itself
        session = open_session(repo=repo, session_id=session_id, cfg=cfg, env=env, wait_lock_s=wait, resume=resume)
        try:
            try:
                final = run_session(None if resume else session.initial, session.deps, mode="swarm", resume=resume)
            except ConfigError:
                if not resume or session.deps.artifacts.path("final_state.json").exists():
                    raise
                # the dead worker got no further than the checkpoint file: nothing was done, start the session
                resume = False
                final = run_session(session.initial, session.deps, mode="swarm")
        finally:
            session.close(stop_platform=False)
        write_atomic(folder / "fleet.json", json.dumps({"worker": self.consumer, "delivery": req.delivery,
                                                        "source": req.source, "resumed": resume}))
        return final.outcome.kind if final.outcome else "failed"
