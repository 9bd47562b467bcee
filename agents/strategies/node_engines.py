"""Packages deep in a Node app's tree that ask for a newer Node than the platform runs.

npm picks the newest version each range allows and does not look at ``engines`` when it chooses; with
``engine-strict`` (or under Yarn 1, which always checks) one package published last week with
``"engines": {"node": ">=22"}`` fails the install on a platform that runs Node 20, although the app's
own ``engines`` are right. The tree npm would install is resolved without installing
(``npm install --package-lock-only``, engines not enforced), every package whose ``engines.node`` the
platform's Node does not satisfy is held back with an npm ``overrides`` entry, to:

1. the newest version of that package the platform can run that every package depending on it still
   accepts (its declared ranges, read from the resolved lockfile), else
2. for each package that depends on it: the newest version of that dependent its own dependents accept
   whose range for the package admits a version the platform can run.

Each version comes from the registry (``npm view``), never a guess; nothing is raised above what a
dependent declares, so no package receives a version it did not ask for.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from agents.strategies import StrategyDeclined, Tools, semver
from agents.strategies.registries import is_prerelease

RESOLVE = "npm install --package-lock-only --ignore-scripts --engine-strict=false --no-audit --no-fund"


def _name(path: str) -> str:
    return path.rsplit("node_modules/", 1)[-1]


def _engine(meta: dict[str, Any]) -> str:
    engines = meta.get("engines")
    return str(engines.get("node", "")) if isinstance(engines, dict) else ""


def resolve(tree: Path, tools: Tools) -> dict[str, Any]:
    """The ``packages`` section of the lockfile npm would write now; the tree's own lockfile is left as it was."""
    lock = tree / "package-lock.json"
    before = lock.read_bytes() if lock.is_file() else None
    try:
        result = tools.run(RESOLVE, tree, 180)
        if not result.ok:
            raise StrategyDeclined(f"npm could not resolve the dependency tree: {result.output[-300:]}")
        try:
            data = json.loads(lock.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise StrategyDeclined(f"npm wrote no readable package-lock.json ({exc})") from exc
    finally:
        if before is None:
            lock.unlink(missing_ok=True)
        else:
            lock.write_bytes(before)
    packages = data.get("packages")
    if not isinstance(packages, dict):
        raise StrategyDeclined("the resolved lockfile has no packages section (lockfileVersion 1)")
    return packages


def _releases(tools: Tools, tree: Path, name: str, fields: str) -> list[dict[str, Any]]:
    result = tools.run(f"npm view {shlex.quote(name + '@>=0.0.0')} version {fields} --json", tree, 60)
    if not result.ok:
        return []
    try:
        data = json.loads(result.output.strip() or "[]")
    except json.JSONDecodeError:
        return []
    rows = data if isinstance(data, list) else [data]
    return [r for r in rows if isinstance(r, dict) and isinstance(r.get("version"), str) and not is_prerelease(r["version"])]


def _runs(node: str, row: dict[str, Any]) -> bool:
    spec = row.get("engines", {}).get("node", "") if isinstance(row.get("engines"), dict) else ""
    return not spec or semver.satisfies(node, str(spec))


def _newest(node: str, rows: list[dict[str, Any]], ranges: list[str], dep: tuple[str, list[str]] | None = None) -> str | None:
    """The newest release that runs on ``node`` and is in every range; with ``dep`` = (name, versions), only releases
    whose own range for ``name`` admits one of those versions."""
    good = [str(r["version"]) for r in rows if _runs(node, r) and all(semver.satisfies(str(r["version"]), s) for s in ranges)
            and (dep is None or semver.max_satisfying(dep[1], str((r.get("dependencies") or {}).get(dep[0], "*"))) is not None)]
    return semver.max_satisfying(good, "*")


def hold_back(tree: Path, tools: Tools, node: str) -> dict[str, str]:
    """npm ``overrides`` that keep every package of the resolved tree runnable on Node ``node`` ({} when all are)."""
    packages = resolve(tree, tools)
    dependents: dict[str, list[tuple[str, str]]] = {}
    for path, meta in packages.items():
        if not isinstance(meta, dict):
            continue
        for kind in ("dependencies", "optionalDependencies", "peerDependencies"):
            for dep, spec in (meta.get(kind) or {}).items():
                dependents.setdefault(dep, []).append((_name(path) if path else "", str(spec)))
    too_new = sorted({_name(p): m for p, m in packages.items() if p and isinstance(m, dict) and _engine(m)
                      and not semver.satisfies(node, _engine(m))}.items())
    overrides: dict[str, str] = {}
    for name, meta in too_new[:5]:
        ranges = [spec for _, spec in dependents.get(name, [])]
        rows = _releases(tools, tree, name, "engines")
        pick = _newest(node, rows, ranges)
        if pick:
            overrides[name] = pick
            continue
        runnable = [str(r["version"]) for r in rows if _runs(node, r)]
        for parent, _spec in dependents.get(name, []):
            if not parent:
                raise StrategyDeclined(f"{name}@{meta.get('version')} needs Node {_engine(meta)} and every version the "
                                       f"project's own range allows does too: a person must choose (Node {node} here)")
            above = [spec for _, spec in dependents.get(parent, [])]
            prow = _releases(tools, tree, parent, "engines dependencies")
            ppick = _newest(node, prow, above, (name, runnable))
            if ppick is None:
                raise StrategyDeclined(f"{name}@{meta.get('version')} needs Node {_engine(meta)}; no version of {parent} "
                                       f"that its dependents accept works with Node {node}")
            overrides[parent] = ppick
    return overrides


def add_overrides(data: dict[str, Any], overrides: dict[str, str]) -> list[str]:
    """Merge ``overrides`` into package.json data; an override the project already sets is left as it is."""
    have = data.setdefault("overrides", {})
    if not isinstance(have, dict):
        raise StrategyDeclined("package.json's overrides is not an object")
    added = []
    for name, version in overrides.items():
        if name in have:
            continue
        have[name] = version
        added.append(f"{name}@{version}")
    if not have:
        data.pop("overrides")
    return added
