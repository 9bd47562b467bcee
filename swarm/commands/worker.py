"""``swarm worker``: consume the fleet's heal requests (Redis Streams consumer group), heal each service with the
same graph as ``swarm deploy``, and resume the sessions of workers that died (see :mod:`swarm.worker`)."""

from __future__ import annotations

import argparse
from typing import Any

NAME = "worker"
HELP = "heal the fleet's queued requests (Redis consumer group); resumes a dead worker's sessions"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fleet", default="fleet.toml", help="the services this fleet heals (default: fleet.toml)")
    p.add_argument("--name", help="this worker's consumer name (default: <host>-<pid>)")
    p.add_argument("--concurrency", type=int, default=1, metavar="N", help="N worker processes (default 1)")
    p.add_argument("--claim-idle", type=float, default=60.0, metavar="SECONDS",
                   help="claim and resume a request another worker left pending this long (default 60)")
    p.add_argument("--cache", help="where the repositories are cloned (default: <artifacts>/fleet/cache)")
    p.add_argument("--once", action="store_true", help="handle one request, then exit")


def run(args: argparse.Namespace) -> int:
    import os
    import signal
    import socket
    import sys
    from pathlib import Path

    import redis as redis_lib

    from memory.errors import ConfigError
    from swarm.fleet import load_fleet
    from swarm.paths import artifacts_root_from_environ
    from swarm.worker import Worker

    if not 1 <= args.concurrency <= 64:
        raise ConfigError(f"--concurrency must be between 1 and 64, not {args.concurrency}")
    fleet = load_fleet(Path(args.fleet))
    url = os.environ.get("REDIS_URL")
    if not url:
        raise ConfigError("swarm worker needs REDIS_URL (the stream `swarm serve` and `swarm enqueue` write)")
    if fleet.checkpoint_url and not os.environ.get("SWARM_CHECKPOINT_URL"):
        os.environ["SWARM_CHECKPOINT_URL"] = fleet.checkpoint_url  # the sessions (and the child workers) read it
    name = args.name or f"{socket.gethostname()}-{os.getpid()}"
    children = [_spawn(args, f"{name}-{i}") for i in range(1, args.concurrency)]
    root = artifacts_root_from_environ()
    worker = Worker(fleet, redis_lib.Redis.from_url(url), name, Path(args.cache) if args.cache else root / "fleet" / "cache",
                    root, claim_idle_ms=int(args.claim_idle * 1000))

    def on_term(signum: int, frame: Any) -> None:
        if worker.stop.is_set():  # a second signal: hand the session back (it stays pending and is resumed elsewhere)
            raise KeyboardInterrupt
        worker.stop.set()  # the first: finish the current session, take no new one
        for child in children:
            child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_term)
    print(f"worker {name}: {len(fleet.services)} service(s), stream {fleet.stream}, {args.concurrency} process(es)",
          file=sys.stderr, flush=True)
    try:
        worker.run(once=args.once)
    finally:
        for child in children:
            child.wait()
    return 0


def _spawn(args: argparse.Namespace, name: str) -> Any:
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "swarm", "worker", "--fleet", args.fleet, "--name", name, "--claim-idle", str(args.claim_idle)]
    if args.cache:
        cmd += ["--cache", args.cache]
    if args.once:
        cmd.append("--once")
    return subprocess.Popen(cmd)
