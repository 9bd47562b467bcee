"""Large log files, fast: grep finds the lines that hold a rule's anchor, the engine judges only those.

The rules promise that every line they match contains one of their anchors, so
``grep -F -i -f anchors`` is an exact pre-filter. grep streams the file (memory stays flat) and runs
on the other core while Python judges the candidates. The evidence around the root cause is read
back from the file by byte offset. Without grep, or for small files and streams, the pure Python
engine reads everything; both give the same report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from agents.analyzer import AFTER, TRACE_BEFORE, analyze, analyze_numbered
from agents.logsource import MAX_LINE, clean_line
from agents.rules import RuleBook
from memory.models import FailureReport

FAST_THRESHOLD = 32 * 1024 * 1024
Progress = Callable[[int], None]


def analyze_path(path: Path, book: RuleBook, progress: Progress | None = None, force_fast: bool = False,
                 **kwargs: Any) -> FailureReport:
    path = Path(path)
    size = path.stat().st_size
    grep = shutil.which("grep")
    if grep is None or (size < FAST_THRESHOLD and not force_fast):
        with open(path, "rb") as fh:
            return analyze(fh, book, **kwargs)
    return _analyze_with_grep(grep, path, book, progress, **kwargs)


def _analyze_with_grep(grep: str, path: Path, book: RuleBook, progress: Progress | None, **kwargs: Any) -> FailureReport:
    anchors = sorted({a for rule in book.rules for a in rule.anchors})
    linenos, offsets = array("q"), array("q")
    with tempfile.NamedTemporaryFile("w", suffix=".anchors", delete=False) as fh:
        fh.write("\n".join(anchors) + "\n")
        anchors_file = fh.name
    try:
        proc = subprocess.Popen([grep, "-a", "-n", "-b", "-i", "-F", "-f", anchors_file, str(path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1 << 20)
        assert proc.stdout is not None

        def candidates() -> Iterator[tuple[int, str]]:
            tick = 0
            for raw in proc.stdout:  # type: ignore[union-attr]
                n, _, rest = raw.partition(b":")
                off, _, text = rest.partition(b":")
                lineno, offset = int(n), int(off)
                linenos.append(lineno)
                offsets.append(offset)
                if progress is not None:
                    tick += 1
                    if tick % 4096 == 0:
                        progress(offset)
                yield lineno, text[:MAX_LINE].decode("utf-8", errors="replace").rstrip("\n")

        def context(lineno: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
            i = bisect_left(linenos, lineno)
            return read_context(path, offsets[i], lineno)

        report = analyze_numbered(candidates(), book, context=context, **kwargs)
        proc.wait()
        if proc.returncode not in (0, 1):  # 1: no line matched
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise OSError(f"grep failed on {path}: {err.strip()}")
        if progress is not None:
            progress(path.stat().st_size)
        if report.category == "unknown":  # no candidate matched: the evidence is the end of the log
            return analyze_numbered(tail_lines(path), book, **kwargs)
        return report
    finally:
        os.unlink(anchors_file)


def read_context(path: Path, offset: int, lineno: int, span: int = 256 * 1024) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The TRACE_BEFORE lines before and AFTER lines after the line at byte ``offset`` (line ``lineno``)."""
    with open(path, "rb") as fh:
        start = max(0, offset - span)
        fh.seek(start)
        head = fh.read(offset - start)
        fh.seek(offset)
        tail = fh.read(span)
    before_raw = head.split(b"\n") if head else []
    if start > 0:
        before_raw = before_raw[1:]  # a partial first line
    before_raw = before_raw[:-1][-TRACE_BEFORE:] if head.endswith(b"\n") else before_raw[-TRACE_BEFORE:]
    after_raw = tail.split(b"\n")[1:]
    if len(tail) < span and after_raw and after_raw[-1] == b"":
        after_raw.pop()  # the file ends with a newline: no empty line after it
    after_raw = after_raw[:AFTER]
    before = [(lineno - len(before_raw) + i, clean_line(b[:MAX_LINE].decode("utf-8", "replace"))) for i, b in enumerate(before_raw)]
    after = [(lineno + 1 + i, clean_line(a[:MAX_LINE].decode("utf-8", "replace"))) for i, a in enumerate(after_raw)]
    return before, after


def tail_lines(path: Path, span: int = 256 * 1024) -> list[tuple[int, str]]:
    """The last lines of a file with their line numbers (newlines counted in chunks)."""
    total = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            total += block.count(b"\n")
        size = fh.tell()
        fh.seek(max(0, size - span))
        data = fh.read()
    lines = data.split(b"\n")
    if size > span:
        lines = lines[1:]
    if lines and lines[-1] == b"":
        lines.pop()
    else:
        total += 1  # a last line without a newline
    first = total - len(lines) + 1
    return [(first + i, line[:MAX_LINE].decode("utf-8", "replace")) for i, line in enumerate(lines)]
