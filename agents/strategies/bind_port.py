"""bind_port: make the app listen on ``$PORT`` (and on all interfaces) instead of a hard-coded port.

Python is read through the AST and the values are followed to where they are written: a port literal
assigned to a ``*port*`` name, passed as ``port=`` or positionally (``make_server``, ``run_simple``,
``app.run``), given as the second item of an address tuple, kept in a config dict, a function default or an
argparse/click ``default=``, reached through names, ``int()`` and ``cfg["port"]``/``cfg.get("port")``, is
replaced by ``int(os.environ.get("PORT", "<old>"))``; a literal ``"127.0.0.1"``/``"localhost"`` host on the same
paths becomes ``"0.0.0.0"``; a value read from another environment variable (``os.environ.get("APP_PORT", "8000")``)
reads ``PORT`` first. JavaScript and TypeScript are followed the same way with tree-sitter (``jsflow``). Edits keep
the rest of each file byte for byte.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools, jsflow, source_lines
from agents.strategies.jsflow import LOCAL_HOSTS, SERVICE_PORTS, listen_port
from agents.strategies.portcommands import start_commands
from memory.models import FailureReport

SKIP_DIRS = {".venv", "venv", "env", "node_modules", ".git", "tests", "test", "build", "dist"}
_SERVER_CALL = re.compile(r"(Server|server|bind|listen|serve|run)$")
Edit = tuple[int, int, int, str]  # line (1-based), start col, end col, replacement


def _sources(tree: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in tree.rglob("*") if p.suffix in suffixes and p.is_file()
                  and not SKIP_DIRS.intersection(p.relative_to(tree).parts[:-1]))


def _port_literal(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value if listen_port(node.value) else None
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isdigit():  # PORT = "8080"
        return int(node.value) if listen_port(int(node.value)) else None
    return None


def _host_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in LOCAL_HOSTS


_APP_NAMES = {"app", "application", "api", "server", "uvicorn", "waitress", "socketio", "web", "hypercorn"}


def _receiver(node: ast.Call) -> str:
    f = node.func
    return f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""


def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


_POSITIONAL = {  # server entry points that take (host, port) positionally, and where those two sit
    "make_server": (0, 1), "run_simple": (0, 1), "run": (0, 1), "serve": (1, 2), "run_app": (None, None),
    "TCPSite": (1, 2),
}
_SERVICE_WORDS = ("db", "database", "redis", "postgres", "pg_", "mysql", "mongo", "smtp", "mail", "cache", "memcache",
                  "elastic", "rabbit", "amqp", "kafka", "broker", "proxy")
"""Names of services an app connects to; SERVICE_PORTS (jsflow) are their ports: never taken for the app's own."""


class _Scope:
    """Where a name's value comes from: single assignments (module or function) and parameter defaults."""

    def __init__(self, tree: ast.Module) -> None:
        self.values: dict[str, list[ast.AST]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.values.setdefault(node.targets[0].id, []).append(node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                self.values.setdefault(node.target.id, []).append(node.value)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                positional = [*args.posonlyargs, *args.args]
                for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults, strict=True):
                    self.values.setdefault(arg.arg, []).append(default)
                for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                    if kw_default is not None:
                        self.values.setdefault(arg.arg, []).append(kw_default)

    def sources(self, node: ast.AST, depth: int = 0) -> list[ast.AST]:
        """The expressions a value flows from: through names, ``int()``/``str()``, ``cfg["port"]``, ``cfg.get``."""
        if depth > 6:
            return []
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("int", "str") and node.args:
            return self.sources(node.args[0], depth + 1)
        if isinstance(node, ast.Name):
            return [src for value in self.values.get(node.id, []) for src in self.sources(value, depth + 1)]
        key_of = _dict_key(node)
        if key_of is not None:
            base, key = key_of
            found = []
            for value in ([base] if isinstance(base, ast.Dict) else self.values.get(base.id, []) if isinstance(base, ast.Name) else []):
                if isinstance(value, ast.Dict):
                    found += [self.sources(v, depth + 1)[0] for k, v in zip(value.keys, value.values, strict=True)
                              if isinstance(k, ast.Constant) and k.value == key and self.sources(v, depth + 1)]
            return found or [node]
        return [node]


def _dict_key(node: ast.AST) -> tuple[ast.AST, str] | None:
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.value, node.slice.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args \
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.func.value, node.args[0].value
    return None


_BIND_ADDRESS = re.compile(r"^(?P<host>[^:\s/]*):(?P<port>\d{2,5})$")


def _bind_edit(node: ast.AST) -> Edit | None:
    """A ``"host:port"`` bind string (gunicorn's ``bind``, hypercorn's ``Config.bind``) made to listen on 0.0.0.0:$PORT;
    None for anything else (a unix socket, an fd, a value that is not a literal, a service's port)."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or node.lineno != node.end_lineno:
        return None
    m = _BIND_ADDRESS.match(node.value.strip())
    if m is None or int(m["port"]) in SERVICE_PORTS or (m["host"] and m["host"] not in (*LOCAL_HOSTS, "0.0.0.0", "[::]")):
        return None
    return (node.lineno, node.col_offset, node.end_col_offset,  # type: ignore[return-value]
            f'"0.0.0.0:" + os.environ.get("PORT", "{m["port"]}")')


def _bind_fstring_edit(node: ast.AST) -> Edit | None:
    """``f"0.0.0.0:{os.environ.get('APP_PORT', '8000')}"``: an address whose port is read from another variable reads
    $PORT first; the host part stays (a loopback one becomes 0.0.0.0)."""
    if not isinstance(node, ast.JoinedStr) or node.lineno != node.end_lineno or len(node.values) != 2:
        return None
    head, port = node.values
    if not (isinstance(head, ast.Constant) and isinstance(head.value, str) and head.value.endswith(":")
            and isinstance(port, ast.FormattedValue) and port.conversion == -1 and port.format_spec is None):
        return None
    key = env_key(port.value)
    if key is None or key == "PORT":
        return None
    host = head.value[:-1]
    if host and host not in (*LOCAL_HOSTS, "0.0.0.0", "[::]"):
        return None
    return (node.lineno, node.col_offset, node.end_col_offset,  # type: ignore[return-value]
            f'"0.0.0.0:" + str(os.environ.get("PORT") or {ast.unparse(port.value)})')


def _bind_edits(value: ast.AST) -> list[Edit]:
    """``bind = "127.0.0.1:8000"`` or ``config.bind = ["localhost:8000"]``: the first literal address of the value
    (two addresses on one $PORT would collide; the others are left as they are)."""
    items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
    return next(([e] for e in (_bind_edit(i) or _bind_fstring_edit(i) for i in items) if e is not None), [])


def _target_name(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def env_key(node: ast.AST) -> str | None:
    """The variable name of ``os.environ.get("X", ...)``, ``os.getenv("X")`` or ``os.environ["X"]``."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        fn = ast.unparse(node.func)
        if fn in ("os.environ.get", "os.getenv", "environ.get", "getenv"):
            return node.args[0].value
    if isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ") \
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def python_edits(source: str, loopback: bool = False) -> list[Edit]:
    """Edits that make ``source`` listen on $PORT and 0.0.0.0, following where the values come from.

    Where a server call's port comes from data the code does not spell out (``CONFIG["port"]`` read from a JSON
    file, ``settings.port`` of an object), the call itself reads ``$PORT`` first; when the platform saw the app
    listen on a loopback address (``loopback``), a host that comes from such data is replaced at the call too."""
    tree = ast.parse(source)
    scope = _Scope(tree)
    tornado = "tornado" in _imports(tree).values()
    edits: list[Edit] = []
    sinks: list[tuple[str, ast.AST]] = []  # ("port" | "host", the argument of a listening call)

    def port(node: ast.AST) -> bool:
        """Edit where the value is written; True when it is (or already is) $PORT."""
        handled = False
        for src in scope.sources(node):
            env_name = env_key(src)
            if env_name == "PORT":
                handled = True
                continue
            if env_name is not None and src.lineno == src.end_lineno:  # type: ignore[attr-defined]
                edits.append((src.lineno, src.col_offset, src.col_offset, 'os.environ.get("PORT") or '))  # type: ignore[attr-defined]
                handled = True
                continue
            value = _port_literal(src)
            if value is not None and value not in SERVICE_PORTS and src.lineno == src.end_lineno:  # type: ignore[attr-defined]
                text = f'os.environ.get("PORT", "{value}")'
                edits.append((src.lineno, src.col_offset, src.end_col_offset,  # type: ignore[attr-defined]
                              text if isinstance(src.value, str) else f"int({text})"))  # type: ignore[attr-defined]
                handled = True
            elif value is not None or isinstance(src, ast.Constant):
                handled = True  # a service port or a literal left alone on purpose: no fallback either
        return handled

    def host(node: ast.AST) -> bool:
        handled = False
        for src in scope.sources(node):
            if _host_literal(src) and src.lineno == src.end_lineno:  # type: ignore[attr-defined]
                edits.append((src.lineno, src.col_offset, src.end_col_offset, '"0.0.0.0"'))  # type: ignore[attr-defined]
            handled = handled or isinstance(src, ast.Constant)
        return handled

    def sink_port(node: ast.AST) -> None:
        if not port(node):
            sinks.append(("port", node))

    def sink_host(node: ast.AST) -> None:
        if not host(node):
            sinks.append(("host", node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and env_key(node.targets[0]) == "PORT" \
                and node.lineno == node.end_lineno and env_key(node.value) != "PORT":
            target = node.targets[0]  # os.environ["PORT"] = "8000": the platform's value is replaced before it is read
            assert isinstance(target, ast.Subscript)
            environ, value = ast.get_source_segment(source, target.value), ast.get_source_segment(source, node.value)
            edits.append((node.lineno, node.col_offset, node.end_col_offset,  # type: ignore[arg-type]
                          f'{environ}.setdefault("PORT", {value})'))
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and _target_name(node.targets[0]) == "bind":
            edits.extend(_bind_edits(node.value))  # gunicorn.conf.py's bind, hypercorn's config.bind
        elif isinstance(node, ast.Dict):
            for key, val in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "bind":  # options = {"bind": "127.0.0.1:8000"}
                    edits.extend(_bind_edits(val))
        elif isinstance(node, ast.Call):
            for kw in node.keywords:  # waitress' serve(app, listen="127.0.0.1:8080"), Config(bind=["localhost:8000"])
                if kw.arg in ("bind", "listen"):
                    edits.extend(_bind_edits(kw.value))
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id.lower()
            if any(w in name for w in _SERVICE_WORDS):
                continue  # DB_PORT, REDIS_HOST: the address of a service the app talks to, not where it listens
            if "port" in name:
                port(node.value)
            elif name.endswith("host"):
                host(node.value)
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            listens = bool(_SERVER_CALL.search(name)) or name in _POSITIONAL or name in ("Config", "TCPSite")
            for kw in node.keywords:
                if kw.arg == "port" and listens:  # connect(host=..., port=...) is a client: left alone
                    sink_port(kw.value)
                elif (kw.arg == "host" or (kw.arg == "address" and tornado)) and listens:
                    sink_host(kw.value)  # tornado: app.listen(8888, address="127.0.0.1")
                elif kw.arg == "default" and name in ("add_argument", "option") and node.args \
                        and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    flag = node.args[0].value.lstrip("-").lower()  # argparse / click: --port 5000, --host 127.0.0.1
                    if "port" in flag:
                        port(kw.value)
                    elif flag.endswith("host") or flag == "bind":
                        host(kw.value)
            if node.args and _SERVER_CALL.search(name):
                first = scope.sources(node.args[0])
                for address in (a for a in first if isinstance(a, ast.Tuple) and len(a.elts) == 2):
                    sink_host(address.elts[0]) if name.lower().endswith("server") else host(address.elts[0])
                    sink_port(address.elts[1]) if name.lower().endswith("server") else port(address.elts[1])
            host_at, port_at = _POSITIONAL.get(name, (None, None))
            if name == "listen" and tornado and node.args:
                host_at, port_at = 1, 0  # tornado: app.listen(port, address="") (a socket's listen(backlog) is not one)
            if host_at is not None and port_at is not None and len(node.args) > port_at:
                sure = name not in ("run", "serve") or _receiver(node) in _APP_NAMES  # executor.run(a, b) is no server
                if len(node.args) > host_at:
                    (sink_host if sure else host)(node.args[host_at])
                (sink_port if sure else port)(node.args[port_at])
    edits += _default_addresses(tree, source, scope)
    edited = {(e[0], e[1]) for e in edits}
    for kind, arg in sinks:
        if arg.lineno != arg.end_lineno or isinstance(arg, ast.Starred):  # type: ignore[attr-defined]
            continue
        if any(getattr(src, "lineno", None) is not None and (src.lineno, src.col_offset) in edited  # type: ignore[attr-defined]
               for src in scope.sources(arg)):
            continue  # the value was fixed where it is written (another call reads the same name)
        text = ast.get_source_segment(source, arg)
        if text is None:
            continue
        if kind == "port":
            edits.append((arg.lineno, arg.col_offset, arg.end_col_offset,  # type: ignore[attr-defined]
                          f'int(os.environ.get("PORT") or {text})'))
        elif loopback:
            edits.append((arg.lineno, arg.col_offset, arg.end_col_offset, '"0.0.0.0"'))  # type: ignore[attr-defined]
    return edits


# Server calls that listen somewhere by default when not told where: (library, call, where the default host and port
# sit positionally, default port, whether the default host is loopback). Flask's app.run() is 127.0.0.1:5000,
# uvicorn.run(app) 127.0.0.1:8000, aiohttp's run_app(app) all interfaces on 8080, waitress's serve(app) *:8080,
# Flask-SocketIO's socketio.run(app) 127.0.0.1:5000, Sanic's app.run() 127.0.0.1:8000; Bottle's run(app=None,
# server='wsgiref', host='127.0.0.1', port=8080) and Bottle().run(**kwargs) (keywords only); CherryPy's
# quickstart(root) 127.0.0.1:8080 unless a config says otherwise (it gets one).
_DEFAULTS: dict[str, tuple[int | None, int | None, int, bool]] = {
    "flask": (0, 1, 5000, True), "quart": (0, 1, 5000, True), "sanic": (0, 1, 8000, True),
    "uvicorn": (1, 2, 8000, True), "aiohttp": (None, None, 8080, False), "waitress": (None, None, 8080, False),
    "flask_socketio": (1, 2, 5000, True), "bottle": (2, 3, 8080, True), "bottle_app": (None, None, 8080, True),
}
_APP_CLASSES = {"Flask": "flask", "Quart": "quart", "Sanic": "sanic", "SocketIO": "flask_socketio", "Bottle": "bottle_app"}
_MODULE_RUNS = ("uvicorn", "bottle")  # run(app) imported from these, or module.run(app)


def _imports(tree: ast.Module) -> dict[str, str]:
    """Local name → the top-level package it comes from (``from aiohttp import web`` → web: aiohttp)."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                found[(a.asname or a.name).split(".")[0]] = a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                found[a.asname or a.name] = node.module.split(".")[0]
    return found


def _server_library(node: ast.Call, scope: _Scope, imported: dict[str, str]) -> str | None:
    """Which library's listening call this is, when it is one whose defaults matter."""
    name, recv = _call_name(node), _receiver(node)
    if name == "run" and isinstance(node.func, ast.Name):
        return imported.get("run") if imported.get("run") in _MODULE_RUNS else None
    if name == "run_app" and imported.get(recv or "run_app") == "aiohttp":
        return "aiohttp"
    if name == "serve" and imported.get(recv or "serve") == "waitress":
        return "waitress"
    if name == "quickstart" and imported.get(recv or "quickstart") == "cherrypy":
        return "cherrypy"
    if name == "run" and recv:
        if imported.get(recv) in _MODULE_RUNS:
            return imported[recv]
        for value in scope.values.get(recv, []):  # app = Flask(__name__), socketio = SocketIO(app)
            if isinstance(value, ast.Call) and _call_name(value) in _APP_CLASSES:
                return _APP_CLASSES[_call_name(value)]
        if recv in ("app", "application") and "flask" in imported.values():
            return "flask"  # app = create_app() in a Flask project
    return None


def _default_addresses(tree: ast.Module, source: str, scope: _Scope) -> list[Edit]:
    """``app.run()``, ``uvicorn.run(app)``, ``web.run_app(app)``: a server call that passes no port listens on its
    library's default (and, for most, on 127.0.0.1). The missing ``host="0.0.0.0"`` / ``port=int(os.environ.get(
    "PORT", "<default>"))`` keywords are added before the closing parenthesis; a call that passes ``**kwargs`` is
    left alone (its address may be in them)."""
    imported = _imports(tree)
    edits: list[Edit] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or any(kw.arg is None for kw in node.keywords) \
                or any(isinstance(a, ast.Starred) for a in node.args):
            continue
        library = _server_library(node, scope, imported)
        if library is None:
            continue
        keywords = {kw.arg for kw in node.keywords}
        if library == "cherrypy":  # quickstart(root, script_name="", config=None): 127.0.0.1:8080 unless configured
            if "config" in keywords or len(node.args) > 2:
                continue
            add = ['config={"global": {"server.socket_host": "0.0.0.0", '
                   '"server.socket_port": int(os.environ.get("PORT", "8080"))}}']
        else:
            host_at, port_at, default_port, loopback = _DEFAULTS[library]
            if keywords & {"uds", "fd", "listen", "sock", "unix_socket", "path"}:
                continue  # a socket or listen spec of its own
            has_port = "port" in keywords or (port_at is not None and len(node.args) > port_at)
            has_host = "host" in keywords or (host_at is not None and len(node.args) > host_at)
            add = ([] if has_host or not loopback else ['host="0.0.0.0"']) \
                + ([] if has_port else [f'port=int(os.environ.get("PORT", "{default_port}"))'])
        if not add or node.end_lineno is None or node.end_col_offset is None:
            continue
        line = source_lines(source)[node.end_lineno - 1].encode()
        close = node.end_col_offset - 1
        if line[close:close + 1] != b")":
            continue
        last = max([*node.args, *(kw.value for kw in node.keywords)], key=lambda n: (n.end_lineno or 0, n.end_col_offset or 0),
                   default=None)
        between = "" if last is None else _segment(source, last, node)
        lead = "" if last is None or "," in between else ", "
        edits.append((node.end_lineno, close, close, lead + ", ".join(add)))
    return edits


def _segment(source: str, last: ast.expr, call: ast.Call) -> str:
    """The text between the call's last argument and its closing parenthesis (a trailing comma, a newline)."""
    lines = source_lines(source)
    start_line, start_col = last.end_lineno or 0, last.end_col_offset or 0
    end_line, end_col = call.end_lineno or 0, (call.end_col_offset or 1) - 1
    if start_line == end_line:
        return lines[start_line - 1].encode()[start_col:end_col].decode(errors="replace")
    text = lines[start_line - 1].encode()[start_col:].decode(errors="replace")
    text += "".join(lines[start_line:end_line - 1])
    return text + lines[end_line - 1].encode()[:end_col].decode(errors="replace")


def _apply(source: str, edits: list[Edit]) -> str:
    lines = source_lines(source)
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
    lines = source_lines(source)
    lines.insert(insert_at, "import os" + ("\r\n" if lines and lines[0].endswith("\r\n") else "\n"))
    return "".join(lines)


def js_rewrite(source: str, suffix: str = ".js") -> str:
    return jsflow.rewrite(source, suffix)


_LOOPBACK_SEEN = re.compile(r"(?:listen\w*|bound|bind\w*)\b[^\n]{0,40}?(?:127\.0\.0\.1|localhost|\[::1\])", re.I)


def saw_loopback(report: FailureReport) -> bool:
    """The failure shows the app listening on a loopback address (reachable from inside only)."""
    text = "\n".join([report.root_cause, report.summary, *(e.text for e in report.evidence)])
    return bool(_LOOPBACK_SEEN.search(text))


jsflow_suffixes = (".js", ".cjs", ".mjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")


def _bare_node_entries(tree: Path) -> list[Path]:
    """Files package.json runs with ``node`` that have no .js name (express-generator's ``node ./bin/www``)."""
    try:
        pkg = json.loads((tree / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(pkg, dict):
        return []
    raw = pkg.get("scripts")
    scripts: dict[str, object] = raw if isinstance(raw, dict) else {}
    named = [m.group(1) for cmd in (scripts.get("start"), scripts.get("serve")) if isinstance(cmd, str)
             for m in re.finditer(r"\bnode(?:mon)?\s+(?:--\S+\s+)*(\S+)", cmd)]
    if isinstance(pkg.get("main"), str):
        named.append(pkg["main"])
    root = tree.resolve()
    out = []
    for rel in named:
        path = (tree / rel).resolve()
        if path.suffix == "" and path.is_file() and path.is_relative_to(root) and not path.is_symlink():
            out.append(tree / path.relative_to(root))
    return sorted(set(out))


_DOTENV_PORT = re.compile(r"^\s*(?:export\s+)?PORT\s*=", re.M)


def _dotenv_overrides(tree: Path) -> list[str]:
    """``load_dotenv(override=True)`` (Python) or ``require('dotenv').config({ override: true })`` (Node) with a
    committed .env that sets PORT replaces the platform's $PORT with the file's: the call is made not to override
    (``override=False``): variables the platform sets win, as a platform expects; the .env file itself is protected
    and stays as it is."""
    if not any(_DOTENV_PORT.search(p.read_text(encoding="utf-8", errors="replace"))
               for p in tree.glob(".env*") if p.is_file() and not p.is_symlink()):
        return []
    changed = []
    for path in _sources(tree, (".py",)):
        try:
            source = path.read_bytes().decode("utf-8")  # strict: a file is written back only as it was read
            mod = ast.parse(source)
        except (UnicodeDecodeError, SyntaxError):
            continue
        edits = [(kw.value.lineno, kw.value.col_offset, kw.value.end_col_offset, "False") for node in ast.walk(mod)
                 if isinstance(node, ast.Call) and _call_name(node) in ("load_dotenv", "dotenv_values")
                 for kw in node.keywords if kw.arg == "override" and isinstance(kw.value, ast.Constant) and kw.value.value is True]
        if edits:
            new = _apply(source, edits)  # type: ignore[arg-type]
            ast.parse(new)
            path.write_bytes(new.encode("utf-8"))
            changed.append(str(path.relative_to(tree)))
    for path in _sources(tree, (".js", ".cjs", ".mjs", ".ts", ".mts", ".cts")):
        try:
            source = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        found = jsflow.dotenv_override_edits(source.encode("utf-8"), path.suffix)
        if found:
            new = jsflow.apply(source, found)
            if jsflow.parses(new, path.suffix):
                path.write_bytes(new.encode("utf-8"))
                changed.append(str(path.relative_to(tree)))
    return changed


def bind_port(report: FailureReport, tree: Path, ws: Tools) -> StrategyResult:
    if report.category != "port_binding":
        raise StrategyDeclined(f"bind_port fixes port_binding, not {report.category}")
    changed: list[str] = []
    loopback = saw_loopback(report)
    for path in _sources(tree, (".py",)):
        source = path.read_bytes().decode("utf-8")  # line ends as they are: a CRLF file stays CRLF
        try:
            edits = python_edits(source, loopback)
        except SyntaxError:
            continue
        if edits:
            new = _apply(source, edits)
            if any('os.environ.get("PORT"' in e[3] for e in edits):
                new = _ensure_import_os(new)
            ast.parse(new)  # never write a file that no longer parses
            path.write_bytes(new.encode("utf-8"))
            changed.append(str(path.relative_to(tree)))
    for path in [*_sources(tree, (".js", ".cjs", ".mjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")), *_bare_node_entries(tree)]:
        try:
            source = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        suffix = path.suffix if path.suffix in jsflow_suffixes else ".js"
        new = jsflow.rewrite(source, suffix, loopback)
        if new != source and jsflow.parses(new, suffix):
            path.write_bytes(new.encode("utf-8"))
            changed.append(str(path.relative_to(tree)))
    changed += [f for f in _dotenv_overrides(tree) if f not in changed]
    start_commands(tree, changed)
    if not changed:
        raise StrategyDeclined("found no hard-coded port or loopback host to rewrite")
    return StrategyResult(f"listen on $PORT and all interfaces in {', '.join(changed)}", {"files": changed}, 0.7)
