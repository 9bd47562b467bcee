"""fix_text_encoding: a file the build reads by name was saved, in whole or in part, as UTF-16.

Windows PowerShell 5 writes UTF-16 LE with its ``>`` and ``>>`` (``Out-File``): ``echo gunicorn==23.0.0 >>
requirements.txt`` appends ``g\\0u\\0n\\0...`` to a UTF-8 file, and pip refuses the line (``Invalid requirement:
'g\\x00u\\x00n\\x00...'``), or, when a byte-order mark lands mid-file, cannot decode the file at all
(``UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff``). A Procfile or runtime.txt written with ``>`` is UTF-16
from its first byte, which a Linux build reads as noise.

The files a build reads by name (requirement and constraint files, Procfile, runtime.txt, .python-version, .nvmrc,
.node-version, package.json, Pipfile, pyproject.toml, and the file the diagnosis names) are checked for UTF-16: a
UTF-16 byte-order mark, or NUL bytes, which UTF-8 text never holds. Each UTF-16 run (an optional mark, then two-byte
units) is decoded and written back as UTF-8 with the line ends of the file's UTF-8 part (LF when it has none); where
the encoding changes in the middle of a line, the run starts a new line (``>>`` appends after the last byte, newline
or not). The result must be UTF-8 without NUL; a file that is not text written by a shell (a character outside Latin-1
in a run, a binary) is left to a person. Symbolic links are never written through.
"""

from __future__ import annotations

import re
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools
from memory.models import FailureReport

BY_NAME = ("requirements*.txt", "constraints*.txt", "Procfile", "runtime.txt", ".python-version", ".nvmrc", ".node-version",
           "package.json", "Pipfile", "pyproject.toml")
"""Files a platform's build reads by their name, at the repository's root."""
MAX_BYTES = 1 << 20
_RUN = re.compile(rb"(?:\xff\xfe)?(?:[^\x00]\x00)+|\xff\xfe")
"""A UTF-16 LE run: its byte-order mark, then units whose high byte is 0 (ASCII and Latin-1, what a shell echo writes)."""


def utf16_runs(data: bytes) -> bool:
    return b"\x00" in data or b"\xff\xfe" in data


def to_utf8(data: bytes) -> bytes | None:
    """The file as UTF-8, or None when it is not shell-written text in UTF-8 and UTF-16 LE."""
    parts: list[tuple[bool, str]] = []
    pos = 0
    for m in _RUN.finditer(data):
        try:
            if m.start() > pos:
                parts.append((False, data[pos:m.start()].decode("utf-8")))
            parts.append((True, m.group().removeprefix(b"\xff\xfe").decode("utf-16-le")))
        except UnicodeDecodeError:
            return None
        pos = m.end()
    try:
        if pos < len(data):
            parts.append((False, data[pos:].decode("utf-8")))
    except UnicodeDecodeError:
        return None
    native = "".join(text for utf16, text in parts if not utf16)
    eol = "\r\n" if "\r\n" in native else "\n"
    out = ""
    for utf16, text in parts:
        if utf16:
            text = re.sub(r"\r?\n", eol, text)
            if out and not out.endswith("\n") and text:
                out += eol
        out += text
    return None if "\x00" in out or "\ufeff" in out else out.encode("utf-8")


def _candidates(tree: Path, report: FailureReport) -> list[Path]:
    root = tree.resolve()
    found: dict[Path, None] = {}
    for pattern in BY_NAME:
        for path in sorted(tree.glob(pattern)):
            found[path] = None
    named = (report.entity or "").strip()
    if named and not named.startswith("/") and ".." not in Path(named).parts:
        found[tree / named] = None
    out = []
    for path in found:
        if path.is_symlink() or not path.is_file() or not path.resolve().is_relative_to(root):
            continue
        out.append(path)
    return out


def fix_text_encoding(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    fixed: list[str] = []
    refused: list[str] = []
    for path in _candidates(tree, report):
        data = path.read_bytes()[:MAX_BYTES + 1]
        if len(data) > MAX_BYTES or not utf16_runs(data):
            continue
        text = to_utf8(data)
        rel = path.relative_to(tree).as_posix()
        if text is None:
            refused.append(rel)
            continue
        path.write_bytes(text)
        fixed.append(rel)
    if not fixed:
        raise StrategyDeclined(f"{', '.join(refused)} holds bytes that are neither UTF-8 nor UTF-16 text; a person must look"
                               if refused else "no file the build reads by name holds UTF-16 text")
    return StrategyResult(f"re-save {', '.join(fixed)} as UTF-8: part of it was UTF-16 (what Windows PowerShell 5's "
                          "> and >> write), which the build cannot read", {"files": fixed}, 0.85)
