"""``swarm clean``: retention for what swarm keeps on disk. Keeps the last ``--keep-builds`` local-platform builds per
service (a live release is always kept), removes finished sessions older than ``--older-than`` days (a running or
interrupted one is kept: it may be resumed), and trims the shared build environments. ``--dry-run`` lists what would
go and its size."""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

NAME = "clean"
HELP = "remove old builds, old finished sessions and unused build environments (--dry-run first)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--keep-builds", type=int, default=10, metavar="N", help="local-platform builds kept per service (10)")
    p.add_argument("--older-than", type=float, default=30.0, metavar="DAYS", help="finished sessions older than this go (30)")
    p.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")


def _size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_symlink() and p.is_file())


def _meta(build: Path) -> dict[str, object]:
    try:
        data = json.loads((build / "meta.json").read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def candidates(root: Path, keep_builds: int, older_than_days: float) -> list[tuple[Path, str]]:
    """(path, why) for everything retention would remove."""
    from swarm.procs import alive, live_pid

    out: list[tuple[Path, str]] = []
    for deploys in sorted((root / "platform").glob("*/deploys")):
        builds = sorted((d for d in deploys.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime, reverse=True)
        for build in builds[keep_builds:]:
            meta = _meta(build)
            pid = meta.get("pid")
            if meta.get("status") == "live" and isinstance(pid, int) and alive(pid):
                continue  # what serves now is never removed
            out.append((build, f"build beyond the last {keep_builds} of {deploys.parent.name}"))
    cutoff = time.time() - older_than_days * 86400
    for folder in sorted((root / "sessions").glob("*")):
        if not folder.is_dir() or live_pid(folder / "pid") is not None:
            continue
        finished = folder / "final_state.json"
        if finished.is_file() and finished.stat().st_mtime < cutoff:
            out.append((folder, f"finished session older than {older_than_days:g} days"))
    return out


def run(args: argparse.Namespace) -> int:
    from memory.errors import ConfigError
    from swarm.paths import artifacts_root_from_environ
    from swarm.platforms.local_worker import MAX_ENVS, env_cache

    if args.keep_builds < 1 or args.older_than < 0:
        raise ConfigError("clean: --keep-builds must be at least 1 and --older-than at least 0")
    root = artifacts_root_from_environ()
    gone = candidates(root, args.keep_builds, args.older_than)
    envs = env_cache()
    if envs.is_dir():
        done = sorted((d for d in envs.iterdir() if (d / ".swarm-complete").is_file()),
                      key=lambda d: (d / ".swarm-complete").stat().st_mtime, reverse=True)
        gone += [(d, f"build environment beyond the {MAX_ENVS} most recently used") for d in done[MAX_ENVS:]]
    total = 0
    for path, why in gone:
        size = _size(path)
        total += size
        print(f"{'would remove' if args.dry_run else 'removed'} {path} ({size / 1e6:.1f} MB): {why}")
        if not args.dry_run:
            shutil.rmtree(path, ignore_errors=True)
    print(f"{'would free' if args.dry_run else 'freed'} {total / 1e6:.1f} MB in {len(gone)} item(s) under {root}")
    return 0
