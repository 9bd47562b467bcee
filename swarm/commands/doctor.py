"""``swarm doctor``: which parts are configured and reachable (the checks are :mod:`swarm.doctor`)."""

from __future__ import annotations

import argparse

NAME = "doctor"
HELP = "which parts are configured and reachable (store, LLM, tools, tables)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    from swarm.doctor import cmd_doctor

    return cmd_doctor(args)
