"""One module per CLI verb (pre-commit's layout): each has ``NAME``, ``HELP`` (None: not listed), ``add_arguments``
and ``run``. Modules import only argparse at the top, so building the parser stays cheap; a verb's work is imported
when it runs."""

from __future__ import annotations

import importlib
from types import ModuleType

VERBS = ("deploy", "tail", "sessions", "bench", "analyze", "init", "hook", "trigger", "stop", "stats", "clean", "serve",
         "enqueue", "worker", "doctor", "fixes")


def load(name: str) -> ModuleType:
    return importlib.import_module(f"swarm.commands.{name}")
