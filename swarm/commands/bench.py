"""``swarm bench``: run a folder of healing scenarios and score them (the runner is :mod:`swarm.bench`)."""

from __future__ import annotations

import argparse

NAME = "bench"
HELP = "run a folder of healing scenarios and score them"


def add_arguments(b: argparse.ArgumentParser) -> None:
    b.add_argument("dir")
    b.add_argument("--json", dest="json_out", help="write the results as a JSON list to this file")
    b.add_argument("--mode", choices=["swarm", "loop", "both"], default="swarm",
                   help="both: run each scenario in swarm and loop mode and compare deploys")
    b.add_argument("--only", action="append", default=[], help="run only this scenario id (repeatable)")
    b.add_argument("--warmup", action=argparse.BooleanOptionalAction, default=None,
                   help="run each scenario once, untimed, before measuring it, so that downloads (pip's and npm's caches) "
                        "favour no mode (default: on with --mode both)")
    b.add_argument("--deploy-cost", type=float, default=180.0, metavar="SECONDS",
                   help="the cost model: seconds one deploy takes on a hosted platform (build + release); modelled time "
                        "= the swarm's own seconds + deploys x this (default 180)")
    b.add_argument("--rehearse", choices=["auto", "on", "off"], default=None,
                   help="the swarm's [validate] rehearse for every scenario (default: the scenario's own, auto). The local "
                        "platform shares this host, so auto does not rehearse there; `on` runs the rehearsals auto runs on a "
                        "hosted platform, which is what --deploy-cost models")


def run(args: argparse.Namespace) -> int:
    from swarm.bench import cmd_bench

    return cmd_bench(args)
