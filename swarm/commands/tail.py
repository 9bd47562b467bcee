"""``swarm tail SESSION``: follow any session as it runs (one started by the hook, or on another machine that shares the
coordination store): from the store's event stream when ``REDIS_URL`` is set, else (or when the store is away) from
the session's ``events.jsonl``. Prints each step as ``deploy`` does; never silent for more than 5 s; ends at the
session's ``done`` event, or when the session stopped without one."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

NAME = "tail"
HELP = "follow a session's progress as it runs (also one started by the hook or on another machine)"
QUIET_S = 5.0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("session")
    p.add_argument("--timeout", type=float, default=0.0, metavar="SECONDS", help="stop following after this long (0: no limit)")
    p.add_argument("--poll", type=float, default=0.5, metavar="SECONDS", help=argparse.SUPPRESS)


class _FileEvents:
    def __init__(self, path: Path) -> None:
        self.path, self.offset = path, 0

    def new(self) -> Iterator[dict[str, Any]]:
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.offset)
                chunk = fh.read()
        except FileNotFoundError:
            return
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a line still being written waits for the next poll
        self.offset += len(complete)
        for raw in complete.splitlines():
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if isinstance(event, dict):
                yield event


class _StoreEvents:
    def __init__(self, store: Any, session: str) -> None:
        self.store, self.session, self.after = store, session, "0-0"

    def new(self) -> Iterator[dict[str, Any]]:
        for event_id, event in self.store.read_events(self.session, after=self.after):
            self.after = event_id
            yield event


def run(args: argparse.Namespace) -> int:
    from memory.artifacts import check_session_id
    from memory.errors import ConfigError, StoreUnavailable
    from swarm.output import describe
    from swarm.paths import artifacts_root_from_environ
    from swarm.procs import live_pid

    session = check_session_id(args.session)
    folder = artifacts_root_from_environ() / "sessions" / session
    source: Any = _FileEvents(folder / "events.jsonl")
    where = str(folder / "events.jsonl")
    from swarm.config import load_env

    env = load_env()
    if env.REDIS_URL:
        from memory.store import open_store

        try:
            store = open_store(env.REDIS_URL, prefix=env.SWARM_REDIS_PREFIX)
            store.ping()
            source, where = _StoreEvents(store, session), "the coordination store"
        except StoreUnavailable as exc:
            print(f"swarm: the coordination store is away ({exc}); following {where}", file=sys.stderr)
    if isinstance(source, _FileEvents) and not folder.is_dir():
        raise ConfigError(f"no session {session!r} here ({folder}); with REDIS_URL set, tail follows sessions of other machines")
    print(f"following session {session} from {where}", flush=True)
    started = last = time.monotonic()
    status = "starting"
    while True:
        try:
            events = list(source.new())
        except StoreUnavailable as exc:
            print(f"swarm: the coordination store went away ({exc}); following {folder / 'events.jsonl'}", file=sys.stderr)
            source = _FileEvents(folder / "events.jsonl")
            continue
        for event in events:
            kind = str(event.get("kind", "?"))
            text = describe(kind, event)
            if text:
                stamp = time.strftime("%H:%M:%S", time.localtime(event["ts"])) if isinstance(event.get("ts"), int | float) else "--:--:--"
                print(f"[{stamp}] {text}", flush=True)
                last = time.monotonic()
            if kind == "deploy_status":
                status = f"deploy {event.get('deploy')} {event.get('status')}"
            elif kind in ("analyzed", "proposed", "validated", "pushed", "verified"):
                status = kind
            if kind == "done":
                return 0
        now = time.monotonic()
        if not events and isinstance(source, _FileEvents) and folder.is_dir() and live_pid(folder / "pid") is None \
                and (folder / "events.jsonl").exists() and now - started > args.poll * 2:
            ended = folder / "ended.json"
            how = json.loads(ended.read_text()).get("how", "interrupted") if ended.is_file() else "interrupted"
            print(f"session {session} is not running and ended without an outcome ({how}); "
                  f"continue it with `swarm deploy --session {session} --resume`", flush=True)
            return 1
        if now - last >= QUIET_S:
            print(f"[{time.strftime('%H:%M:%S')}] … {status} ({now - started:.0f}s)", flush=True)
            last = now
        if args.timeout and now - started >= args.timeout:
            print(f"stopped following after {args.timeout:.0f}s; the session goes on", flush=True)
            return 0
        time.sleep(args.poll)
