"""cap_new_major: the code was written for an older major line of a package it declares without an upper bound.

A runtime error that names no cause of its own, right after a package the project leaves unbounded published a new
major line, is the classic breaking change: ``SQLAlchemy`` unpinned installs 2.x, which removed ``Engine.execute``;
``"express": "*"`` installs 5.x, whose router refuses ``app.get('*')``. Nothing in the log says which release the
code was written for, so this strategy offers candidates and lets the start-up check decide:

- the package the error names (``module 'numpy' has no attribute ...``), the packages the failure runs through (their
  ``site-packages``/``node_modules`` folders in the traceback, innermost first), then the ones the project files of the
  traceback import (read with ``ast`` for Python, import/require specifiers for
  JavaScript);
- of those, the ones declared with no upper bound (no specifier, only ``>=``/``>``, ``*``, ``latest``, ``x``);
- whose newest release starts a major line that has an older one (a 0.x line counts as a major line).

Variant ``i`` caps the ``i``-th candidate below its newest major line (``SQLAlchemy<2``; ``"express": "^4.21.2"``, the
newest release of the line before). A Node project with a lockfile is left alone: its lock already holds what was
installed. Nothing is pushed unless the start-up check of the capped tree passes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from agents.entities import SITE_PACKAGE
from agents.strategies import StrategyDeclined, StrategyResult, Tools, failure_text, pyreqs, write_json_like
from agents.strategies.declare_imports import module_imports
from agents.strategies.registries import is_prerelease, npm_versions, pypi_versions, version_key
from agents.strategies.trim_unused_dependencies import js_packages
from memory.models import FailureReport

SKIP = {".venv", "venv", "env", "node_modules", ".git", "build", "dist", "__pycache__"}
MOST_VARIANTS = 2
"""Candidates offered at most: the attempt's candidate budget (3 by default) keeps a place for the strategies after
this one (``llm_patch``, where a model is configured: the error may be the code's own)."""
_NODE = re.compile(r"[/\\]node_modules[/\\](?P<pkg>@[\w.-]+[/\\][\w.-]+|[\w.-]+)")
LACKS_NAME = re.compile(r"module '(?P<module>[A-Za-z_][\w.]*)' has no attribute|cannot import name '\w+' from '(?P<module2>[A-Za-z_][\w.]*)'")
_UNBOUNDED_NPM = re.compile(r"^\s*(?:\*|x|X|latest|>=?\s*[\d.x*]+)?\s*$")


def _project_files(tree: Path, text: str, suffixes: tuple[str, ...]) -> list[Path]:
    """The repository's own files the traceback passes through (its paths end with their repository path)."""
    out = []
    for path in sorted(tree.rglob("*")):
        if path.suffix not in suffixes or not path.is_file():
            continue
        rel = path.relative_to(tree)
        if SKIP.intersection(rel.parts[:-1]):
            continue
        if re.search(rf"(?:^|[/\\\"'(\s]){re.escape(rel.as_posix())}(?:[\"':),\s]|$)", text, re.M):
            out.append(path)
    return out


def _major(version: str) -> tuple[int, ...] | None:
    nums = re.findall(r"\d+", version.split("+")[0].split("-")[0])
    if not nums:
        return None
    key = tuple(int(n) for n in nums[:3])
    return key[:1] if key[0] > 0 else key[:2]


def _older_line(versions: list[str]) -> tuple[str, str] | None:
    """(newest release, newest release of the major line before it) among stable ``versions``, or None."""
    stable = [v for v in versions if not is_prerelease(v) and _major(v) is not None]
    if not stable:
        return None
    ordered = sorted(stable, key=version_key, reverse=True)
    newest = ordered[0]
    line = _major(newest)
    older = next((v for v in ordered if _major(v) != line), None)
    return (newest, older) if older else None


def _node_entry(tree: Path, pkg: dict[str, object]) -> Path | None:
    """The file the start script runs with node (``node server.js``), else package.json's ``main``."""
    scripts = pkg.get("scripts")
    start = scripts.get("start") if isinstance(scripts, dict) else None
    m = re.search(r"(?:^|&&|;)\s*node\s+(?:--?\S+\s+)*(?P<file>[\w./-]+)", start) if isinstance(start, str) else None
    name = m.group("file") if m else pkg.get("main", "index.js")
    if not isinstance(name, str):
        return None
    for candidate in (name, f"{name}.js"):
        path = (tree / candidate).resolve()
        if path.is_file() and path.is_relative_to(tree.resolve()):
            return path
    return None


def _chosen(candidates: list[Any], tools: Tools) -> int:
    if tools.variant >= min(len(candidates), MOST_VARIANTS):
        raise StrategyDeclined("no further package to cap")
    return tools.variant


def _lines(name: str, versions: list[str] | None, registry: str) -> tuple[str, str]:
    """(newest release, newest release of the major line before it), or a decline saying why not."""
    if not versions:
        raise StrategyDeclined(f"could not read the versions of {name} from {registry}")
    lines = _older_line(versions)
    if lines is None:
        raise StrategyDeclined(f"{name} has no older major line to go back to")
    return lines


_FRAME = re.compile(r'^\s*File "[^"]+", line \d+')
_CALL = re.compile(r"\b([A-Za-z_]\w*)\.[A-Za-z_]\w*\s*\(")


def _called_on_failing_line(text: str) -> list[str]:
    """Modules whose functions the innermost project frame's source line calls (``yaml.load(f)``), innermost first."""
    lines = text.splitlines()
    for i in range(len(lines) - 2, -1, -1):
        if _FRAME.match(lines[i]) and "site-packages" not in lines[i] and "node_modules" not in lines[i]:
            return [m.group(1) for m in _CALL.finditer(lines[i + 1])]
    return []


def _undeclared_named(text: str, tree: Path, tools: Tools) -> list[str]:
    """Distributions the error names (``module 'sqlalchemy' has no attribute '__all__'`` raised inside
    flask_sqlalchemy) that the project does not declare at all: another package brought them in, unbounded."""
    declared = {canonicalize_name(d.requirement.name) for d in pyreqs.all_declarations(tree)}  # constraints too
    out = []
    for m in LACKS_NAME.finditer(text):
        module = (m.group("module") or m.group("module2")).split(".")[0]
        dist = tools.aliases.get(module, module)
        if canonicalize_name(dist) not in declared and canonicalize_name(module) not in declared and dist not in out:
            out.append(dist)
    return out


def _python(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    text = failure_text(report)
    decls = [d for d in pyreqs.all_declarations(tree) if not d.constraint]
    unbounded = {canonicalize_name(d.requirement.name): d for d in decls
                 if all(s.operator in (">=", ">") for s in d.requirement.specifier)}
    # the package the error names first (``module 'numpy' has no attribute 'float'``), then the traceback's installed
    # packages innermost first (the one that raised, not the server that loaded the app), then the failing files' imports
    wanted = [(m.group("module") or m.group("module2")).split(".")[0] for m in LACKS_NAME.finditer(text)]
    wanted += _called_on_failing_line(text)  # ``CONFIG = yaml.load(f)``: the call that failed names its module
    wanted += reversed([m.group("pkg") for m in SITE_PACKAGE.finditer(text)])
    for path in _project_files(tree, text, (".py",)):
        wanted += module_imports(path.read_text(encoding="utf-8", errors="replace"))
    candidates: list[pyreqs.Decl | str] = []
    for wanted_name in dict.fromkeys(canonicalize_name(n) for n in wanted):
        dist = canonicalize_name(tools.aliases.get(wanted_name, wanted_name))  # the import name ``yaml`` is PyYAML
        decl = (unbounded.get(wanted_name) or unbounded.get(canonicalize_name(wanted_name.replace("_", "-")))
                or unbounded.get(dist))
        if decl is not None and decl not in candidates:
            candidates.append(decl)
    # a package the error names that nothing declares came in with another one, as new as it gets: declaring it
    # below its newest major line is the same cure (the start-up check proves it)
    candidates += _undeclared_named(text, tree, tools)
    if not candidates:
        raise StrategyDeclined("none of the packages the failing code uses is declared without an upper bound"
                               if unbounded else
                               "every declared package has an upper bound or a pin: no new major line can have come in")
    chosen = candidates[_chosen(candidates, tools)]
    if isinstance(chosen, str):
        newest, older = _lines(chosen, pypi_versions(tools, chosen, tree), "the package index")
        ceiling = ".".join(str(n) for n in (_major(newest) or ()))
        where = pyreqs.declare(tree, f"{chosen}<{ceiling}")
        if where is None:
            raise StrategyDeclined("no requirements.txt or pyproject.toml to declare it in")
        return StrategyResult(f"declare {chosen}<{ceiling} in {where}: the error names {chosen}, which no file declares (another "
                              f"package brought it in at its newest release, {newest}, a newer major line than {older}); "
                              "the start-up check proves the older line cures it",
                              {"package": chosen, "spec": f"<{ceiling}", "file": where, "newest": newest}, 0.5,
                              alternatives=min(len(candidates), MOST_VARIANTS))
    decl = chosen
    name = decl.requirement.name
    newest, older = _lines(name, pypi_versions(tools, name, tree), "the package index")
    if not decl.requirement.specifier.contains(older, prereleases=True):
        raise StrategyDeclined(f"{name} is declared {decl.requirement.specifier} in {decl.path}: its own lower bound excludes "
                               f"the older line ({older}), so the project means the new one")
    ceiling = ".".join(str(n) for n in (_major(newest) or ()))
    spec = ",".join([*(str(s) for s in decl.requirement.specifier), f"<{ceiling}"])
    pyreqs.set_spec(tree, decl, spec)
    return StrategyResult(f"declare {name}{spec} in {decl.path}: it was declared without an upper bound, its newest release "
                          f"({newest}) is on a newer major line than {older}, and the failing code uses {name} (the start-up "
                          "check proves the older line cures it)",
                          {"package": name, "spec": spec, "file": decl.path, "newest": newest}, 0.55,
                          alternatives=min(len(candidates), MOST_VARIANTS))


def _node(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    if any((tree / lock).is_file() for lock in ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml")):
        raise StrategyDeclined("the lockfile already holds the releases that were installed")
    pkg_path = tree / "package.json"
    pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
    deps = pkg.get("dependencies") if isinstance(pkg, dict) else None
    if not isinstance(deps, dict):
        raise StrategyDeclined("package.json declares no dependencies")
    unbounded = {n for n, r in deps.items() if isinstance(r, str) and _UNBOUNDED_NPM.match(r)}
    if not unbounded:
        raise StrategyDeclined("every dependency has an upper bound (a caret, tilde or exact range): no new major line came in")
    text = failure_text(report)
    wanted: list[str] = []
    for path in _project_files(tree, text, (".js", ".mjs", ".cjs", ".ts")):
        wanted += js_packages(path.read_text(encoding="utf-8", errors="replace"))
    wanted += [m.group("pkg").replace("\\", "/") for m in _NODE.finditer(text)]
    candidates = [n for n in dict.fromkeys(wanted) if n in unbounded]
    if not candidates:  # Node prints ten frames: the app's own call is often cut off; its entry file says what it uses
        entry = _node_entry(tree, pkg)
        candidates = [n for n in (js_packages(entry.read_text(encoding="utf-8", errors="replace")) if entry else []) if n in unbounded]
    if not candidates:
        raise StrategyDeclined("none of the packages the failing code uses is declared without an upper bound")
    name = candidates[_chosen(candidates, tools)]
    newest, older = _lines(name, npm_versions(tools, name, tree), "the npm registry")
    before = deps[name]
    deps[name] = f"^{older}"
    write_json_like(pkg_path, pkg)
    return StrategyResult(f"package.json: {name} {before!r} → \"^{older}\": the range had no upper bound, its newest release "
                          f"({newest}) is on a newer major line, and the failing code uses {name} (the start-up check proves "
                          "the older line cures it)",
                          {"package": name, "range": f"^{older}", "file": "package.json", "newest": newest}, 0.55,
                          alternatives=min(len(candidates), MOST_VARIANTS))


def cap_new_major(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    if report.ecosystem == "node" or ((tree / "package.json").is_file() and not pyreqs.requirement_files(tree)
                                      and not (tree / "pyproject.toml").is_file()):
        if not (tree / "package.json").is_file():
            raise StrategyDeclined("no package.json")
        return _node(report, tree, tools)
    if pyreqs.requirement_files(tree) or (tree / "pyproject.toml").is_file():
        return _python(report, tree, tools)
    raise StrategyDeclined("no requirements.txt, pyproject.toml or package.json declares the project's packages")
