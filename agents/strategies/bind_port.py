"""bind_port: make the app listen on ``$PORT`` (and on all interfaces) instead of a hard-coded port.

Python is read through the AST: a port literal assigned to a ``*port*`` name, passed as ``port=``,
or as the second item of an address tuple given to a server/bind call is replaced by
``int(os.environ.get("PORT", "<old>"))``; a literal ``"127.0.0.1"``/``"localhost"`` host in those
places becomes ``"0.0.0.0"``. JavaScript: ``.listen(<n>`` and ``const PORT = <n>`` read
``process.env.PORT``. Edits keep the rest of each file byte for byte.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools
from memory.models import FailureReport

SKIP_DIRS = {".venv", "venv", "env", "node_modules", ".git", "tests", "test", "build", "dist"}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
_SERVER_CALL = re.compile(r"(Server|server|bind|listen|serve|run)$")
Edit = tuple[int, int, int, str]  # line (1-based), start col, end col, replacement


def _sources(tree: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in tree.rglob("*") if p.suffix in suffixes and p.is_file()
                  and not SKIP_DIRS.intersection(p.relative_to(tree).parts[:-1]))


def _port_literal(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value if 1024 <= node.value <= 65535 else None
    return None


def _host_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in LOCAL_HOSTS


def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def python_edits(source: str) -> list[Edit]:
    edits: list[Edit] = []

    def port(node: ast.AST) -> None:
        value = _port_literal(node)
        if value is not None and node.lineno == node.end_lineno:  # type: ignore[attr-defined]
            edits.append((node.lineno, node.col_offset, node.end_col_offset,  # type: ignore[attr-defined]
                          f'int(os.environ.get("PORT", "{value}"))'))

    def host(node: ast.AST) -> None:
        if _host_literal(node) and node.lineno == node.end_lineno:  # type: ignore[attr-defined]
            edits.append((node.lineno, node.col_offset, node.end_col_offset, '"0.0.0.0"'))  # type: ignore[attr-defined]

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id.lower()
            if "port" in name:
                port(node.value)
            elif name in ("host", "bind_host", "listen_host"):
                host(node.value)
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "port":
                    port(kw.value)
                elif kw.arg == "host":
                    host(kw.value)
            if node.args and _SERVER_CALL.search(_call_name(node)) and isinstance(node.args[0], ast.Tuple) \
                    and len(node.args[0].elts) == 2:
                host(node.args[0].elts[0])
                port(node.args[0].elts[1])
    return edits


def _apply(source: str, edits: list[Edit]) -> str:
    lines = source.splitlines(keepends=True)
    for lineno, start, end, text in sorted(set(edits), key=lambda e: (e[0], e[1]), reverse=True):
        raw = lines[lineno - 1].encode()
        lines[lineno - 1] = (raw[:start] + text.encode() + raw[end:]).decode()
    return "".join(lines)


def _ensure_import_os(source: str) -> str:
    tree = ast.parse(source)
    if any(isinstance(n, ast.Import) and any(a.name == "os" for a in n.names) for n in tree.body):
        return source
    insert_at = 0
    for node in tree.body:
        is_doc = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        if is_doc or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            insert_at = node.end_lineno or 0
        else:
            break
    lines = source.splitlines(keepends=True)
    lines.insert(insert_at, "import os\n")
    return "".join(lines)


_JS_LISTEN = re.compile(r"\.listen\(\s*(\d{4,5})\b")
_JS_CONST = re.compile(r"\b((?:const|let|var)\s+(?:port|PORT)\s*=\s*)(\d{4,5})\b(?!\s*\|\|)")


def js_rewrite(source: str) -> str:
    source = _JS_CONST.sub(lambda m: f"{m.group(1)}Number(process.env.PORT) || {m.group(2)}", source)
    return _JS_LISTEN.sub(lambda m: f".listen(Number(process.env.PORT) || {m.group(1)}", source)


def bind_port(report: FailureReport, tree: Path, ws: Tools) -> StrategyResult:
    if report.category != "port_binding":
        raise StrategyDeclined(f"bind_port fixes port_binding, not {report.category}")
    changed: list[str] = []
    for path in _sources(tree, (".py",)):
        source = path.read_text(encoding="utf-8", errors="strict")
        try:
            edits = python_edits(source)
        except SyntaxError:
            continue
        if edits:
            new = _apply(source, edits)
            if any('os.environ.get("PORT"' in e[3] for e in edits):
                new = _ensure_import_os(new)
            ast.parse(new)  # never write a file that no longer parses
            path.write_text(new, encoding="utf-8")
            changed.append(str(path.relative_to(tree)))
    for path in _sources(tree, (".js", ".cjs", ".mjs", ".ts")):
        source = path.read_text(encoding="utf-8", errors="replace")
        new = js_rewrite(source)
        if new != source:
            path.write_text(new, encoding="utf-8")
            changed.append(str(path.relative_to(tree)))
    if not changed:
        raise StrategyDeclined("found no hard-coded port or loopback host to rewrite")
    return StrategyResult(f"listen on $PORT and all interfaces in {', '.join(changed)}", {"files": changed}, 0.7)
