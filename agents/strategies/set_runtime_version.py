"""set_runtime_version: the runtime the app asks for does not exist on the platform.

runtime.txt / .python-version (Python) and .nvmrc / package.json engines (Node) are set to a
version the platform reports it can run: the newest one not above the version asked for, else
the oldest one above it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools, node_engines, semver, write_json_like
from agents.strategies.registries import npm_lock_refresh
from memory.models import FailureReport


def _key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


def choose(wanted: str, available: list[str]) -> str | None:
    if not available:
        return None
    w = _key(wanted)
    below = [v for v in available if _key(v)[: len(w)] <= w]
    return max(below, key=_key) if below else min(available, key=_key)


def _same_line(a: str, b: str) -> bool:
    return _key(a)[:2] == _key(b)[:2]


def set_runtime_version(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    pythons = tools.runtimes.get("python", [])
    for name, fmt in (("runtime.txt", "python-{}"), (".python-version", "{}")):
        path = tree / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8").strip()
        m = re.search(r"(\d+(?:\.\d+){0,2})", text)
        if not m:
            raise StrategyDeclined(f"{name} holds no version number ({text!r})")
        wanted = m.group(1)
        if any(_same_line(wanted, v) for v in pythons):
            canonical = re.fullmatch(r"python-\d+\.\d+(?:\.\d+)?" if name == "runtime.txt" else r"\d+\.\d+(?:\.\d+)?", text)
            if canonical:
                raise StrategyDeclined(f"{name} asks for {wanted}, which the platform has")
            same = max((v for v in pythons if _same_line(wanted, v)), key=_key)
            path.write_text(fmt.format(same) + "\n", encoding="utf-8")  # 'Python 3.11' → python-3.11.7
            return StrategyResult(f"{name}: {text!r} is not a version the platform reads → {fmt.format(same)}",
                                  {"file": name, "from": text, "to": same}, 0.85)
        pick = choose(wanted, pythons)
        if pick is None:
            raise StrategyDeclined("the platform reported no Python versions it can run")
        path.write_text(fmt.format(pick) + "\n", encoding="utf-8")
        return StrategyResult(f"{name}: {text} → {fmt.format(pick)} (available on the platform: {', '.join(pythons)})",
                              {"file": name, "from": text, "to": pick}, 0.8)
    nodes = tools.runtimes.get("node", [])
    changed = []
    nvmrc = tree / ".nvmrc"
    if nvmrc.is_file() and nodes:
        want = nvmrc.read_text().strip().lstrip("v")
        if want and want[0].isdigit() and not any(_key(v)[0] == _key(want)[0] for v in nodes):
            nvmrc.write_text(f"{_key(choose(want, nodes) or nodes[-1])[0]}\n")
            changed.append(".nvmrc")
    pkg = tree / "package.json"
    if pkg.is_file() and nodes:
        data = json.loads(pkg.read_text(encoding="utf-8"))
        spec = str(data.get("engines", {}).get("node", ""))
        lows = re.findall(r"(?:>=|\^|~|^)\s*v?(\d+)", spec)
        newest = max(_key(v)[0] for v in nodes)
        if spec and lows and int(lows[0]) > newest:
            data["engines"]["node"] = f">={newest}"
            write_json_like(pkg, data)
            changed.append("package.json engines.node")
    held: list[str] = []
    if pkg.is_file() and nodes and _engines_enforced(tree, report):
        try:
            held = _hold_back(tree, tools, nodes)
        except StrategyDeclined:
            if not changed:
                raise
    if held:
        changed.append(f"package.json overrides ({', '.join(held)}: their newer releases need a newer Node)")
    if changed:
        return StrategyResult(f"set the Node version to one the platform has ({', '.join(nodes)}) in {', '.join(changed)}",
                              {"files": changed, "overrides": held}, 0.7)
    raise StrategyDeclined("no runtime.txt, .python-version, .nvmrc or engines entry asks for a missing runtime")


_ENGINE_REFUSED = re.compile(r"Not compatible with your version of node|The engine \"node\" is incompatible|EBADENGINE", re.I)


def _engines_enforced(tree: Path, report: FailureReport) -> bool:
    """npm fails on a package's engines only under engine-strict (the log's EBADENGINE says it did)."""
    if (tree / "yarn.lock").is_file() or (tree / "pnpm-lock.yaml").is_file():
        return False  # Yarn's resolutions and pnpm's overrides are other fields: not edited here
    npmrc = tree / ".npmrc"
    strict = npmrc.is_file() and re.search(r"^\s*engine-strict\s*=\s*true\b", npmrc.read_text(errors="replace"), re.M)
    return bool(strict) or any(_ENGINE_REFUSED.search(e.text) for e in report.evidence)


def _hold_back(tree: Path, tools: Tools, nodes: list[str]) -> list[str]:
    pkg = tree / "package.json"
    data = json.loads(pkg.read_text(encoding="utf-8"))
    spec = str(data.get("engines", {}).get("node", "")) or "*"
    node = semver.max_satisfying(nodes, spec) or max(nodes, key=_key)
    overrides = node_engines.hold_back(tree, tools, node)
    if not overrides:
        return []
    data = json.loads(pkg.read_text(encoding="utf-8"))
    added = node_engines.add_overrides(data, overrides)
    if added:
        write_json_like(pkg, data)
        npm_lock_refresh(tools, tree)
    return added
