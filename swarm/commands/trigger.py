"""``swarm trigger``: the pre-push hook's entry (not listed in --help): start a detached session for a pushed commit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "trigger"
HELP = None  # internal


def add_arguments(t: argparse.ArgumentParser) -> None:
    t.add_argument("--repo", default=".")
    t.add_argument("--sha", required=True)


def run(args: argparse.Namespace) -> int:
    from swarm.hooks import trigger

    session = trigger(Path(args.repo), args.sha)
    print(session)  # for scripts: the session id alone on stdout
    print(f"swarm: heal session {session} started in the background for {args.sha[:7]}; follow it with "
          f"`swarm sessions show {session}` (log: {Path(args.repo).resolve() / '.swarm' / (session + '.log')})",
          file=sys.stderr)
    return 0
