"""fix_line_endings: a script the container starts was committed with Windows line endings.

A script saved on Windows (or checked out there with ``core.autocrlf=true`` and committed back) ends every line
with CR LF. The kernel reads the first line ``#!/bin/sh\\r`` as the interpreter ``/bin/sh\\r``, which does not
exist, and the container runtime reports the *script* as missing: ``exec /docker-entrypoint.sh: no such file or
directory`` (runc), ``exec /usr/local/bin/entrypoint.sh failed: No such file or directory`` (tini).

The script the error names is found in the repository by its file name (the image path it was copied to is not
the repository's). Only a file whose first line is a ``#!`` line ending in CR is changed, since that CR is what
makes exec fail: its CR LF line ends become LF, nothing else in it changes, and ``.gitattributes`` gains
``/<path> text eol=lf`` so the next Windows checkout keeps them. Otherwise the strategy declines: the file is
missing from the image (the Dockerfile's COPY) or its interpreter is (``#!/bin/bash`` on Alpine), and which of
them is for a person to decide.
"""

from __future__ import annotations

from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools
from agents.strategies.fix_import_path import SKIP
from memory.models import FailureReport

MAX_SCRIPT_BYTES = 1 << 20
"""A start script is small; a larger file of that name is not one (and is not rewritten)."""


def _scripts(tree: Path, name: str) -> list[Path]:
    found = []
    for path in sorted(tree.rglob(name)):
        rel = path.relative_to(tree)
        if SKIP.intersection(rel.parts[:-1]) or ".git" in rel.parts or path.is_symlink() or not path.is_file():
            continue
        found.append(path)
    return found


def _attributes(tree: Path, rels: list[str]) -> None:
    path = tree / ".gitattributes"
    if path.is_symlink():
        raise StrategyDeclined(".gitattributes is a symbolic link; swarm does not write through it")
    text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    present = {line.split()[0] for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}
    add = [f"/{rel} text eol=lf" for rel in rels if f"/{rel}" not in present]
    if add:
        sep = "" if not text or text.endswith("\n") else "\n"
        path.write_text(text + sep + "\n".join(add) + "\n", encoding="utf-8")


def fix_line_endings(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    name = (report.entity or "").rsplit("/", 1)[-1]
    if not name or name in (".", ".."):
        raise StrategyDeclined("the error names no script the container failed to start")
    scripts = _scripts(tree, name)
    if not scripts:
        raise StrategyDeclined(f"no file named {name} in the repository: the image must get it another way (the "
                               "Dockerfile's COPY, a build step); a person must decide")
    fixed = []
    for path in scripts:
        data = path.read_bytes()
        first = data.split(b"\n", 1)[0]
        if len(data) > MAX_SCRIPT_BYTES or b"\0" in data or not first.startswith(b"#!") or not first.endswith(b"\r"):
            continue  # only the #! line's CR makes exec fail; other files' line ends are not this failure
        path.write_bytes(data.replace(b"\r\n", b"\n"))
        fixed.append(path.relative_to(tree).as_posix())
    if not fixed:
        listed = ", ".join(p.relative_to(tree).as_posix() for p in scripts)
        raise StrategyDeclined(f"{listed} has no #! line ending in CR: the script is missing from the image or its "
                               "interpreter is (the first line's #!); a person must decide")
    _attributes(tree, fixed)
    return StrategyResult(f"convert {', '.join(fixed)} from CR LF to LF line endings (the kernel read the interpreter "
                          "as '/bin/sh\\r') and keep them LF in .gitattributes",
                          {"files": fixed}, 0.8)
