"""``swarm hook install|uninstall``: the git pre-push hook that starts a heal session after a push."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "hook"
HELP = "install or remove the git pre-push hook that starts a heal session after a push"


def add_arguments(h: argparse.ArgumentParser) -> None:
    hsub = h.add_subparsers(dest="hook_command", required=True)
    for name in ("install", "uninstall"):
        hp = hsub.add_parser(name)
        hp.add_argument("--repo", default=".")
        hp.add_argument("--branch", help="deploy branch (default: the current branch)")
        hp.add_argument("--force", action="store_true", help="replace an existing chained hook")


def run(args: argparse.Namespace) -> int:
    from swarm.hooks import install, uninstall

    repo = Path(args.repo)
    print(install(repo, args.branch, args.force) if args.hook_command == "install" else uninstall(repo))
    return 0
