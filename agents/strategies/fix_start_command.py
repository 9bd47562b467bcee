"""fix_start_command: the start command names a file or module that is not there.

The real entry point is found in the repository: a module that starts a server under
``if __name__ == "__main__"`` (Python) or calls ``.listen(`` / ``createServer`` (Node), or one that
defines the app object a WSGI/ASGI server loads. The Procfile (or package.json's start script)
is rewritten to point at it; swarm.toml is never touched (it is protected).
"""

from __future__ import annotations

import ast
import json
import re
import shlex
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools, write_json_like
from memory.models import FailureReport

SKIP = {".venv", "venv", "env", "node_modules", ".git", "tests", "test", "build", "dist", "migrations"}
PREFERRED = ["app", "main", "server", "wsgi", "asgi", "run", "index", "manage"]
_SERVER_CALLS = re.compile(r"serve_forever|\.run\(|uvicorn\.run|run_app\(|make_server\(|serve\(|\.listen\(|createServer\(")
_APP_OBJECT = re.compile(r"^(?:(app|application|api|server)\s*=\s*\w+(?:\.\w+)*\(|(?:async\s+)?def\s+(app|application)\s*\()", re.M)
"""An app object a WSGI/ASGI server can load: ``app = Flask(...)``, or a bare ``def app(environ, start_response)``."""


def _files(tree: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in tree.rglob("*") if p.suffix in suffixes and p.is_file()
                  and not SKIP.intersection(p.relative_to(tree).parts[:-1]))


def _rank(path: Path, tree: Path) -> tuple[int, int, str]:
    rel = path.relative_to(tree)
    stem = path.stem.lower()
    return (len(rel.parts), PREFERRED.index(stem) if stem in PREFERRED else len(PREFERRED), str(rel))


def python_entries(tree: Path) -> list[Path]:
    found = []
    for path in _files(tree, (".py",)):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            mod = ast.parse(text)
        except SyntaxError:
            continue
        has_main = any(isinstance(n, ast.If) and "__main__" in ast.unparse(n.test) for n in mod.body)
        if has_main and _SERVER_CALLS.search(text):
            found.append(path)
    return sorted(found, key=lambda p: _rank(p, tree))


def app_modules(tree: Path) -> list[tuple[Path, str]]:
    out = []
    for path in _files(tree, (".py",)):
        m = _APP_OBJECT.search(path.read_text(encoding="utf-8", errors="replace"))
        if m:
            out.append((path, m.group(1) or m.group(2)))
    return sorted(out, key=lambda x: _rank(x[0], tree))


def node_entries(tree: Path) -> list[Path]:
    found = [p for p in _files(tree, (".js", ".cjs", ".mjs")) if re.search(r"\.listen\(|createServer\(", p.read_text(errors="replace"))]
    return sorted(found, key=lambda p: _rank(p, tree))


def _module_exists(tree: Path, module: str) -> bool:
    base = tree / Path(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file() or (base / "__main__.py").is_file() \
        or (base.is_dir() and any(base.glob("*.py")))


def rewrite(command: str, tree: Path, variant: int = 0) -> tuple[str, str, int] | None:
    """(new command, explanation, alternatives) when a token of ``command`` names something missing;
    ``variant`` picks among the plausible entry points, best first."""
    tokens = shlex.split(command)
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        if re.search(r"\.(py|js|cjs|mjs)$", tok) and not (tree / tok).is_file():
            entries = python_entries(tree) if tok.endswith(".py") else node_entries(tree)
            if variant < len(entries):
                new = entries[variant].relative_to(tree).as_posix()
                return _replace(command, tok, new), f"{tok} does not exist; {new} starts the server", len(entries)
        if prev == "-m" and re.fullmatch(r"[A-Za-z_][\w.]*", tok) and not _module_exists(tree, tok):
            entries = python_entries(tree)
            if variant < len(entries):
                mod = entries[variant].relative_to(tree).with_suffix("").as_posix().replace("/", ".")
                return _replace(command, tok, mod), f"module {tok} does not exist; {mod} starts the server", len(entries)
        m = re.fullmatch(r"([A-Za-z_][\w.]*):([A-Za-z_]\w*)", tok)
        if m and not _module_exists(tree, m.group(1)):
            apps = app_modules(tree)
            if variant < len(apps):
                path, obj = apps[variant]
                mod = path.relative_to(tree).with_suffix("").as_posix().replace("/", ".")
                return _replace(command, tok, f"{mod}:{obj}"), f"module {m.group(1)} does not exist; {mod} defines {obj}", len(apps)
    return None


def _replace(command: str, old: str, new: str) -> str:
    return re.sub(rf"(?<![\w./-]){re.escape(old)}(?![\w./-])", new, command, count=1)


_NPM_SCRIPT = re.compile(r"^(?:npm|pnpm|yarn)\s+(?:run(?:-script)?\s+)?(?P<script>[\w:.-]+)\s*$")


def fix_start_command(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    procfile = tree / "Procfile"
    pkg_path = tree / "package.json"
    script = "start"
    if procfile.is_file():
        lines = procfile.read_text(encoding="utf-8").splitlines(keepends=True)
        for i, line in enumerate(lines):
            m = re.match(r"^(\s*web\s*:\s*)(.+?)(\s*)$", line)
            if m:
                fixed = rewrite(m.group(2), tree, tools.variant)
                if fixed is not None:
                    lines[i] = f"{m.group(1)}{fixed[0]}{m.group(3) or chr(10)}"
                    procfile.write_text("".join(lines), encoding="utf-8")
                    return StrategyResult(f"Procfile web: `{fixed[0]}` ({fixed[1]})", {"file": "Procfile", "command": fixed[0]}, 0.75,
                                          alternatives=fixed[2])
                npm = _NPM_SCRIPT.match(m.group(2))
                if npm is None or not pkg_path.is_file():
                    raise StrategyDeclined(f"the Procfile's web command `{m.group(2)}` names nothing missing that another file can replace")
                script = "start" if npm.group("script") in ("start", "run") else npm.group("script")  # web: npm start → the start script
                break
    if pkg_path.is_file():
        pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
        command = (pkg.get("scripts") or {}).get(script)
        entries = node_entries(tree)
        if command:
            fixed = rewrite(command, tree, tools.variant)
            if fixed:
                pkg["scripts"][script] = fixed[0]
                write_json_like(pkg_path, pkg)
                return StrategyResult(f"package.json {script}: `{fixed[0]}` ({fixed[1]})", {"file": "package.json", "command": fixed[0]}, 0.7,
                                      alternatives=fixed[2])
        elif entries and tools.variant < len(entries):
            pkg.setdefault("scripts", {})[script] = f"node {entries[tools.variant].relative_to(tree).as_posix()}"
            write_json_like(pkg_path, pkg)
            return StrategyResult(f"add the missing {script} script: `{pkg['scripts'][script]}`", {"file": "package.json"}, 0.7,
                                  alternatives=len(entries))
    raise StrategyDeclined("no Procfile web command or package.json start script that can be corrected")
