"""Command line: ``main(argv) -> int`` with one error boundary.

Exit codes: 0 healed, healthy or superseded, 1 failed (or a user error), 2 escalated or rolled back,
3 a bug in swarm (crash log in the session folder), 64 a usage error, 130 interrupted.
Each verb is a module under :mod:`swarm.commands`; heavy modules (langgraph, anthropic) are imported only when a
verb runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path

from memory.errors import SwarmError

log = logging.getLogger("swarm")


def _parser() -> argparse.ArgumentParser:
    from swarm import commands

    p = argparse.ArgumentParser(prog="swarm", description="Heals failed deployments: watch, diagnose, fix, validate, push, verify.")
    p.add_argument("-v", "--verbose", action="store_true", help="more log output on the console")
    modules = [commands.load(name) for name in commands.VERBS]
    listed = [m.NAME for m in modules if m.HELP]
    sub = p.add_subparsers(dest="command", required=True, metavar="{" + ",".join(listed) + "}")
    for m in modules:
        # a verb without help (the hook's `trigger`) gets no help line: argparse then does not list it
        verb = sub.add_parser(m.NAME, help=m.HELP) if m.HELP else sub.add_parser(m.NAME)
        m.add_arguments(verb)
    return p


USAGE_EXIT = 64
"""A command-line usage error (sysexits' EX_USAGE): not 2, which means "escalated"."""


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage and the error (or the help)
        return USAGE_EXIT if exc.code == 2 else int(exc.code or 0)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    try:
        from swarm import commands

        return int(commands.load(args.command).run(args))
    except KeyboardInterrupt:
        sid = getattr(args, "session", None)
        print("interrupted" + (f": continue with `swarm deploy --session {sid} --resume`" if args.command == "deploy" and sid
                               else ""), file=sys.stderr)
        return 130
    except BrokenPipeError:  # `swarm ... | head`: the reader left; not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except SwarmError as exc:
        print(f"swarm: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        from memory.errors import DISK_ERRNOS

        if exc.errno not in DISK_ERRNOS:
            return _bug(args, exc)
        where = f" {exc.filename}" if exc.filename else ""
        print(f"swarm: error: cannot write{where}: {exc.strerror or exc}. Free some space or point SWARM_ARTIFACTS at a "
              "writable folder; a session can then continue with --resume", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: say so, keep the evidence
        return _bug(args, exc)
    return 1


def _bug(args: argparse.Namespace, exc: BaseException) -> int:
    try:
        crash: Path | str = _crash_log(args, exc)
    except OSError as err:  # the disk refuses even the crash log: say so, no traceback
        crash = f"(not written: {err.strerror or err})"
    print(f"swarm: internal error ({type(exc).__name__}: {exc}); this is a bug. Crash log: {crash}", file=sys.stderr)
    return 3


def _crash_log(args: argparse.Namespace, exc: BaseException) -> Path:
    from swarm.config import artifacts_root, load_env

    try:
        root = artifacts_root(load_env())
    except SwarmError:
        root = Path("artifacts")
    session = getattr(args, "session", None)
    folder = root / "sessions" / session if session else root
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "crash.log"
    from memory.redact import Redactor

    path.write_text(Redactor()("".join(traceback.format_exception(exc))))
    return path


