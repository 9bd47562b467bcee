"""Large log files, fast: a multi-pattern scanner finds the lines that hold a rule's anchor, the engine judges only
those.

The rules promise that every line they match contains one of their anchors, so a case-insensitive search for
the anchors is an exact pre-filter. Two scanners do it, best first:

- Hyperscan (the ``hyperscan`` wheel, when installed): every anchor compiled into one literal database,
  scanned block by block over the file; a line already judged (the same bytes) is not judged again, so a
  log that repeats itself costs one regex pass per distinct line.
- ``grep -a -n -b -i -F -f anchors`` in the C locale (a UTF-8 locale makes GNU grep's case folding over
  hundreds of patterns about six times slower), streaming on the other core.

Both give the report of the pure Python engine for any log a rule matches (the evidence around the root
cause is read back from the file by byte offset). When no rule matches, the end of the log is analysed by the
pure engine (its keyword fallback reads the last error lines). Small files and streams always take the pure
engine.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents.analyzer import AFTER, TRACE_BEFORE, Diagnosis, diagnose, diagnose_numbered
from agents.logsource import MAX_LINE, clean_line
from agents.rules import RuleBook
from swarm.scanrange import BLOCK, _scan_range

if TYPE_CHECKING:
    from memory.models import FailureReport

FAST_THRESHOLD = 32 * 1024 * 1024
Progress = Callable[[int], None]


def analyze_path(path: Path, book: RuleBook, progress: Progress | None = None, force_fast: bool = False,
                 **kwargs: Any) -> FailureReport:
    return diagnose_path(path, book, progress, force_fast, **kwargs).report()


def diagnose_path(path: Path, book: RuleBook, progress: Progress | None = None, force_fast: bool = False,
                  **kwargs: Any) -> Diagnosis:
    """The diagnosis of a log file: read through in Python when small, scanned for the rules' anchors when large."""
    path = Path(path)
    size = path.stat().st_size
    if size < FAST_THRESHOLD and not force_fast:
        with open(path, "rb") as fh:
            return diagnose(fh, book, **kwargs)
    engine = scanner()
    if engine == "hyperscan":
        return _analyze_with_hyperscan(path, book, progress, **kwargs)
    if engine == "grep":
        return _analyze_with_grep(shutil.which("grep") or "grep", path, book, progress, **kwargs)
    with open(path, "rb") as fh:
        return diagnose(fh, book, **kwargs)


def scanner() -> str:
    """Which pre-filter large files get: ``hyperscan``, ``grep`` or ``python`` (``SWARM_SCANNER`` picks one)."""
    wanted = os.environ.get("SWARM_SCANNER", "").strip().lower()
    if wanted in ("", "hyperscan"):
        try:
            import hyperscan  # noqa: F401
            return "hyperscan"
        except ImportError:
            if wanted == "hyperscan":
                return "grep" if shutil.which("grep") else "python"
    if wanted in ("", "hyperscan", "grep") and shutil.which("grep"):
        return "grep"
    return "python"


def _anchors(book: RuleBook) -> tuple[str, ...]:
    return tuple(sorted({a for rule in book.rules for a in rule.anchors}))


def _ranges(path: Path, size: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` byte ranges of the file, each starting at a line start."""
    cuts = [0]
    with open(path, "rb") as fh:
        for i in range(1, parts):
            fh.seek(max(cuts[-1], size * i // parts))
            fh.readline()
            cuts.append(min(size, fh.tell()))
    cuts.append(size)
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _workers(size: int) -> int:
    if size < 4 * BLOCK:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 4))


def candidate_lines(path: Path, book: RuleBook, progress: Progress | None = None) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, raw bytes) of each line holding an anchor, the first time those bytes occur. A large
    file is split among the cores: this process scans the first range while plain helper processes (``python -m
    swarm.scanrange``: nothing inherited from this process, neither locks nor signal handlers) scan the others."""
    anchors = _anchors(book)
    size = path.stat().st_size
    ranges = _ranges(path, size, _workers(size))
    if not ranges:
        return
    helpers: list[tuple[subprocess.Popen[bytes], Any]] = []
    anchors_file = None
    try:
        if len(ranges) > 1:
            with tempfile.NamedTemporaryFile("w", suffix=".anchors", delete=False, encoding="utf-8") as fh:
                json.dump(list(anchors), fh)
                anchors_file = fh.name
            for a, b in ranges[1:]:
                out = tempfile.TemporaryFile()
                helpers.append((subprocess.Popen(
                    [sys.executable, "-m", "swarm.scanrange", str(path), anchors_file, str(a), str(b)],
                    stdout=out, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": _pythonpath()}), out))
        results = [_scan_range(path, anchors, *ranges[0], progress=progress)]
        for proc, out in helpers:
            _, err = proc.communicate()
            if proc.returncode != 0:
                raise OSError(f"a scanning helper failed on {path}: {err.decode(errors='replace').strip()[-500:]}")
            out.seek(0)
            results.append(pickle.load(out))  # noqa: S301 - written by our own helper, never by the log
        if progress is not None:
            progress(size)
    finally:
        for proc, out in helpers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            out.close()
        if anchors_file:
            os.unlink(anchors_file)
    seen: set[bytes] = set()
    base = 0
    for newlines, found in results:
        for before, offset, raw in found:
            if raw not in seen:  # the earliest occurrence across ranges is the one the Python engine would rank
                seen.add(raw)
                yield base + before + 1, offset, raw
        base += newlines


def _pythonpath() -> str:
    here = str(Path(__file__).resolve().parent.parent)
    return os.pathsep.join([here, os.environ["PYTHONPATH"]]) if os.environ.get("PYTHONPATH") else here


def _analyze_with_hyperscan(path: Path, book: RuleBook, progress: Progress | None, **kwargs: Any) -> Diagnosis:
    offsets: dict[int, int] = {}

    def candidates() -> Iterator[tuple[int, str]]:
        for lineno, offset, raw in candidate_lines(path, book, progress):
            offsets[lineno] = offset
            yield lineno, raw.decode("utf-8", errors="replace")[:MAX_LINE]

    def context(lineno: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        return read_context(path, offsets[lineno], lineno)

    report = diagnose_numbered(candidates(), book, context=context, **kwargs)
    if report.category == "unknown" or report.rule_id == "keyword-fallback":  # no rule matched: read the end
        return diagnose_numbered(tail_lines(path), book, **kwargs)
    return report


def _analyze_with_grep(grep: str, path: Path, book: RuleBook, progress: Progress | None, **kwargs: Any) -> Diagnosis:
    anchors = sorted({a for rule in book.rules for a in rule.anchors})
    linenos, offsets = array("q"), array("q")
    with tempfile.NamedTemporaryFile("w", suffix=".anchors", delete=False) as fh:
        fh.write("\n".join(anchors) + "\n")
        anchors_file = fh.name
    try:
        proc = subprocess.Popen([grep, "-a", "-n", "-b", "-i", "-F", "-f", anchors_file, str(path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1 << 20,
                                env={**os.environ, "LC_ALL": "C"})  # ASCII case folding, as the anchors need
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

        report = diagnose_numbered(candidates(), book, context=context, **kwargs)
        proc.wait()
        if proc.returncode not in (0, 1):  # 1: no line matched
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise OSError(f"grep failed on {path}: {err.strip()}")
        if progress is not None:
            progress(path.stat().st_size)
        if report.category == "unknown":  # no candidate matched: the evidence is the end of the log
            return diagnose_numbered(tail_lines(path), book, **kwargs)
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
