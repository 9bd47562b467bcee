"""set_runtime_version: the runtime the app asks for does not exist on the platform.

runtime.txt / .python-version / pyproject.toml's requires-python (Python) and .nvmrc / package.json engines (Node) are set to a
version the platform reports it can run: the newest one not above the version asked for, else
the oldest one above it. An ``engines.npm`` (pnpm, yarn) newer than the package manager the build ran,
when the build refused it (npm under engine-strict, pnpm always) and its log says which release ran, is
lowered to that release's major line.
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
    requires = _requires_python(tree, pythons)
    if requires is not None:
        return requires
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
    tooling = _package_manager_engines(tree, report) if pkg.is_file() else []
    held: list[str] = []
    if pkg.is_file() and nodes and _engines_enforced(tree, report):
        try:
            held = _hold_back(tree, tools, nodes)
        except StrategyDeclined:
            if not changed and not tooling:
                raise
    if held:
        changed.append(f"package.json overrides ({', '.join(held)}: their newer releases need a newer Node)")
    if changed or tooling:
        summary = "; ".join(([f"set the Node version to one the platform has ({', '.join(nodes)}) in {', '.join(changed)}"]
                             if changed else []) + [f"lower {t}" for t in tooling])
        return StrategyResult(summary, {"files": changed + tooling, "overrides": held}, 0.7)
    raise StrategyDeclined("no runtime.txt, .python-version, requires-python, .nvmrc or engines entry asks for a missing runtime")


_ENGINE_REFUSED = re.compile(r"Not compatible with your version of node|The engine \"node\" is incompatible|EBADENGINE", re.I)


_LOWER = re.compile(r"^\s*(>=|>|~=|==)\s*(\d+(?:\.\d+)*)(?:\.\*)?\s*$")


def _requires_python(tree: Path, pythons: list[str]) -> StrategyResult | None:
    """pyproject.toml's ``[project] requires-python`` that no Python the platform has satisfies (pip: ``Package 'x'
    requires a different Python: 3.11.7 not in '>=3.99'``): its lower bound is moved to the newest Python the
    platform has that is not above the one asked for (else the oldest above it), the other clauses kept (``<4``).
    Read with ``packaging``, written with ``tomlkit`` (the file's comments and layout stay)."""
    import tomlkit
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    path = tree / "pyproject.toml"
    if not path.is_file() or not pythons:
        return None
    try:
        doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    project = doc.get("project")
    spec = project.get("requires-python") if isinstance(project, dict) else None
    if not isinstance(spec, str):
        return None
    try:
        wanted = SpecifierSet(spec)
    except InvalidSpecifier:
        raise StrategyDeclined(f"pyproject.toml's requires-python {spec!r} is not a version specifier") from None
    if any(wanted.contains(v) for v in pythons):
        return None  # the platform has a Python it allows: not this file's doing
    clauses = [c.strip() for c in spec.split(",") if c.strip()]
    lows = [(i, m) for i, c in enumerate(clauses) if (m := _LOWER.match(c))]
    if len(lows) != 1:
        raise StrategyDeclined(f"pyproject.toml's requires-python {spec!r} has no single lower bound to move")
    i, m = lows[0]
    pick = choose(m.group(2), pythons) or pythons[0]  # choose() answers for any non-empty list
    clauses[i] = ">=" + ".".join(pick.split(".")[:2])
    new = ", ".join(clauses) if ", " in spec else ",".join(clauses)
    if not SpecifierSet(new).contains(pick):
        raise StrategyDeclined(f"no Python the platform has ({', '.join(pythons)}) fits requires-python {spec!r} "
                               "by moving its lower bound")
    assert isinstance(project, dict)
    project["requires-python"] = new
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return StrategyResult(f"pyproject.toml requires-python: {spec} → {new} (available on the platform: {', '.join(pythons)})",
                          {"file": "pyproject.toml", "from": spec, "to": new}, 0.8)


_ACTUAL = re.compile(r"\bActual:\s*(\{.*\})")
"""npm's EBADENGINE report of what the build runs: ``Actual:   {"node":"v20.20.2","npm":"11.19.1"}``."""
_GOT = re.compile(r"Your (?P<tool>npm|pnpm|yarn) version is incompatible|^\s*Got:\s*v?(?P<got>\d+(?:\.\d+){0,2})\s*$")
"""pnpm's: ``Your pnpm version is incompatible with "/app".`` ... ``Got: 9.15.0``."""


def _actual_tools(report: FailureReport) -> dict[str, str]:
    """The package manager versions the failed build ran, as its own log states them."""
    found: dict[str, str] = {}
    tool = None
    for e in report.evidence:
        if (m := _ACTUAL.search(e.text)) is not None:
            try:
                actual = json.loads(m.group(1))
            except ValueError:
                continue
            if isinstance(actual, dict):
                found.update({k: str(v).lstrip("v") for k, v in actual.items() if k in ("npm", "pnpm", "yarn")})
        elif (m := _GOT.search(e.text)) is not None:
            if m.group("tool"):
                tool = m.group("tool")
            elif tool is not None:
                found.setdefault(tool, m.group("got"))
    return found


def _package_manager_engines(tree: Path, report: FailureReport) -> list[str]:
    """``engines.npm`` (or pnpm's, yarn's) asking for a release newer than the one the build runs: lowered to that
    release's major line, read from the build log (``Actual: {..., "npm": "11.19.1"}``) and nowhere else. A range the
    build's release satisfies, or one it misses from above (``<9``), is left alone; package-lock.json's copy of the
    root's engines follows."""
    actual = _actual_tools(report)
    pkg = tree / "package.json"
    data = json.loads(pkg.read_text(encoding="utf-8"))
    engines = data.get("engines") if isinstance(data, dict) else None
    if not actual or not isinstance(engines, dict):
        return []
    changed: list[str] = []
    for tool, have in actual.items():
        spec = engines.get(tool)
        major = semver.parse(have)
        if not isinstance(spec, str) or major is None or semver.satisfies(have, spec):
            continue
        lows = [int(x) for x in re.findall(r"(?:>=?|\^|~|^)\s*v?(\d+)", spec)]
        if not lows or min(lows) <= major[0]:
            continue
        engines[tool] = f">={major[0]}"
        changed.append(f"package.json engines.{tool} ({spec} → >={major[0]}: the build runs {tool} {have})")
    if changed:
        write_json_like(pkg, data)
        lock = tree / "package-lock.json"
        try:
            locked = json.loads(lock.read_text(encoding="utf-8")) if lock.is_file() else None
        except ValueError:
            locked = None
        root = locked.get("packages", {}).get("") if isinstance(locked, dict) else None
        if isinstance(root, dict) and isinstance(root.get("engines"), dict):
            root["engines"].update({k: engines[k] for k in root["engines"] if k in engines})
            write_json_like(lock, locked)
    return changed


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
