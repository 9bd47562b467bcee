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
import json
import os
import pkgutil
import re
import sys
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools
from memory.models import FailureReport

SKIP = {".venv", "venv", "env", "node_modules", ".git", "build", "dist", "__pycache__", "site-packages"}


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
    lines = text.splitlines(keepends=True)
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


JS_SOURCES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts")
JS_RESOLVE = (".js", ".mjs", ".cjs", ".json", ".ts", ".tsx", ".jsx")
_SPEC = re.compile(r"""(?:\brequire\s*\(\s*|\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}/[^'"]+)\1""", re.M)


def _js_exists(folder: Path, seg: str) -> bool:
    target = folder / seg
    return target.is_file() or any((folder / (seg + ext)).is_file() for ext in JS_RESOLVE) or (
        target.is_dir() and any((target / f"index{ext}").is_file() for ext in JS_RESOLVE))


def _pick(seg: str, names: list[str]) -> str | None:
    if seg in names:
        return seg
    same_case = [n for n in names if n.lower() == seg.lower()]
    close = same_case or difflib.get_close_matches(seg, names, n=2, cutoff=0.8)
    return close[0] if len(close) == 1 else None


ESM_EXTENSIONS = (".js", ".mjs", ".cjs", ".json")


def is_es_module(path: Path, tree: Path) -> bool:
    """Whether Node loads ``path`` as an ES module: ``.mjs``, or ``.js`` under the nearest package.json that says
    ``"type": "module"`` (within the repository)."""
    if path.suffix == ".mjs":
        return True
    if path.suffix != ".js":
        return False
    root = tree.resolve()
    folder = path.resolve().parent
    while folder.is_relative_to(root):
        pkg = folder / "package.json"
        if pkg.is_file():
            try:
                data = json.loads(pkg.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return False
            return isinstance(data, dict) and data.get("type") == "module"
        if folder == root:
            break
        folder = folder.parent
    return False


def _esm_full_path(folder: Path, seg: str) -> str | None:
    """ES modules resolve a relative specifier exactly as written (no added extension, no ``index.js``): the one
    file ``seg`` means under CommonJS's rules, written in full, or None."""
    if (folder / seg).is_file():
        return None
    fits = [seg + ext for ext in ESM_EXTENSIONS if (folder / (seg + ext)).is_file()]
    if (folder / seg).is_dir():
        fits += [f"{seg}/index{ext}" for ext in ESM_EXTENSIONS[:3] if (folder / seg / f"index{ext}").is_file()]
    return fits[0] if len(fits) == 1 else None


def _fix_js_spec(tree: Path, base: Path, spec: str, esm: bool = False) -> str | None:
    """The specifier with its path segments as they exist on disk, or None (fine already, or no single fit). In an
    ES module the last segment must also name the file in full (``./routes/health`` → ``./routes/health.js``)."""
    segs, folder, out = spec.split("/"), base, []
    root = tree.resolve()
    for i, seg in enumerate(segs):
        if seg in (".", ".."):
            folder = folder if seg == "." else folder.parent
            out.append(seg)
            continue
        if not folder.resolve().is_relative_to(root) or not folder.is_dir():
            return None
        if i == len(segs) - 1:
            if esm and (full := _esm_full_path(folder, seg)) is not None:
                out.append(full)
                break
            if _js_exists(folder, seg):
                return None if not out or "/".join(out + [seg]) == spec else "/".join(out + [seg])
            files = [p.name for p in folder.iterdir() if p.is_file()]
            has_ext = Path(seg).suffix in JS_RESOLVE
            keys = {(n if has_ext else Path(n).stem if Path(n).suffix in JS_RESOLVE else n): n for n in files}
            keys.update({d.name: d.name for d in folder.iterdir() if d.is_dir() and any((d / f"index{e}").is_file() for e in JS_RESOLVE)})
            pick = _pick(seg, sorted(keys))
        else:
            pick = _pick(seg, sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name not in SKIP))
        if pick is None:
            return None
        out.append(pick)
        folder = folder / pick
    new = "/".join(out)
    return new if new != spec else None


def _required(text: str, spec: str) -> bool:
    """``spec`` is only loaded with ``require()`` in this file (createRequire in an ES module keeps CommonJS's rules)."""
    q = re.escape(spec)
    return bool(re.search(rf"""\brequire\s*\(\s*(['"]){q}\1""", text)) and not re.search(
        rf"""(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)(['"]){q}\1""", text, re.M)


def _fix_js(entity: str, tree: Path) -> StrategyResult:
    touched, changes = [], set()
    for path in sorted(p for p in tree.rglob("*") if p.suffix in JS_SOURCES and p.is_file()):
        rel = path.relative_to(tree)
        if SKIP.intersection(rel.parts[:-1]):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        new_text = text
        for m in _SPEC.finditer(text):
            spec = m.group(2)
            if entity.startswith("."):
                if spec != entity:
                    continue
            else:  # Node printed the absolute path of the missing file: match the specifier by where it points
                target = (path.parent / spec).resolve()
                if not target.is_relative_to(tree.resolve()):
                    continue
                where = target.relative_to(tree.resolve()).as_posix()
                if not any(e == where or e.endswith("/" + where) for e in (entity, entity.rsplit(".", 1)[0])):
                    continue
            fixed = _fix_js_spec(tree, path.parent, spec, esm=is_es_module(path, tree) and not _required(text, spec))
            if fixed:
                q = m.group(1)
                new_text = new_text.replace(f"{q}{spec}{q}", f"{q}{fixed}{q}")
                changes.add(f"{spec} → {fixed}")
        if new_text != text:
            path.write_text(new_text, encoding="utf-8")
            touched.append(str(rel))
    if not touched and entity.startswith("."):
        moved = _js_by_names(entity, tree)
        if moved is not None:
            return moved
    if not touched:
        raise StrategyDeclined(f"no require/import of {entity} found that one existing file fits")
    return StrategyResult(f"import {'; '.join(sorted(changes))} in {', '.join(touched)}",
                          {"from": entity, "to": sorted(changes), "files": touched}, 0.75)


_JS_EXPORTS = (re.compile(r"\b(?:module\.)?exports\.(\w+)\s*="),
               re.compile(r"^\s*export\s+(?:default\s+)?(?:async\s+)?(?:function\*?|const|let|var|class)\s+(\w+)", re.M))
_JS_EXPORT_LISTS = (re.compile(r"\bmodule\.exports\s*=\s*\{([^}]*)\}"), re.compile(r"^\s*export\s*\{([^}]*)\}", re.M))


def _js_exported(text: str) -> set[str]:
    names = {m.group(1) for rx in _JS_EXPORTS for m in rx.finditer(text)}
    for rx in _JS_EXPORT_LISTS:
        for m in rx.finditer(text):
            for item in m.group(1).split(","):
                key = re.match(r"\s*(?:async\s+)?(\w+)", item)
                alias = re.search(r"\bas\s+(\w+)\s*$", item)
                if alias:
                    names.add(alias.group(1))
                elif key:
                    names.add(key.group(1))
    return names


def _js_used(text: str, spec: str) -> set[str]:
    """The names a file takes from ``spec``: destructured or named imports, or ``x.name`` uses of the binding."""
    q = re.escape(spec)
    names: set[str] = set()
    for m in re.finditer(rf"\{{([^}}]*)\}}\s*=\s*require\(\s*['\"]{q}['\"]\s*\)|import\s*\{{([^}}]*)\}}\s*from\s*['\"]{q}['\"]", text):
        for item in (m.group(1) or m.group(2)).split(","):
            key = re.match(r"\s*(\w+)", item)
            if key:
                names.add(key.group(1))
    for m in re.finditer(rf"(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*['\"]{q}['\"]\s*\)|import\s+(?:\*\s+as\s+)?(\w+)\s+from\s*['\"]{q}['\"]", text):
        binding = m.group(1) or m.group(2)
        names.update(re.findall(rf"\b{re.escape(binding)}\.(\w+)", text))
    return names


def _js_by_names(spec: str, tree: Path) -> StrategyResult | None:
    """``require('./lib/db')`` where lib/db.js became lib/database.js: the names the code takes from it say where it
    went, when exactly one file of the repository exports every one of them. Only the specifier changes."""
    files = [p for p in sorted(tree.rglob("*")) if p.suffix in JS_SOURCES and p.is_file()
             and not SKIP.intersection(p.relative_to(tree).parts[:-1])]
    sites = [(p, t) for p in files for t in [p.read_text(encoding="utf-8", errors="replace")]
             if re.search(rf"""(['"]){re.escape(spec)}\1""", t)]
    if not sites:
        return None
    touched, targets = [], set()
    for path, text in sites:
        wanted = _js_used(text, spec)
        if not wanted:
            return None
        fits = [f for f in files if f != path and wanted <= _js_exported(f.read_text(encoding="utf-8", errors="replace"))]
        if len(fits) != 1:
            return None
        target = fits[0]
        new = Path(os.path.relpath(target, path.parent)).as_posix()
        if Path(spec).suffix not in JS_RESOLVE:
            new = new[: -len(target.suffix)] if target.suffix in JS_RESOLVE else new
        new = new if new.startswith(".") else "./" + new
        fixed = re.sub(rf"""(['"]){re.escape(spec)}\1""", rf"\g<1>{new}\g<1>", text)
        path.write_text(fixed, encoding="utf-8")
        touched.append(str(path.relative_to(tree)))
        targets.add(new)
    return StrategyResult(f"require {', '.join(sorted(targets))} instead of {spec} in {', '.join(touched)}: {spec} is not in "
                          "the repository and that file is the one that exports every name the code takes from it",
                          {"from": spec, "to": sorted(targets), "files": touched}, 0.7)


_STATIC_IMPORT = re.compile(r"""^(?P<head>\s*import\s+[^;'"]*?\s+from\s+)(?P<q>['"])(?P<spec>\.{1,2}/[^'"]+\.json)(?P=q)(?P<tail>[^\n;]*)""", re.M)


def _json_attribute(entity: str, tree: Path) -> StrategyResult:
    """``import config from './config.json'`` in an ES module: Node loads JSON modules only with the import attribute
    ``with { type: 'json' }`` (Node 18.20+, 20.10+, 22). Node names the first such import only; every static import of
    a JSON file of the repository that lacks the attribute gains it, so the next start does not stop at the second."""
    touched: list[str] = []
    named: set[str] = set()
    root = tree.resolve()
    for path in sorted(p for p in tree.rglob("*") if p.suffix in (".js", ".mjs") and p.is_file()):
        rel = path.relative_to(tree)
        if SKIP.intersection(rel.parts[:-1]) or not is_es_module(path, tree):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")

        def add(m: re.Match[str], here: Path = path.parent) -> str:
            target = (here / m.group("spec")).resolve()
            where = target.relative_to(root).as_posix() if target.is_relative_to(root) else ""
            if not where or not (tree / where).is_file() or re.search(r"\b(?:with|assert)\s*\{", m.group("tail")):
                return m.group(0)
            named.add(where)
            return f"{m.group('head')}{m.group('q')}{m.group('spec')}{m.group('q')} with {{ type: 'json' }}{m.group('tail')}"

        new_text = _STATIC_IMPORT.sub(add, text)
        if new_text != text:
            path.write_text(new_text, encoding="utf-8")
            touched.append(str(rel))
    if not touched or not any(entity == w or entity.endswith("/" + w) for w in named):
        raise StrategyDeclined(f"no static import of {entity} without an import attribute found in the project's ES modules")
    return StrategyResult(f"import {Path(entity).name} with {{ type: 'json' }} in {', '.join(touched)}: ES modules load JSON only "
                          "with that import attribute", {"files": touched, "attribute": "type: json"}, 0.8)


def fix_import_path(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    module = (report.entity or "").strip()
    moved = _stdlib_moved(report, tree)
    if moved is not None:
        return moved
    if module.endswith(".json") and re.search(r"needs an import (?:attribute|assertion)", report.root_cause or ""):
        return _json_attribute(module, tree)
    if module.startswith(("./", "../", "/")) or "/" in module or module.endswith(JS_RESOLVE):
        if not module.startswith((".", "/")):
            cased = _js_package_case(module, tree)
            if cased is not None:
                return cased
        return _fix_js(module, tree)
    if report.ecosystem == "node" or ((tree / "package.json").is_file() and not any(tree.glob("*.py"))):
        cased = _js_package_case(module, tree)
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


_JS_SPEC = re.compile(r"""(?P<head>\brequire\s*\(\s*|\bimport\s*\(\s*|\bfrom\s*|^\s*import\s*)(?P<q>['"])(?P<spec>[^'"\n]+)(?P=q)""", re.M)


def _js_package_case(name: str, tree: Path) -> StrategyResult | None:
    """``require('Express')`` where package.json declares ``express``: Linux finds packages by their exact name. The
    specifier (and its subpaths, ``Express/lib/router``) is written as declared, in the project's own files."""
    try:
        pkg = json.loads((tree / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    top = name.split("/")[0] if not name.startswith("@") else "/".join(name.split("/")[:2])
    declared = [d for section in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
                for d in (pkg.get(section) or {}) if isinstance(pkg, dict)]
    right = next((d for d in declared if d.lower() == top.lower() and d != top), None)
    if right is None:
        return None
    touched = []
    for path in sorted(tree.rglob("*")):
        rel = path.relative_to(tree)
        if path.suffix not in (".js", ".cjs", ".mjs", ".ts", ".tsx", ".jsx") or SKIP.intersection(rel.parts[:-1]) or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")

        def case(m: re.Match[str]) -> str:
            spec = m.group("spec")
            if spec != top and not spec.startswith(top + "/"):
                return m.group(0)
            return f"{m.group('head')}{m.group('q')}{right}{spec[len(top):]}{m.group('q')}"

        new = _JS_SPEC.sub(case, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            touched.append(str(rel))
    if not touched:
        return None
    return StrategyResult(f"require/import {right} instead of {top} in {', '.join(touched)}: package.json declares {right}, and "
                          "Linux finds packages by their exact name", {"from": top, "to": right, "files": touched}, 0.85)


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
        lines = source.splitlines(keepends=True)
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
    text = "\n".join([report.root_cause or "", *(e.text for e in report.evidence)])
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
    lines = text.splitlines(keepends=True)
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
