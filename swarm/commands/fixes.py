"""``swarm fixes check|list``: the rule and strategy tables in prompts/ (the checks are :mod:`swarm.fixes`)."""

from __future__ import annotations

import argparse

NAME = "fixes"
HELP = "the rule and strategy tables in prompts/"


def add_arguments(f: argparse.ArgumentParser) -> None:
    fsub = f.add_subparsers(dest="fixes_command", required=True)
    fsub.add_parser("check", help="validate the tables; report rules that can never match or are shadowed")
    fsub.add_parser("list", help="print every rule and the strategies per category")


def run(args: argparse.Namespace) -> int:
    from swarm.fixes import cmd_fixes

    return cmd_fixes(args)
