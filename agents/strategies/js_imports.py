"""JavaScript and TypeScript imports for fix_import_path: relative ``require``/``import`` specifiers corrected to the
one file that fits (letter case, one typo, the full file name an ES module needs), a module found by the names it
must export, a JSON import given ``with { type: 'json' }``, and a package written in another letter case than
package.json declares it. Only the repository's own files change."""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult

SKIP = {".venv", "venv", "env", "node_modules", ".git", "build", "dist", "__pycache__", "site-packages"}


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


def fix_js(entity: str, tree: Path) -> StrategyResult:
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


def json_attribute(entity: str, tree: Path) -> StrategyResult:
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


_JS_SPEC = re.compile(r"""(?P<head>\brequire\s*\(\s*|\bimport\s*\(\s*|\bfrom\s*|^\s*import\s*)(?P<q>['"])(?P<spec>[^'"\n]+)(?P=q)""", re.M)


def js_package_case(name: str, tree: Path) -> StrategyResult | None:
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
