"""Reading a release's own files instead of guessing which release still has a name.

The package index lists versions, not what each one contains. When an import fails because a release dropped a
name (``cannot import name 'safe_str_cmp' from 'werkzeug.security'``), the wheel of the newest release of each older
line is fetched with pip (``pip download --no-deps``, wheels only, nothing installed or run) and its module read,
newest line first, until one defines the name: the ceiling is the line above that release (``Werkzeug<2.1``).
"""

from __future__ import annotations

import re
import shlex
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from agents.strategies import Tools

MOST_FETCHES = 8
"""Releases read at most (one small wheel each: a few seconds in all, still far cheaper than a deploy)."""


def line_heads(stable: list[str], key: Callable[[str], tuple[int, ...]]) -> list[str]:
    """The newest release of each (major, minor) line, newest line first."""
    seen: set[tuple[int, ...]] = set()
    heads = []
    for v in sorted(stable, key=key, reverse=True):
        line = key(v)[:2]
        if line and line not in seen:
            seen.add(line)
            heads.append(v)
    return heads


def defines(text: str, name: str) -> bool:
    """Whether module source binds ``name`` at its top level: def/class, an assignment, or an import of it."""
    n = re.escape(name)
    return bool(re.search(rf"^(?:async\s+)?(?:def|class)\s+{n}\b|^{n}\s*(?::[^=\n]+)?=|^from\s+\S+\s+import\s+(?:\([^)]*\b{n}\b|[^\n]*\b{n}\b)"
                          rf"|^import\s+[^\n]*\bas\s+{n}\b", text, re.M))


def newest_with(heads: list[str], has: Callable[[str], bool | None]) -> str | None:
    """The first release in ``heads`` (newest first) for which ``has`` is True; None when none of the first
    :data:`MOST_FETCHES` is, or a release cannot be read (the caller then falls back to guessing)."""
    for version in heads[:MOST_FETCHES]:
        found = has(version)
        if found is None:
            return None
        if found:
            return version
    return None


_READ: dict[tuple[str, str, str], str] = {}
"""Modules already read in this process: a release's files do not change, and variants ask again."""


def module_source(tools: Tools, dist: str, version: str, module: str, cwd: Path) -> str | None:
    """The source of ``module`` (``werkzeug.security``) in the wheel of ``dist==version``: "" when the wheel has no
    such module, None when no wheel could be fetched."""
    key = (dist.lower(), version, module)
    if key not in _READ:
        source = _fetch(tools, dist, version, module, cwd)
        if source is None:
            return None
        _READ[key] = source
    return _READ[key]


def _fetch(tools: Tools, dist: str, version: str, module: str, cwd: Path) -> str | None:
    dest = Path(tempfile.mkdtemp(prefix="swarm-wheel-"))
    try:
        got = tools.run(f"python -m pip download --no-deps --only-binary=:all: --disable-pip-version-check -q "
                        f"-d {shlex.quote(str(dest))} {shlex.quote(f'{dist}=={version}')}", cwd, 120)
        wheels = sorted(dest.glob("*.whl"))
        if not got.ok or not wheels:
            return None
        parts = module.split(".")
        wanted = {"/".join(parts) + ".py", "/".join(parts) + "/__init__.py"}
        with zipfile.ZipFile(wheels[0]) as whl:
            for info in whl.infolist():
                if info.filename in wanted:
                    return whl.read(info).decode("utf-8", errors="replace")
        return ""
    except (OSError, zipfile.BadZipFile):
        return None
    finally:
        shutil.rmtree(dest, ignore_errors=True)
