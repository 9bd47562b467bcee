"""Asking the package registries (through the ecosystem's own client), never guessing a version."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from agents.strategies import StrategyDeclined, Tools


def pypi_versions(tools: Tools, name: str, cwd: Path, platforms: tuple[str, ...] = ()) -> list[str] | None:
    """Versions on the index, newest first; None when the index cannot be reached. With ``platforms`` (wheel platform
    tags such as ``win_amd64``), the versions pip on such a machine would find, counting wheels only."""
    flags = "".join(f"--platform {t} " for t in platforms) + ("--only-binary=:all: " if platforms else "")
    result = tools.run(f"python -m pip index versions {shlex.quote(name)} {flags}--disable-pip-version-check", cwd, 60)
    if result.ok:
        m = re.search(r"^Available versions: (.+)$", result.output, re.M)
        if m:
            return [v.strip() for v in m.group(1).split(",") if v.strip()]
        m = re.search(r"^[A-Za-z0-9_.\-]+ \(([^)]+)\)", result.output, re.M)
        return [m.group(1)] if m else None
    if "No matching distribution" in result.output:
        raise StrategyDeclined(f"the package index has no distribution named {name}")
    return None


def npm_versions(tools: Tools, name: str, cwd: Path) -> list[str] | None:
    """Published versions, newest last; None when the registry cannot be reached."""
    result = tools.run(f"npm view {shlex.quote(name)} versions --json --silent", cwd, 60)
    if not result.ok:
        if "E404" in result.output or "404 Not Found" in result.output:
            raise StrategyDeclined(f"the npm registry has no package named {name}")
        return None
    try:
        data = json.loads(result.output.strip() or "null")
    except json.JSONDecodeError:
        return None
    return [data] if isinstance(data, str) else [v for v in data or [] if isinstance(v, str)]


def version_key(v: str) -> tuple[int, ...]:
    """The numbers of a version, for ordering (``2.0.3`` → ``(2, 0, 3)``)."""
    return tuple(int(x) for x in re.findall(r"\d+", v)[:4])


def is_prerelease(version: str) -> bool:
    return bool(re.search(r"[a-zA-Z]", version.split("+")[0]))


def npm_lock_refresh(tools: Tools, tree: Path) -> None:
    if (tree / "package-lock.json").is_file():
        lock = tools.run("npm install --package-lock-only --ignore-scripts --no-audit --no-fund", tree, 180)
        if not lock.ok:
            raise StrategyDeclined(f"npm could not update package-lock.json: {lock.output[-400:]}")
