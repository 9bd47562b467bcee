"""``swarm enqueue``: queue a heal request from a CI job (the same stream and deduplication as ``swarm serve``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

NAME = "enqueue"
HELP = "queue a heal request for a fleet service (for CI jobs)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--service", required=True)
    p.add_argument("--commit", required=True)
    p.add_argument("--fleet", default="fleet.toml")
    p.add_argument("--delivery", help="an id that makes a retried CI job queue nothing twice (default: ci:<service>:<commit>)")


def run(args: argparse.Namespace) -> int:
    import redis as redis_lib

    from memory.errors import ConfigError
    from swarm.fleet import HealRequest, enqueue, load_fleet

    fleet = load_fleet(Path(args.fleet))
    if fleet.by(name=args.service) is None:
        raise ConfigError(f"no service {args.service!r} in {args.fleet}; there are: {', '.join(s.name for s in fleet.services) or 'none'}")
    url = os.environ.get("REDIS_URL")
    if not url:
        raise ConfigError("swarm enqueue needs REDIS_URL (the stream the workers read)")
    req = HealRequest(args.service, args.commit, "ci", args.delivery or f"ci:{args.service}:{args.commit}")
    print(f"{enqueue(redis_lib.Redis.from_url(url), fleet, req)}: {args.service} @ {args.commit[:12]} on {fleet.stream}")
    return 0
