"""set_module_type: package.json's ``"type"`` says one module system and the code is written in the other.

``"type": "module"`` over CommonJS code (``require is not defined in ES module scope``) loses the field; ES module
code (``import``/``export`` statements) in a package without it (``Cannot use import statement outside a module``)
gains ``"type": "module"``. Only when every ``.js`` file of the project (node_modules aside) is written one way: a
project that mixes both needs a person (or ``.cjs``/``.mjs`` names), and is declined. Files are read with
tree-sitter, not patterns: a ``require`` in a comment or a string does not count.

An ES module (import/export statements, under ``"type": "module"`` or named ``.mjs``) that uses CommonJS's
``__dirname``, ``__filename`` or ``require`` gets the definitions Node's documentation gives for ES modules, after its
last import: ``fileURLToPath(import.meta.url)`` for the file, ``fileURLToPath(new URL('.', import.meta.url))`` for its
folder, ``createRequire(import.meta.url)`` for ``require`` (every Node that runs ES modules has them). A file that
declares the name itself is left alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tree_sitter import Node

from agents.strategies import StrategyDeclined, StrategyResult, Tools, write_json_like
from agents.strategies.jsflow import _parser, walk
from memory.models import FailureReport

_SKIP = {"node_modules", ".git", "dist", "build", ".next", "coverage", "vendor"}


def module_style(source: bytes) -> set[str]:
    """{"esm"} for import/export statements, {"cjs"} for require() calls or module.exports/exports.x writes."""
    styles: set[str] = set()
    stack: list[Node] = [_parser(".js").parse(source).root_node]
    while stack:
        node = stack.pop()
        if node.type in ("import_statement", "export_statement"):
            styles.add("esm")
        elif node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier" and fn.text == b"require":
                styles.add("cjs")
        elif node.type == "member_expression":
            obj = node.child_by_field_name("object")
            if obj is not None and obj.text in (b"module", b"exports") and node.parent is not None \
                    and node.parent.type == "assignment_expression":
                styles.add("cjs")
        stack.extend(node.children)
    return styles


def _project_js(tree: Path) -> list[Path]:
    return [p for p in sorted(tree.rglob("*.js")) if p.is_file() and not p.is_symlink()
            and not _SKIP.intersection(p.relative_to(tree).parts[:-1])]


_MODULE_SYSTEM = re.compile(r"is not defined in ES module scope|Cannot use import statement outside a module|"
                            r"Unexpected token '?(?:export|import)\b")


_SHIMS = {
    "__filename": ("fileURLToPath", "node:url", "const __filename = fileURLToPath(import.meta.url);"),
    "__dirname": ("fileURLToPath", "node:url", "const __dirname = fileURLToPath(new URL('.', import.meta.url));"),
    "require": ("createRequire", "node:module", "const require = createRequire(import.meta.url);"),
}
_MISSING_IN_ESM = re.compile(r"ReferenceError: (__dirname|__filename|require) is not defined in ES module scope")


def esm_shims(source: bytes) -> bytes | None:
    """The ES module with definitions for the CommonJS names it uses and does not declare, or None (nothing to add,
    or not an ES module)."""
    root = _parser(".js").parse(source).root_node
    nodes = walk(root)
    if not any(n.type in ("import_statement", "export_statement") for n in nodes):
        return None
    declared = {(n.text or b"").decode() for n in nodes if n.type == "identifier" and n.parent is not None
                and n.parent.type in ("variable_declarator", "function_declaration", "import_specifier", "namespace_import",
                                      "import_clause") and (n.parent.type != "variable_declarator"
                                                            or n.parent.child_by_field_name("name") == n)}
    used = {(n.text or b"").decode() for n in nodes if n.type == "identifier" and n.text in (b"__dirname", b"__filename", b"require")}
    wanted = [name for name in ("__filename", "__dirname", "require") if name in used and name not in declared]
    if not wanted:
        return None
    imports = [n for n in root.children if n.type == "import_statement"]
    lines: list[str] = []
    for helper, module in dict.fromkeys((_SHIMS[w][0], _SHIMS[w][1]) for w in wanted):
        if helper not in declared:
            lines.append(f"import {{ {helper} }} from '{module}';")
    lines += [_SHIMS[w][2] for w in wanted]
    at = imports[-1].end_byte if imports else 0
    text = "\n".join(lines)
    insert = (("\n" + text) if imports else (text + "\n")).encode()
    return source[:at] + insert + source[at:]


def _es_module_files(tree: Path, pkg: dict[str, object]) -> list[Path]:
    files = [p for p in sorted(tree.rglob("*.mjs")) if p.is_file() and not p.is_symlink()
             and not _SKIP.intersection(p.relative_to(tree).parts[:-1])]
    if pkg.get("type") == "module":
        files += _project_js(tree)
    return files


def _shim(report: FailureReport, tree: Path, pkg: dict[str, object]) -> StrategyResult | None:
    m = _MISSING_IN_ESM.search("\n".join([report.root_cause or "", *(e.text for e in report.evidence)]))
    if m is None:
        return None
    touched = []
    for path in _es_module_files(tree, pkg):
        new = esm_shims(path.read_bytes())
        if new is not None and not _parser(".js").parse(new).root_node.has_error:
            path.write_bytes(new)
            touched.append(str(path.relative_to(tree)))
    if not touched:
        return None
    return StrategyResult(f"define {m.group(1)} the ES-module way in {', '.join(touched)} (import.meta.url, as Node documents): "
                          "CommonJS's names do not exist in ES modules", {"files": touched, "name": m.group(1)}, 0.8)


def set_module_type(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    if not _MODULE_SYSTEM.search(report.root_cause or ""):
        raise StrategyDeclined("the failure is not about the module system (import/export against require)")
    pkg_path = tree / "package.json"
    if not pkg_path.is_file():
        raise StrategyDeclined("no package.json whose module type could be set")
    try:
        pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise StrategyDeclined(f"package.json is not valid JSON: {exc}") from exc
    if not isinstance(pkg, dict):
        raise StrategyDeclined("package.json is not an object")
    shimmed = _shim(report, tree, pkg)
    if shimmed is not None:
        return shimmed
    files = _project_js(tree)
    styles: dict[str, set[str]] = {str(p.relative_to(tree)): module_style(p.read_bytes()) for p in files}
    esm = sorted(f for f, s in styles.items() if "esm" in s)
    cjs = sorted(f for f, s in styles.items() if "cjs" in s)
    if esm and cjs:
        raise StrategyDeclined(f"the project mixes ES modules ({', '.join(esm[:3])}) and CommonJS ({', '.join(cjs[:3])}): "
                               "name one kind .mjs or .cjs, a person must decide")
    declared = pkg.get("type", "commonjs")
    if cjs and declared == "module":
        del pkg["type"]
        write_json_like(pkg_path, pkg)
        return StrategyResult(f'drop "type": "module" from package.json: the code is CommonJS ({", ".join(cjs[:3])} use require/module.exports)',
                              {"file": "package.json", "from": "module", "to": "commonjs", "files": ["package.json"]}, 0.8)
    if esm and declared != "module":
        pkg["type"] = "module"
        write_json_like(pkg_path, pkg)
        return StrategyResult(f'set "type": "module" in package.json: the code is ES modules ({", ".join(esm[:3])} use import/export)',
                              {"file": "package.json", "from": declared, "to": "module", "files": ["package.json"]}, 0.75)
    raise StrategyDeclined(f'package.json\'s type ({declared}) already fits the code, or the code shows neither module system')
