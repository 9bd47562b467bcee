"""fix_import_path: a local import names a module that is not there, but the repository has it
under another case (``Models`` → ``models``: fine on a laptop's filesystem, fatal on Linux) or
with one small typo inside a local package (``auth.sesion`` → ``auth.session``).

Python: dotted modules; the imported name keeps its old spelling as an alias where code may use it
(``import Utils`` → ``import utils as Utils``), so no other line needs to change. JavaScript and
TypeScript: relative ``require``/``import`` specifiers (``./lib/Greeting`` → ``./lib/greeting``),
found from the specifier in the error or from the absolute path Node prints for ES modules. An ES module's
relative import must name the file in full (``./routes/health`` → ``./routes/health.js``): Node adds no
extension and no ``index.js`` there, so the one file CommonJS would have found is written out.
Only import statements change, only in the repository's own files, and only when exactly one
file fits.

A name the standard library moved into a submodule (``from collections import Mapping``: in ``collections.abc``
since 3.3, gone from ``collections`` in 3.10) is imported from the one submodule of the running Python's library
that has it; the other names of the statement stay where they were.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import pkgutil
import re
import sys
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools, failure_text, source_lines
from agents.strategies.js_imports import JS_RESOLVE, SKIP, fix_js, js_package_case, json_attribute
from memory.models import FailureReport


def _names(folder: Path) -> list[str]:
    """Importable names in a folder: modules and sub-folders holding Python files."""
    if not folder.is_dir():
        return []
    out = []
    for p in folder.iterdir():
        if p.name.startswith(".") or p.name in SKIP:
            continue
        if p.is_file() and p.suffix == ".py" and p.stem != "__init__":
            out.append(p.stem)
        elif p.is_dir() and any(p.glob("*.py")):
            out.append(p.name)
    return sorted(out)


def correct(tree: Path, parts: list[str]) -> tuple[list[str], bool] | None:
    """The dotted path as it exists in the repository (and whether a typo, not just case, was fixed)."""
    for root in (tree, tree / "src"):
        folder, out, typo = root, [], False
        for i, part in enumerate(parts):
            names = _names(folder)
            if part in names:
                pick = part
            else:
                same_case = [n for n in names if n.lower() == part.lower()]
                # a typo is only trusted below a local package: a top-level near-miss may be a PyPI name
                close = same_case or (difflib.get_close_matches(part, names, n=2, cutoff=0.8) if i > 0 else [])
                if len(close) != 1:
                    break
                pick, typo = close[0], typo or not same_case
            out.append(pick)
            folder = folder / pick
        else:
            if out != parts:
                return out, typo
    return None


def _package_of(rel: Path) -> list[str]:
    parts = list(rel.parts[:-1])
    return parts[1:] if parts[:1] == ["src"] else parts


def _rewrite(path: Path, tree: Path, wrong: list[str], right: list[str]) -> int:
    """Rewrite the imports of ``wrong`` (or of a misspelt prefix of it) in one file; returns how many changed."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        mod = ast.parse(text)
    except SyntaxError:
        return 0
    lines = source_lines(text)
    package = _package_of(path.relative_to(tree))
    first = next(i for i, (a, b) in enumerate(zip(wrong, right, strict=True)) if a != b)

    def fix(parts: list[str]) -> list[str] | None:
        k = min(len(parts), len(wrong))
        return right[:k] + parts[k:] if k > first and parts[:k] == wrong[:k] else None

    changed = 0
    for node in ast.walk(mod):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        line = lines[node.lineno - 1]
        fixed = line
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - (node.level - 1)] if node.level else []
            absolute = base + (node.module.split(".") if node.module else [])
            if (new := fix(absolute)) is not None and first >= len(base):
                old_spec = "." * node.level + (node.module or "")
                new_spec = "." * node.level + ".".join(new[len(base):])
                head = re.match(rf"(\s*from\s+){re.escape(old_spec)}(?=\s+import\b)", line)
                if head:
                    fixed = head.group(1) + new_spec + line[head.end():]
            elif first == len(absolute) and absolute == wrong[:first]:  # from pkg import wrongmodule
                for alias in node.names:
                    if alias.name == wrong[first]:
                        repl = right[first] + ("" if alias.asname else f" as {alias.name}")
                        fixed = re.sub(rf"\b{re.escape(alias.name)}\b", repl, fixed, count=1)
        else:
            for alias in node.names:
                parts = alias.name.split(".")
                if (new := fix(parts)) is None:
                    continue
                repl = ".".join(new) + ("" if alias.asname or len(parts) > 1 else f" as {alias.name}")
                fixed = re.sub(rf"\b{re.escape(alias.name)}\b(?!\.)", repl, fixed, count=1)
        if fixed != line:
            lines[node.lineno - 1] = fixed
            changed += 1
    if changed:
        path.write_text("".join(lines), encoding="utf-8")
    return changed


def fix_import_path(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    module = (report.entity or "").strip()
    moved = _stdlib_moved(report, tree)
    if moved is not None:
        return moved
    if module.endswith(".json") and re.search(r"needs an import (?:attribute|assertion)", report.root_cause or ""):
        return json_attribute(module, tree)
    if module.startswith(("./", "../", "/")) or "/" in module or module.endswith(JS_RESOLVE):
        if not module.startswith((".", "/")):
            cased = js_package_case(module, tree)
            if cased is not None:
                return cased
        return fix_js(module, tree)
    if report.ecosystem == "node" or ((tree / "package.json").is_file() and not any(tree.glob("*.py"))):
        cased = js_package_case(module, tree)
        if cased is not None:
            return cased
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*", module):
        raise StrategyDeclined(f"no dotted Python module in the diagnosis (entity={module!r})")
    wrong = module.split(".")
    found = correct(tree, wrong)
    if found is None:
        moved = _by_imported_names(tree, module)
        if moved is None:
            raise StrategyDeclined(f"no module in the repository matches {module} up to case or one typo, and no single "
                                   f"module defines every name imported from it")
        return moved
    right, typo = found
    touched = []
    for path in sorted(tree.rglob("*.py")):
        rel = path.relative_to(tree)
        if SKIP.intersection(rel.parts[:-1]):
            continue
        if _rewrite(path, tree, wrong, right):
            touched.append(str(rel))
    fixed = ".".join(right)
    if not touched:
        touched = _rewrite_module_strings(tree, module, fixed)
    if not touched:
        raise StrategyDeclined(f"no import statement of {module} (nor a string naming it as a module) found to rewrite")
    return StrategyResult(f"import {fixed} instead of {module} ({'spelling' if typo else 'letter case'}) in {', '.join(touched)}",
                          {"from": module, "to": fixed, "files": touched}, 0.6 if typo else 0.8)


def _rewrite_module_strings(tree: Path, wrong: str, right: str) -> list[str]:
    """A dotted module written as a string the program imports by name: ``DJANGO_SETTINGS_MODULE = "mysite.setting"``,
    ``importlib.import_module("app.handlers")``, ``uvicorn.run("main:app")``. Only string constants whose whole value is
    the module (or ``module:attribute``) change, found with ``ast`` and edited at their positions."""
    touched = []
    for path in sorted(tree.rglob("*.py")):
        rel = path.relative_to(tree)
        if SKIP.intersection(rel.parts[:-1]):
            continue
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            mod = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        hits = [n for n in ast.walk(mod) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                and (n.value == wrong or n.value.startswith(wrong + ":")) and n.lineno == n.end_lineno]
        if not hits:
            continue
        lines = source_lines(source)
        for node in sorted(hits, key=lambda n: (n.lineno, n.col_offset), reverse=True):
            raw = lines[node.lineno - 1].encode("utf-8")
            segment = raw[node.col_offset:node.end_col_offset].decode("utf-8")
            if wrong not in segment:
                continue
            fixed = segment.replace(wrong, right, 1)
            lines[node.lineno - 1] = (raw[:node.col_offset].decode("utf-8") + fixed + raw[node.end_col_offset:].decode("utf-8"))
        new = "".join(lines)
        if new != source:
            path.write_text(new, encoding="utf-8")
            touched.append(str(rel))
    return touched


def _top_level_names(path: Path) -> set[str]:
    try:
        mod = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in mod.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _module_name(tree: Path, path: Path) -> str | None:
    rel = path.relative_to(tree)
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if parts[:1] == ["src"]:
        parts = parts[1:]
    return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None


def _by_imported_names(tree: Path, module: str) -> StrategyResult | None:
    """``from utils import slugify`` where utils.py became helpers.py: the names imported from the missing module say
    where it went, when exactly one module of the repository defines every one of them (and the import asks for
    names, not ``*``). Only the ``from`` part of those import statements changes."""
    sources = [p for p in sorted(tree.rglob("*.py")) if not SKIP.intersection(p.relative_to(tree).parts[:-1])]
    wanted: set[str] = set()
    sites: list[Path] = []
    for path in sources:
        try:
            mod = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(mod):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == module:
                if any(a.name == "*" for a in node.names):
                    return None
                wanted.update(a.name for a in node.names)
                sites.append(path)
    if not wanted:
        return None
    fits = [name for path in sources if (name := _module_name(tree, path)) and name != module
            and wanted <= _top_level_names(path)]
    if len(fits) != 1:
        return None
    right = fits[0]
    touched = []
    for path in sorted(set(sites)):
        text = path.read_text(encoding="utf-8")
        new = re.sub(rf"^(\s*from\s+){re.escape(module)}(\s+import\b)", rf"\g<1>{right}\g<2>", text, flags=re.M)
        if new != text:
            path.write_text(new, encoding="utf-8")
            touched.append(str(path.relative_to(tree)))
    if not touched:
        return None
    names = ", ".join(sorted(wanted))
    return StrategyResult(f"import {names} from {right} instead of {module} in {', '.join(touched)}: {module} is not in the "
                          f"repository and {right} is the one module that defines {names}",
                          {"from": module, "to": right, "files": touched, "names": sorted(wanted)}, 0.7)


_CANNOT_IMPORT = re.compile(r"cannot import name '(?P<name>\w+)' from '(?P<module>[A-Za-z_][\w.]*)'")


def stdlib_home(name: str, module: str) -> str | None:
    """The one public submodule of the standard library's ``module`` that defines ``name`` when ``module`` itself no
    longer does (``Mapping``, ``collections`` → ``collections.abc``); None otherwise."""
    if module.split(".")[0] not in sys.stdlib_module_names:
        return None
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    if hasattr(mod, name):
        return None
    homes = []
    for info in pkgutil.iter_modules(getattr(mod, "__path__", [])):
        if info.name.startswith("_") or info.name in ("__main__", "tests", "test"):
            continue
        try:
            sub = importlib.import_module(f"{module}.{info.name}")
        except Exception:  # noqa: BLE001 - a submodule this platform cannot import (curses, tkinter) is not the home
            continue
        if hasattr(sub, name):
            homes.append(sub.__name__)
    return homes[0] if len(homes) == 1 else None


def _stdlib_moved(report: FailureReport, tree: Path) -> StrategyResult | None:
    """``from collections import Mapping, OrderedDict`` → ``from collections import OrderedDict`` and ``from
    collections.abc import Mapping`` in every file of the repository that imports it so."""
    text = failure_text(report)
    m = _CANNOT_IMPORT.search(text)
    if m is None:
        return None
    name, module = m.group("name"), m.group("module")
    home = stdlib_home(name, module)
    if home is None:
        return None
    touched = []
    for path in sorted(tree.rglob("*.py")):
        rel = path.relative_to(tree)
        if SKIP.intersection(rel.parts[:-1]) or path.is_symlink():
            continue
        if _move_from_import(path, module, name, home):
            touched.append(str(rel))
    if not touched:
        raise StrategyDeclined(f"{name} moved from {module} to {home}, but no `from {module} import {name}` was found in the "
                               f"repository's own files (the import is in an installed package: its release is too old)")
    return StrategyResult(f"import {name} from {home} instead of {module} in {', '.join(touched)}: the standard library moved it "
                          f"there ({module} of this Python has no {name})", {"from": module, "to": home, "name": name,
                                                                            "files": touched}, 0.8)


def _move_from_import(path: Path, module: str, name: str, home: str) -> bool:
    """Rewrite each ``from module import ..., name [as alias], ...`` statement of ``path`` at its ``ast`` position."""
    try:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return False
    lines = source_lines(text)
    sites = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module == module
             and any(a.name == name for a in n.names)]
    for node in sorted(sites, key=lambda n: n.lineno, reverse=True):  # bottom-up: an edit moves no line above it
        indent = re.match(r"^[ \t]*", lines[node.lineno - 1]).group(0)  # type: ignore[union-attr]
        moved = [a for a in node.names if a.name == name]
        kept = [a for a in node.names if a.name != name]

        def spell(aliases: list[ast.alias]) -> str:
            return ", ".join(f"{a.name} as {a.asname}" if a.asname else a.name for a in aliases)

        new = (f"{indent}from {module} import {spell(kept)}\n" if kept else "") + f"{indent}from {home} import {spell(moved)}"
        end = node.end_lineno or node.lineno
        first, last = lines[node.lineno - 1], lines[end - 1]
        head, tail = first[:node.col_offset], last[node.end_col_offset or 0:]
        if head.strip():  # `x = 1; from collections import Mapping`: a statement shares the line; leave it to a person
            return False
        lines[node.lineno - 1:end] = [new + tail if tail.strip() else new + (tail if tail else "\n")]
    if sites:
        path.write_text("".join(lines), encoding="utf-8")
    return bool(sites)
