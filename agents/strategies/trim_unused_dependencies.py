"""trim_unused_dependencies: a build that overruns its time limit installs packages nothing imports.

A static import scan of every Python file decides: a requirement is kept when its import name is
imported, when the start command or a config names it, or when any source file mentions it
(plugins, database URLs). Everything else is removed from requirements.txt.

Node: a package.json dependency is kept when a source file requires or imports it (also a
sub-path such as ``lodash/get``), when a script or config names it or its command, or when any
source file mentions it; the others leave ``dependencies``/``devDependencies`` and npm updates
the lockfile. Only when the app's own code is readable: a file that is not JS/TS is never guessed at.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from packaging.utils import canonicalize_name as canonical

from agents.strategies import StrategyDeclined, StrategyResult, Tools, write_json_like
from agents.strategies.registries import npm_lock_refresh
from memory.models import FailureReport

SKIP = {".venv", "venv", "env", "node_modules", ".git", "build", "dist"}
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def imported_modules(tree: Path) -> tuple[set[str], str]:
    """Top-level names imported anywhere, and the text of every source and config file."""
    names: set[str] = set()
    texts = []
    for path in sorted(tree.rglob("*")):
        if not path.is_file() or SKIP.intersection(path.relative_to(tree).parts[:-1]):
            continue
        if path.suffix == ".py":
            text = path.read_text(encoding="utf-8", errors="replace")
            texts.append(text)
            try:
                mod = ast.parse(text)
            except SyntaxError as exc:
                raise StrategyDeclined(f"{path.relative_to(tree)} does not parse ({exc.msg}); an import scan would guess") from exc
            for node in ast.walk(mod):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
                elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("import_module", "__import__") \
                        and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    names.add(node.args[0].value.split(".")[0])
        elif path.name in ("Procfile", "swarm.toml", "setup.cfg", "pyproject.toml", "tox.ini", "pytest.ini", "alembic.ini") \
                or path.suffix in (".cfg", ".ini", ".toml", ".yaml", ".yml"):
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return names, "\n".join(texts).lower()


_JS_SPEC = re.compile(r"""(?:\brequire\s*\(\s*|\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"./][^'"]*)['"]""", re.M)
_JS_FILES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte", ".astro")


_BINS = {"typescript": "tsc", "webpack-cli": "webpack", "@vue/cli-service": "vue-cli-service", "@angular/cli": "ng",
         "@nestjs/cli": "nest", "@babel/cli": "babel"}
"""Tools whose command is not their package name."""


def _node_package(spec: str) -> str:
    parts = spec.removeprefix("node:").split("/")
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]


def js_packages(text: str) -> list[str]:
    """The packages a JavaScript/TypeScript source imports or requires, in order (``@scope/pkg/sub`` → ``@scope/pkg``);
    relative paths and ``node:`` built-ins are not packages."""
    found = (_node_package(m.group(1)) for m in _JS_SPEC.finditer(text) if not m.group(1).startswith("node:"))
    return list(dict.fromkeys(found))


def _trim_node(tree: Path, tools: Tools) -> StrategyResult:
    path = tree / "package.json"
    pkg = json.loads(path.read_text(encoding="utf-8"))
    used: set[str] = set()
    texts = [json.dumps(pkg.get("scripts") or {})]
    for src in sorted(tree.rglob("*")):
        rel = src.relative_to(tree)
        if not src.is_file() or SKIP.intersection(rel.parts[:-1]) or src.name in ("package.json", "package-lock.json"):
            continue
        if src.suffix in _JS_FILES:
            text = src.read_text(encoding="utf-8", errors="replace")
            used.update(js_packages(text))
            texts.append(text)
        elif src.suffix in (".json", ".yaml", ".yml", ".toml", ".cjs", ".rc") or src.name.startswith(".") or src.name == "Procfile":
            texts.append(src.read_text(encoding="utf-8", errors="replace"))
    mentioned = "\n".join(texts)
    removed = []
    for section in ("dependencies", "devDependencies"):
        deps = pkg.get(section) or {}
        for name in list(deps):
            short = _BINS.get(name, name.split("/")[-1])
            if name.startswith("@types/") and any(tree.rglob("*.ts")):
                continue  # the type checker reads them without an import
            if name in used or re.search(rf"(?<![\w@/-]){re.escape(name)}(?![\w-])", mentioned) or (
                    short != name and re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", json.dumps(pkg.get("scripts") or {}))):
                continue
            del deps[name]
            removed.append(name)
    if not removed:
        raise StrategyDeclined("every package.json dependency is imported or referenced")
    write_json_like(path, pkg)
    npm_lock_refresh(tools, tree)
    return StrategyResult(f"remove {len(removed)} never-imported package(s) from package.json: {', '.join(removed)}",
                          {"removed": removed, "manifest": "package.json"}, 0.65)


def trim_unused_dependencies(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    req = tree / "requirements.txt"
    if not req.is_file() and (tree / "package.json").is_file():
        return _trim_node(tree, tools)
    if not req.is_file():
        raise StrategyDeclined("no requirements.txt to trim")
    imported, mentioned = imported_modules(tree)
    if not imported:
        raise StrategyDeclined("no Python imports found; cannot tell what is used")
    by_dist: dict[str, set[str]] = {}
    for module, dist in tools.aliases.items():
        by_dist.setdefault(canonical(dist), set()).add(module.split(".")[0])
    lines = req.read_text(encoding="utf-8").splitlines(keepends=True)
    kept: list[str] = []
    removed: list[str] = []
    for line in lines:
        m = _REQ_NAME.match(line)
        if not m or line.lstrip().startswith(("#", "-")):
            kept.append(line)
            continue
        dist = m.group(1)
        modules = by_dist.get(canonical(dist), set()) | {canonical(dist).replace("-", "_"), dist.lower().replace("-", "_")}
        used = bool(modules & {n.lower() for n in imported}) or any(
            re.search(rf"(?<![\w-]){re.escape(x)}(?![\w-])", mentioned) for x in {dist.lower(), canonical(dist), *modules})
        if used:
            kept.append(line)
        else:
            removed.append(dist)
    if not removed:
        raise StrategyDeclined("every declared dependency is imported or referenced")
    req.write_text("".join(kept), encoding="utf-8")
    return StrategyResult(f"remove {len(removed)} never-imported requirement(s) from requirements.txt: {', '.join(removed)}",
                          {"removed": removed}, 0.7)
