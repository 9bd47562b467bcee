"""fix_start_command: the start command names a file or module that is not there.

The real entry point is found in the repository: a module that starts a server under
``if __name__ == "__main__"`` (Python) or calls ``.listen(`` / ``createServer`` (Node), or one that
defines the app object a WSGI/ASGI server loads. When git history shows the missing file was renamed
(a stale Procfile after a rename), the new name comes first. A package module started as a script
(``python pkg/mod.py``) whose relative imports then fail is started as a module (``python -m pkg.mod``). A
compiled file the start runs (``node dist/index.js``) whose TypeScript source is there gets the build script
that writes it (``tsc``) when package.json has none. An option the start command's parser refused because its
value is an environment variable the platform does not set (``--workers $WEB_CONCURRENCY``) is dropped. A
factory named as the app (``gunicorn web:create_app``: a function that takes no argument, so every request fails)
is called the way the server calls factories.
The Procfile (or package.json's script) is rewritten; swarm.toml is never touched (it is protected).
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

from agents.strategies import (
    StrategyDeclined,
    StrategyResult,
    Tools,
    failure_text,
    procfile_lines,
    write_json_like,
)
from agents.strategies.declare_imports import module_imports
from agents.strategies.tslayout import (
    compiled_output,
    other_out_dir,
    typescript_source,
)
from memory.models import FailureReport

SKIP = {".venv", "venv", "env", "node_modules", ".git", "tests", "test", "build", "dist", "migrations"}
PREFERRED = ["app", "main", "server", "wsgi", "asgi", "run", "index", "manage"]
_SERVER_CALLS = re.compile(r"serve_forever|\.run\(|uvicorn\.run|run_app\(|make_server\(|serve\(|\.listen\(|createServer\(|execute_from_command_line\(")
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
    """Files that start a server when run: under ``if __name__ == "__main__":`` first, then those that start it at
    module level (``HTTPServer(...).serve_forever()`` as a top-level statement)."""
    guarded, top_level = [], []
    for path in _files(tree, (".py",)):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            mod = ast.parse(text)
        except SyntaxError:
            continue
        has_main = any(isinstance(n, ast.If) and "__main__" in ast.unparse(n.test) for n in mod.body)
        if has_main and _SERVER_CALLS.search(text):
            guarded.append(path)
        elif any(isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and _SERVER_CALLS.search(ast.unparse(n))
                 for n in mod.body):
            top_level.append(path)
    return sorted(guarded, key=lambda p: _rank(p, tree)) + sorted(top_level, key=lambda p: _rank(p, tree))


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


def renames(tree: Path) -> dict[str, str]:
    """old path → newest path, from the history of the checkout (empty when it has none)."""
    try:
        out = subprocess.run(["git", "-C", str(tree), "log", "-M", "--diff-filter=R", "--name-status", "--format=", "-n", "200"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    moved: dict[str, str] = {}
    for line in reversed(out.stdout.splitlines() if out.returncode == 0 else []):  # oldest first
        parts = line.split("\t")
        if len(parts) == 3 and parts[0].startswith("R"):
            moved[parts[1]] = parts[2]
            moved.update({k: parts[2] for k, v in moved.items() if v == parts[1]})
    return moved


def _renamed_first(entries: list[Path], tree: Path, old: str, moved: dict[str, str]) -> list[Path]:
    """The file git says ``old`` was renamed to comes first; without history, the one entry whose name is
    close to the missing one (``manage_old.py`` → ``manage.py``)."""
    new = moved.get(Path(old).as_posix())
    if new is None or not (tree / new).is_file():
        stem = Path(old).stem.lower()
        close = [e for e in entries if difflib.SequenceMatcher(None, stem, e.stem.lower()).ratio() >= 0.75]
        return [close[0], *(e for e in entries if e != close[0])] if len(close) == 1 else entries
    target = tree / new
    return [target, *(e for e in entries if e != target)]


def _module_of(rel: Path) -> str:
    return rel.with_suffix("").as_posix().replace("/", ".")


def script_as_module(command: str, tree: Path) -> tuple[str, str, int] | None:
    """``python pkg/mod.py`` whose module uses relative imports: start it as ``python -m pkg.mod``."""
    tokens = shlex.split(command)
    for i, tok in enumerate(tokens[1:], 1):
        if not (tok.endswith(".py") and Path(tokens[i - 1]).name.startswith("python") and (tree / tok).is_file()):
            continue
        rel = Path(tok)
        if rel.is_absolute() or ".." in rel.parts or len(rel.parts) < 2:
            continue
        try:
            mod = ast.parse((tree / tok).read_text(encoding="utf-8", errors="replace"))
        except SyntaxError:
            continue
        if any(isinstance(n, ast.ImportFrom) and n.level > 0 for n in ast.walk(mod)):
            module = _module_of(Path(*rel.parts))
            return (_replace(command, tok, f"-m {module}"),
                    f"{tok} uses relative imports, which only work when it runs as the module {module}", 1)
    return None


def rewrite(command: str, tree: Path, variant: int = 0, moved: dict[str, str] | None = None) -> tuple[str, str, int] | None:
    """(new command, explanation, alternatives) when a token of ``command`` names something missing;
    ``variant`` picks among the plausible entry points, best first."""
    as_module = script_as_module(command, tree)
    if as_module is not None:
        return as_module if variant == 0 else None
    moved = moved or {}
    tokens = shlex.split(command)
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        if tok in (".", "./") and Path(prev).name == "node":  # node . runs package.json's "main" (index.js by default)
            main = _package_main(tree)
            if main is not None and not (tree / main).is_file():
                entries = _renamed_first(node_entries(tree), tree, main, moved)
                if variant < len(entries):
                    new = entries[variant].relative_to(tree).as_posix()
                    return (_replace_token(command, tok, new), f"`node {tok}` runs {main} (package.json's main), which does "
                            f"not exist; {new} starts the server", len(entries))
        if re.search(r"\.(py|js|cjs|mjs)$", tok) and not (tree / tok).is_file():
            entries = python_entries(tree) if tok.endswith(".py") else node_entries(tree)
            entries = _renamed_first(entries, tree, tok, moved)
            if variant < len(entries):
                new = entries[variant].relative_to(tree).as_posix()
                return _replace(command, tok, new), f"{tok} does not exist; {new} starts the server", len(entries)
        if prev == "-m" and re.fullmatch(r"[A-Za-z_][\w.]*", tok) and not _module_exists(tree, tok):
            entries = _renamed_first(python_entries(tree), tree, tok.replace(".", "/") + ".py", moved)
            if variant < len(entries):
                mod = entries[variant].relative_to(tree).with_suffix("").as_posix().replace("/", ".")
                return _replace(command, tok, mod), f"module {tok} does not exist; {mod} starts the server", len(entries)
        m = re.fullmatch(r"([A-Za-z_][\w.]*):([A-Za-z_]\w*)(\(\))?", tok)  # module:app, or gunicorn's module:factory()
        if m and not _module_exists(tree, m.group(1)):
            apps = app_modules(tree)
            renamed = moved.get(m.group(1).replace(".", "/") + ".py")
            apps = sorted(apps, key=lambda a: a[0].relative_to(tree).as_posix() != renamed)  # a renamed module first
            if variant < len(apps):
                path, obj = apps[variant]
                mod = path.relative_to(tree).with_suffix("").as_posix().replace("/", ".")
                return _replace(command, tok, f"{mod}:{obj}"), f"module {m.group(1)} does not exist; {mod} defines {obj}", len(apps)
        if m and variant == 0 and _module_exists(tree, m.group(1)):
            fixed = _missing_attribute(command, tokens, tok, tree, m.group(1), m.group(2), called=bool(m.group(3)))
            if fixed is not None:
                return fixed
        if (re.fullmatch(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", tok) and not prev.startswith("-")
                and any(Path(t).name in _WSGI_SERVERS for t in tokens[:i]) and not _module_exists(tree, tok)):
            # gunicorn mysite.wsgi: a module with no ":attr" (the server loads its ``application``)
            apps = sorted(app_modules(tree), key=lambda a: a[0].stem != tok.rsplit(".", 1)[-1])  # config/wsgi.py first
            if variant < len(apps):
                path, obj = apps[variant]
                mod = _module_of(path.relative_to(tree))
                new = mod if obj == "application" else f"{mod}:{obj}"
                return _replace_token(command, tok, new), f"module {tok} does not exist; {mod} defines {obj}", len(apps)
    return None


_WSGI_SERVERS = {"gunicorn", "hypercorn", "waitress-serve", "daphne"}
"""Servers that take a bare module (``gunicorn mysite.wsgi``) and load its ``application``."""


_FACTORY = re.compile(r"(?:create|make|build|get|init)_?\w*app\w*|app_?factory|application_factory", re.I)


def _module_path(tree: Path, module: str) -> Path:
    """The file of a dotted module: ``pkg/mod.py``, else the package's ``pkg/mod/__init__.py``."""
    path = tree / Path(*module.split("."))
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else path / "__init__.py"


def _module_ast(tree: Path, module: str) -> ast.Module | None:
    try:
        return ast.parse(_module_path(tree, module).read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return None


def _takes_nothing(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A plain function no server can call with a request: no positional parameter, no ``*args``, every keyword-only
    one defaulted, no decorator that could change the signature."""
    a = node.args
    return (not node.decorator_list and not a.posonlyargs and not a.args and a.vararg is None
            and all(d is not None for d in a.kw_defaults))


def _server(tokens: list[str]) -> str:
    """The WSGI/ASGI server the command runs (``gunicorn``, ``python -m uvicorn`` ...), or ""."""
    for i, t in enumerate(tokens):
        name = Path(t).name
        if name in ("gunicorn", "gunicorn3", "uvicorn", "hypercorn", "waitress-serve"):
            return name.rstrip("3")
        if t == "-m" and i + 1 < len(tokens) and tokens[i + 1] in ("gunicorn", "uvicorn", "hypercorn", "waitress"):
            return "waitress-serve" if tokens[i + 1] == "waitress" else tokens[i + 1]
    return ""


def _call_factory(command: str, tokens: list[str], tok: str, module: str, factory: str, called: bool) -> str | None:
    """``command`` with its app token ``tok`` replaced by the factory, written the way the server calls factories:
    gunicorn's and hypercorn's ``'module:factory()'`` (quoted for the shell), uvicorn's ``--factory``, waitress-serve's
    ``--call``."""
    server = _server(tokens)
    if server == "uvicorn":
        return _replace(command, tok, f"{module}:{factory}" if "--factory" in tokens else f"--factory {module}:{factory}")
    if server in ("gunicorn", "hypercorn"):  # the token was already a call (and quoted) when it ended in "()"
        return _replace(command, tok, f"{module}:{factory}()" if called else f"'{module}:{factory}()'")
    if server == "waitress-serve":
        return _replace(command, tok, f"{module}:{factory}" if "--call" in tokens else f"--call {module}:{factory}")
    return None


def _missing_attribute(command: str, tokens: list[str], tok: str, tree: Path, module: str, attr: str,
                       called: bool = False) -> tuple[str, str, int] | None:
    """``server module:app`` where the module binds no ``app``: the app object it does bind (``application = ...``),
    or the factory that builds it (``def create_app():``), called the way the server calls factories (gunicorn's
    ``module:create_app()``, uvicorn's ``--factory``, waitress-serve's ``--call``). And ``server module:create_app``
    where the name is bound but is such a factory: a function that takes no argument is never the app (a WSGI server
    calls the app with ``(environ, start_response)``, an ASGI one with ``(scope, receive, send)``), so it answers every
    request with ``create_app() takes 0 positional arguments but 2 were given``. Read with ``ast``: a name bound
    anywhere at module level (assignment, def, class, import) counts as there."""
    mod = _module_ast(tree, module)
    if mod is None:
        return None
    bound: set[str] = set()
    factories: list[str] = []
    for node in mod.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bound.add(node.name)
            if node.name == attr and not called and _takes_nothing(node):
                new = _call_factory(command, tokens, tok, module, attr, called)
                if new is None:
                    return None
                return new, (f"{attr}() takes no argument, so it is not the app but the factory that builds it; "
                             f"{_server(tokens)} is told to call it"), 1
            required = len(node.args.posonlyargs) + len(node.args.args) - len(node.args.defaults)
            if _FACTORY.fullmatch(node.name) and required == 0:
                factories.append(node.name)
        elif isinstance(node, ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                bound.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    if attr in bound:
        return None
    objects = [name for name in ("app", "application", "api", "server") if name in bound and name not in factories]
    if objects:
        return _replace(command, tok, f"{module}:{objects[0]}"), f"{module} binds no {attr}; its app object is {objects[0]}", 1
    if not factories:
        return None
    factory = factories[0]
    new = _call_factory(command, tokens, tok, module, factory, called)
    if new is None:
        return None
    return new, f"{module} binds no {attr}; {factory}() builds the app, and {_server(tokens)} calls it", 1


def _package_main(tree: Path) -> str | None:
    try:
        pkg = json.loads((tree / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    main = pkg.get("main", "index.js") if isinstance(pkg, dict) else None
    if not isinstance(main, str) or ".." in Path(main).parts or Path(main).is_absolute():
        return None
    return main if Path(main).suffix else main + ".js"


def _replace_token(command: str, old: str, new: str) -> str:
    """Replace the token ``old`` (``.``) where it stands alone."""
    return re.sub(rf"(?<=\s){re.escape(old)}(?=\s|$)", new, command, count=1)


def _replace(command: str, old: str, new: str) -> str:
    return re.sub(rf"(?<![\w./-]){re.escape(old)}(?![\w./-])", new, command, count=1)


_NPM_SCRIPT = re.compile(r"^(?:npm|pnpm|yarn)\s+(?:run(?:-script)?\s+)?(?P<script>[\w:.-]+)\s*$")


ASGI_UNDER_WSGI = re.compile(r"__call__\(\) (?:missing (?:1 required positional argument: 'send'|2 required positional arguments: "
                             r"'receive' and 'send')|takes 1 positional argument but 3 were given)")
"""An async app called the WSGI way, with (environ, start_response): ASGI (FastAPI, Starlette, Quart, Django's asgi),
or aiohttp's Application, whose ``__call__`` takes no request at all."""
ASYNC_WORKERS = {"aiohttp": "aiohttp.GunicornWebWorker"}
"""Frameworks that ship their own gunicorn worker (aiohttp's docs: ``--worker-class aiohttp.GunicornWebWorker``);
every other async app is ASGI and gets uvicorn's."""
UVICORN_WORKER = "uvicorn.workers.UvicornWorker"


def async_worker(command: str, tree: Path) -> str:
    """The gunicorn worker for the app ``command`` serves: its framework's own (read from the imports of the module the
    ``module:app`` token names, with ``ast``) or uvicorn's ASGI worker."""
    for tok in shlex.split(command):
        m = re.fullmatch(r"([A-Za-z_][\w.]*):[A-Za-z_]\w*(?:\(\))?", tok)
        if m is None:
            continue
        try:
            tops = set(module_imports(_module_path(tree, m.group(1)).read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
        for framework, worker in ASYNC_WORKERS.items():
            if framework in tops:
                return worker
    return UVICORN_WORKER
_GUNICORN = re.compile(r"(?:^|\s)(?:\S*/)?gunicorn(?:\s|$)")
_WORKER_FLAG = re.compile(r"(?:^|\s)(?:-k|--worker-class)(?:\s+|=)(\S+)")


def _asgi_worker(command: str, tree: Path) -> str | None:
    """``gunicorn main:app`` serving an async app with gunicorn's default sync (WSGI) worker gets the async worker
    its framework needs (:func:`async_worker`)."""
    if not _GUNICORN.search(command):
        return None
    wanted = async_worker(command, tree)
    worker = _WORKER_FLAG.search(command)
    if worker is not None and worker.group(1).lower().startswith(wanted.split(".")[0].lower()):
        return None  # already the framework's own worker (uvicorn's H11 worker counts as uvicorn's)
    if worker is not None:
        return command[:worker.start(1)] + wanted + command[worker.end(1):]
    at = _GUNICORN.search(command)
    assert at is not None
    return command[:at.end()].rstrip() + f" -k {wanted} " + command[at.end():].lstrip()


def _start_compiled(tree: Path, pkg: dict[str, Any], script: str, source: str, compiled: str, why: str = "") -> StrategyResult:
    """The start script runs ``compiled`` instead of ``source``; package.json gains ``"build": "tsc"`` unless a build
    script already compiles (platforms run it after installing, before the start)."""
    scripts = pkg["scripts"]
    declared = {**(pkg.get("dependencies") or {}), **(pkg.get("devDependencies") or {})}
    build = scripts.get("build")
    if build is None and "typescript" not in declared:
        raise StrategyDeclined(f"the start runs {source} with node, which cannot run TypeScript, and the project does not "
                               "declare typescript (tsc) to compile it")
    if build is not None and "tsc" not in str(build):
        raise StrategyDeclined(f"the start runs {source} with node, and the build script (`{build}`) is not tsc: where it "
                               "writes the JavaScript is not known here")
    scripts[script] = _replace_token(scripts[script], source, compiled)
    if build is None:
        scripts["build"] = "tsc"
    write_json_like(tree / "package.json", pkg)
    return StrategyResult(f"package.json {script}: `{scripts[script]}`{'' if build else ' and build: `tsc`'}: "
                          + (why or f"node cannot run the TypeScript source {source}; tsc compiles it to {compiled} (tsconfig.json)"),
                          {"file": "package.json", "command": scripts[script], "script": script}, 0.8)


def _add_build_script(tree: Path, missing: str, source: str) -> StrategyResult:
    """package.json gains ``"build": "tsc"``: platforms run the build script after installing (the local platform,
    Heroku, Render's ``npm run build``), so ``missing`` exists when the start command runs."""
    pkg_path = tree / "package.json"
    try:
        pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise StrategyDeclined(f"{missing} is compiled from {source}, but package.json cannot be read to add a build script") from None
    scripts = pkg.setdefault("scripts", {}) if isinstance(pkg, dict) else None
    if not isinstance(scripts, dict):
        raise StrategyDeclined(f"{missing} is compiled from {source}, but package.json has no scripts object")
    if "build" in scripts:
        raise StrategyDeclined(f"{missing} is compiled from {source}, and package.json's build script (`{scripts['build']}`) "
                               "does not produce it")
    declared = {**(pkg.get("dependencies") or {}), **(pkg.get("devDependencies") or {})}
    if "typescript" not in declared:
        raise StrategyDeclined(f"{missing} is compiled from {source}, but the project does not declare typescript (tsc)")
    scripts["build"] = "tsc"
    write_json_like(pkg_path, pkg)
    return StrategyResult(f'package.json: add the build script `tsc`: the start command runs {missing}, which tsc compiles from '
                          f"{source} (tsconfig.json's outDir), and nothing compiled it before the start",
                          {"file": "package.json", "command": "tsc", "script": "build"}, 0.8)


def _option_names(option: str, cause: str) -> list[str]:
    """The option and its other spelling as the parser printed them (argparse's ``-w/--workers``, commander's
    ``'-p, --port <n>'``)."""
    names = {option}
    for m in re.finditer(r"(?<![\w-])(-\w)(?:/|, )(--[\w-]+)", cause):
        if option in m.groups():
            names.update(m.groups())
    return sorted(names, key=len, reverse=True)


_PORT_OPTIONS = {"--port", "-p", "--http-port", "--bind", "-b"}


def drop_variable_option(command: str, names: list[str]) -> tuple[str, str, str] | None:
    """(new command, variable, what became of the option) when ``command`` gives one of ``names`` an environment
    variable as its value (``--workers $WEB_CONCURRENCY``, ``-p "${APP_PORT}"``, ``--port=$X``): with the variable
    unset the shell passes nothing and the parser refuses the option. Without it the program uses its own default;
    a port option takes ``$PORT`` instead (the platform routes to that port only, a default would miss it)."""
    alt = "|".join(re.escape(n) for n in names)
    m = re.search(rf"""(\s+)({alt})(\s+|=)(["']?)\$\{{?([A-Za-z_]\w*)\}}?\4(?=\s|$)""", command)
    if m is None:
        return None
    if m.group(2) in _PORT_OPTIONS and m.group(5) != "PORT":
        return (command[:m.start()] + f"{m.group(1)}{m.group(2)}{m.group(3)}$PORT" + command[m.end():], m.group(5),
                "the port the platform routes to, $PORT, instead")
    return command[:m.start()] + command[m.end():], m.group(5), "the server's own default applies"


def _variable_option(report: FailureReport, tree: Path) -> StrategyResult:
    """The start command's parser refused an option whose value is an unset environment variable: the option goes."""
    option = (report.entity or "").strip()
    names = _option_names(option, failure_text(report))
    procfile, pkg_path = tree / "Procfile", tree / "package.json"
    if (lines := procfile_lines(tree)) is not None:
        for i, line in enumerate(lines):
            m = re.match(r"^(\s*web\s*:\s*)(.+?)(\s*)$", line)
            dropped = drop_variable_option(m.group(2), names) if m else None
            if m and dropped is not None:
                lines[i] = f"{m.group(1)}{dropped[0]}{m.group(3) or chr(10)}"
                procfile.write_text("".join(lines), encoding="utf-8")
                return StrategyResult(f"Procfile web: `{dropped[0]}` ({option} was given ${dropped[1]}, which this platform does not "
                                      f"set: {dropped[2]})", {"file": "Procfile", "command": dropped[0],
                                                                                "variable": dropped[1]}, 0.75)
    try:
        pkg = json.loads(pkg_path.read_text(encoding="utf-8")) if pkg_path.is_file() else None
    except ValueError:
        pkg = None
    scripts = pkg.get("scripts") if isinstance(pkg, dict) else None
    command = scripts.get("start") if isinstance(scripts, dict) else None
    dropped = drop_variable_option(command, names) if isinstance(command, str) else None
    if isinstance(scripts, dict) and dropped is not None:
        scripts["start"] = dropped[0]
        write_json_like(pkg_path, pkg)
        return StrategyResult(f"package.json start: `{dropped[0]}` ({option} was given ${dropped[1]}, which this platform "
                              f"does not set: {dropped[2]})",
                              {"file": "package.json", "command": dropped[0], "variable": dropped[1]}, 0.7)
    raise StrategyDeclined(f"the start command's parser refused {option}, but no start command gives it an environment variable; "
                           "its value is the author's choice")


_DETACH_FLAGS = re.compile(r"\s(?:--daemon|-D)(?=\s|$)")
"""gunicorn's flags that fork the server into the background."""


def foreground(command: str) -> str | None:
    """The command with its server kept in the foreground, or None when it already is: a platform watches the process
    it started, and one that returns at once (``node server.js &``, ``nohup ... &``, gunicorn ``--daemon``, uWSGI
    ``--daemonize``, ``pm2 start``, ``forever start``) leaves it nothing to route to."""
    new = command.rstrip()
    new = re.sub(r"\s*(?<!&)&$", "", new)  # a trailing `&` (never `&&`)
    new = re.sub(r"^(\s*(?:exec\s+)?)nohup\s+", r"\1", new) if new != command.rstrip() else new
    new = re.sub(r"\s>\s*\S+(?:\s+2>&1)?$", "", new) if new != command.rstrip() else new  # nohup's `> out.log 2>&1`
    if re.search(r"\bgunicorn\b", new):
        new = _DETACH_FLAGS.sub("", new)
    if re.search(r"\buwsgi\b", new):
        new = re.sub(r"\s--daemonize2?(?:[= ]\S+)?(?=\s|$)|\s-d\s+\S+", "", new)
    new = re.sub(r"\bpm2\s+start\b", "pm2-runtime start", new)  # pm2's documented foreground runner for containers
    new = re.sub(r"\bforever\s+start\s+", "forever ", new)
    return new if new != command.rstrip() else None


def _foreground_start(tree: Path) -> StrategyResult | None:
    procfile, pkg_path = tree / "Procfile", tree / "package.json"
    if (lines := procfile_lines(tree)) is not None:
        for i, line in enumerate(lines):
            m = re.match(r"^(\s*web\s*:\s*)(.+?)(\s*)$", line)
            fixed = foreground(m.group(2)) if m else None
            if m and fixed is not None:
                lines[i] = f"{m.group(1)}{fixed}{m.group(3) or chr(10)}"
                procfile.write_text("".join(lines), encoding="utf-8")
                return StrategyResult(f"Procfile web: `{fixed}`: the command sent the server to the background and returned, "
                                      "so the platform had no process to route to", {"file": "Procfile", "command": fixed}, 0.8)
    try:
        pkg = json.loads(pkg_path.read_text(encoding="utf-8")) if pkg_path.is_file() else None
    except ValueError:
        return None
    scripts = pkg.get("scripts") if isinstance(pkg, dict) else None
    command = scripts.get("start") if isinstance(scripts, dict) else None
    fixed = foreground(command) if isinstance(command, str) else None
    if isinstance(scripts, dict) and fixed is not None:
        scripts["start"] = fixed
        write_json_like(pkg_path, pkg)
        return StrategyResult(f"package.json start: `{fixed}`: the command sent the server to the background and returned, so "
                              "the platform had no process to route to", {"file": "package.json", "command": fixed}, 0.8)
    return None


def fix_start_command(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    procfile = tree / "Procfile"
    pkg_path = tree / "package.json"
    cause = report.root_cause or ""
    detached = _foreground_start(tree) if tools.variant == 0 else None
    if detached is not None:
        return detached
    if procfile.is_file() and b"\r" in procfile.read_bytes() and ("\r" in cause or "\\r" in cause):
        # a Procfile saved with Windows line endings: the command ends in a carriage return (python looks for
        # 'app.py\r', sh for 'gunicorn\r'); only the line endings change
        procfile.write_bytes(procfile.read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        return StrategyResult("Procfile: Windows line endings (CRLF) → LF: the web command ended in a carriage return",
                              {"file": "Procfile", "command": "line endings"}, 0.85)
    if ASGI_UNDER_WSGI.search(report.root_cause or "") and (lines := procfile_lines(tree)) is not None:
        for i, line in enumerate(lines):
            m = re.match(r"^(\s*web\s*:\s*)(.+?)(\s*)$", line)
            if m and (fixed_cmd := _asgi_worker(m.group(2), tree)) is not None:
                lines[i] = f"{m.group(1)}{fixed_cmd}{m.group(3) or chr(10)}"
                procfile.write_text("".join(lines), encoding="utf-8")
                worker = async_worker(m.group(2), tree)
                return StrategyResult(f"Procfile web: `{fixed_cmd}` (the app is async: gunicorn's default worker speaks WSGI; "
                                      f"{worker} runs it)", {"file": "Procfile", "command": fixed_cmd, "worker": worker}, 0.8)
        raise StrategyDeclined("an async app is called the WSGI way, but the Procfile's web command is not gunicorn's")
    if (report.entity or "").startswith("-"):
        return _variable_option(report, tree)
    script = "start"
    moved = renames(tree)
    if (lines := procfile_lines(tree)) is not None:
        for i, line in enumerate(lines):
            m = re.match(r"^(\s*web\s*:\s*)(.+?)(\s*)$", line)
            if m:
                built = compiled_output(m.group(2), tree)
                if built is not None and (tree / "package.json").is_file():
                    return _add_build_script(tree, *built)
                fixed = rewrite(m.group(2), tree, tools.variant, moved)
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
            elsewhere = other_out_dir(command, tree)
            if elsewhere is not None:
                return _start_compiled(tree, pkg, script, *elsewhere, why=(
                    f"{elsewhere[0]} is never written: tsconfig.json's outDir puts the compiled {Path(elsewhere[1]).name} in "
                    f"{Path(elsewhere[1]).parent.as_posix()}/"))
            built = compiled_output(command, tree)
            if built is not None:
                return _add_build_script(tree, *built)
            ts = typescript_source(command, tree)
            if ts is not None:
                return _start_compiled(tree, pkg, script, *ts)
            fixed = rewrite(command, tree, tools.variant, moved)
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
