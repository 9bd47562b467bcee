"""``swarm stop SESSION``: stop a running session cleanly."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "stop"
HELP = "stop a running session cleanly"


def add_arguments(st: argparse.ArgumentParser) -> None:
    st.add_argument("session")
    st.add_argument("--repo", default=".")


def run(args: argparse.Namespace) -> int:
    from swarm.hooks import stop
    from swarm.paths import artifacts_root_from_environ

    print(stop(args.session, Path(args.repo), artifacts_root_from_environ()))
    return 0
