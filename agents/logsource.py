"""Reading logs as a stream of clean lines: chunked, bounded memory, tolerant of anything.

Handles invalid UTF-8 (replaced), CRLF, carriage-return progress redraws (the last redraw wins),
ANSI colour codes, NUL bytes, and absurdly long lines (cut at MAX_LINE characters).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

CHUNK = 1 << 20
MAX_LINE = 8192
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def clean_line(raw: str) -> str:
    if "\r" in raw:
        parts = [p for p in raw.split("\r") if p.strip()]
        raw = parts[-1] if parts else ""
    if "\x1b" in raw:
        raw = ANSI.sub("", raw)
    if "\x00" in raw:
        raw = raw.replace("\x00", "")
    return raw.rstrip()


def _split(pieces: Iterable[str]) -> Iterator[str]:
    pending = ""
    overflow = False
    for piece in pieces:
        start = 0
        while True:
            nl = piece.find("\n", start)
            if nl < 0:
                if not overflow:
                    pending += piece[start:]
                    if len(pending) > MAX_LINE:
                        pending, overflow = pending[:MAX_LINE], True
                break
            if not overflow:
                pending += piece[start:nl]
            yield pending[:MAX_LINE]
            pending, overflow = "", False
            start = nl + 1
    if pending:
        yield pending


def lines_from_binary(fh: BinaryIO, chunk: int = CHUNK) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def pieces() -> Iterator[str]:
        while True:
            block = fh.read(chunk)
            if not block:
                tail = decoder.decode(b"", final=True)
                if tail:
                    yield tail
                return
            yield decoder.decode(block)

    return _split(pieces())


def iter_lines(source: str | bytes | BinaryIO | Iterable[str]) -> Iterator[str]:
    """Raw lines (not yet cleaned) from a string, bytes, a binary file or an iterable of text chunks."""
    if isinstance(source, str):
        return _split([source])
    if isinstance(source, bytes | bytearray):
        return _split([bytes(source).decode("utf-8", errors="replace")])
    if hasattr(source, "read"):
        return lines_from_binary(source)  # type: ignore[arg-type]
    return _split(source)  # type: ignore[arg-type]
