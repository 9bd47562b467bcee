"""Reading logs as a stream of clean lines: chunked, bounded memory, tolerant of anything.

Handles invalid UTF-8 (replaced), CRLF, carriage-return progress redraws (the last redraw wins),
ANSI colour codes, NUL bytes, absurdly long lines (cut at MAX_LINE characters), and terminal output
pasted as HTML (``<font color=…>…</font>`` and ``&apos;``, as terminal-to-HTML converters write it).
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

CHUNK = 1 << 20
MAX_LINE = 8192
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
HTML_CLOSE = re.compile(r"</(?:font|span|b|i|u|em|strong|div|pre|code|p)>", re.I)
HTML_TAG = re.compile(r"</?(?:font|span|b|i|u|em|strong|div|pre|code|p|br)\b[^<>]*>", re.I)
HTML_ENTITY = re.compile(r"&(?:quot|apos|amp|lt|gt|nbsp|#\d{1,5}|#x[0-9a-fA-F]{1,4});")


def clean_line(raw: str) -> str:
    if "\r" in raw:
        parts = [p for p in raw.split("\r") if p.strip()]
        raw = parts[-1] if parts else ""
    if "\x1b" in raw:
        raw = ANSI.sub("", raw)
    if "\x00" in raw:
        raw = raw.replace("\x00", "")
    if "</" in raw and HTML_CLOSE.search(raw):  # a terminal's colours pasted as HTML: the tags are not the log
        raw = HTML_TAG.sub("", raw)
    if "&" in raw and HTML_ENTITY.search(raw):
        raw = html.unescape(raw)
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
