"""``swarm analyze``: diagnose failure logs (files, or - for stdin)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

NAME = "analyze"
HELP = "diagnose failure logs (files, or - for stdin)"


def add_arguments(a: argparse.ArgumentParser) -> None:
    a.add_argument("files", nargs="+")
    a.add_argument("--json", action="store_true", help="one JSON object per file, one per line")


def run(args: argparse.Namespace) -> int:
    # plain records all the way (no state models): a diagnosis prints before pydantic could even load
    from agents.analyzer import diagnose
    from agents.rules import load_rulebook
    from swarm.fastscan import diagnose_path

    book = load_rulebook()
    never = set(book.safety.never_autofix)
    status = 0
    for name in args.files:
        try:
            if name == "-":
                report = diagnose(sys.stdin.buffer, book, never_autofix=never)
            else:
                path = Path(name)
                if path.is_dir():
                    raise IsADirectoryError(21, "is a directory")
                problem = _not_a_log(path)
                if problem:
                    print(f"swarm: error: {name}: {problem}; nothing analysed", file=sys.stderr)
                    status = 1
                    continue
                with _progress_bar(path) as progress:
                    report = diagnose_path(path, book, progress=progress, never_autofix=never)
        except OSError as exc:
            print(f"swarm: error: {name}: cannot read: {exc.strerror or exc}", file=sys.stderr)
            status = 1
            continue
        r = report
        if args.json:
            print(json.dumps({"file": name, "category": r.category, "entity": r.entity, "ecosystem": r.ecosystem,
                              "confidence": r.confidence, "auto_fixable": r.auto_fixable, "fingerprint": r.fingerprint,
                              "evidence": [{"line": n, "text": t} for n, t in r.evidence]}), flush=True)
        else:
            print(f"{name}: {r.category}" + (f" ({r.entity})" if r.entity else "")
                  + f", {r.ecosystem}, confidence {r.confidence:.2f}, auto-fixable {'yes' if r.auto_fixable else 'no'}")
            print(f"  why: {r.summary}")
            if r.root_line is not None:
                print(f"  root cause (line {r.root_line}): {_printable(r.root_cause)}")
            else:
                print("  root cause: no line of the log names one")
            print(f"  fingerprint: {r.fingerprint}")
    return status


def _not_a_log(path: Path) -> str | None:
    """Why a file cannot be a failure log (empty, or binary data), or None."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head:
        return "the file is empty"
    if b"\0" in head:
        return "the file holds binary data, not a text log"
    text = head.decode("utf-8", errors="replace")
    odd = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\x1b"))
    return "the file holds binary data, not a text log" if odd > len(text) // 10 else None


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() or ch == "\t" else "\ufffd" for ch in text)


class _NoBar:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress_bar(path: Path) -> Any:
    """A rich progress bar on a terminal for files over 50 MB; otherwise nothing."""
    size = path.stat().st_size
    if size <= 50 * 1024 * 1024 or not sys.stderr.isatty():
        return _NoBar()
    from contextlib import contextmanager

    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    @contextmanager
    def bar() -> Any:
        with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                      transient=True) as prog:
            task = prog.add_task(path.name, total=size)
            yield lambda done: prog.update(task, completed=done)

    return bar()
