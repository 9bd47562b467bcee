"""One byte range of a large log, scanned for the rules' anchors by Hyperscan (see :mod:`swarm.fastscan`).

Kept apart and light (the standard library and ``hyperscan`` only) because the ranges after the first are scanned by
``python -m swarm.scanrange`` helper processes, which must start in a few tens of milliseconds.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents.logsource import MAX_LINE

Progress = Callable[[int], None]

_HS_CACHE: dict[tuple[str, ...], Any] = {}
BLOCK = int(os.environ.get("SWARM_SCAN_BLOCK") or 16 * 1024 * 1024)
"""Bytes read and scanned at a time (a test makes it tiny, in the helpers too, so that lines cross blocks)."""
SEEN_MAX = 200_000


def _hyperscan_db_for(anchors: tuple[str, ...]) -> Any:
    """One caseless literal database of every anchor, plus the bytes whose removal by ``clean_line`` could join
    an anchor (ANSI escapes, NUL)."""
    import hyperscan

    db = _HS_CACHE.get(anchors)
    if db is None:
        exprs = [re.escape(a).encode() for a in anchors] + [rb"\x1b", rb"\x00"]
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs),
                   flags=[hyperscan.HS_FLAG_CASELESS] * len(exprs))
        _HS_CACHE.clear()
        _HS_CACHE[anchors] = db
    return db


def _scan_range(path: Path, anchors: tuple[str, ...], start: int, stop: int,
                progress: Progress | None = None) -> tuple[int, list[tuple[int, int, bytes]]]:
    """Newlines in bytes ``[start, stop)`` of the file, and each line there holding an anchor the first time its bytes
    occur: (newlines before it in the range, byte offset, raw bytes). ``start`` is a line start."""
    db = _hyperscan_db_for(anchors)
    seen: set[bytes] = set()
    found: list[tuple[int, int, bytes]] = []
    newlines, pos = 0, start
    with open(path, "rb") as fh:
        while pos < stop:
            fh.seek(pos)
            data = fh.read(min(BLOCK, stop - pos))
            if not data:
                break
            cut = len(data)
            if pos + cut < stop:
                cut = data.rfind(b"\n") + 1  # whole lines
                if not cut:  # a line longer than a block: judged by its head, as the line reader cuts it
                    pos, newlines = _long_line(fh, db, pos, stop, newlines, seen, found)
                    continue
            tos: list[int] = []
            db.scan(memoryview(data)[:cut], match_event_handler=_collector(tos))
            end, counted, rfind, find = -1, 0, data.rfind, data.find
            for to in tos:
                if to <= end:
                    continue  # the same line
                line_start = rfind(b"\n", 0, to) + 1
                end = find(b"\n", to, cut)
                if end < 0:
                    end = cut
                raw = data[line_start:end]
                if raw in seen:
                    continue
                if len(seen) >= SEEN_MAX:
                    seen.clear()
                seen.add(raw)
                newlines += data.count(b"\n", counted, line_start)
                counted = line_start
                found.append((newlines, pos + line_start, raw))
            newlines += data.count(b"\n", counted, cut)
            pos += cut
            if progress is not None:
                progress(pos)
    return newlines, found


def _long_line(fh: Any, db: Any, pos: int, stop: int, newlines: int, seen: set[bytes],
               found: list[tuple[int, int, bytes]]) -> tuple[int, int]:
    """A line that starts at ``pos`` and is longer than a block: its head (what the line reader keeps of it:
    MAX_LINE characters, at most four bytes each) is a candidate when it holds an anchor; the rest is skipped.
    Returns the offset after the line and the newlines counted so far."""
    fh.seek(pos)
    head = fh.read(min(4 * MAX_LINE, stop - pos))
    head = head[:head.find(b"\n")] if b"\n" in head else head
    tos: list[int] = []
    db.scan(head, match_event_handler=_collector(tos))
    if tos and head not in seen:
        seen.add(head)
        found.append((newlines, pos, head))
    at = pos
    while at < stop:
        fh.seek(at)
        chunk = fh.read(min(BLOCK, stop - at))
        if not chunk:
            break
        nl = chunk.find(b"\n")
        if nl >= 0:
            return at + nl + 1, newlines + 1
        at += len(chunk)
    return stop, newlines


def _collector(into: list[int]) -> Callable[..., None]:
    """Hyperscan's match callback: only the end offset, so that the C scanner calls back as cheaply as it can."""
    append = into.append
    return lambda _id, _start, to, _flags, _ctx: append(to)


def main(argv: list[str]) -> int:
    """``python -m swarm.scanrange FILE ANCHORS_JSON START STOP``: one range's candidates, pickled to stdout."""
    path, anchors_file, start, stop = Path(argv[0]), argv[1], int(argv[2]), int(argv[3])
    anchors = tuple(json.loads(Path(anchors_file).read_text(encoding="utf-8")))
    pickle.dump(_scan_range(path, anchors, start, stop), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
