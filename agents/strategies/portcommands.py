"""Start commands that listen where the platform cannot reach: a fixed port or a loopback host in a Procfile's web
command or package.json's start script (``--port 8000``, ``-b 127.0.0.1:8000``, ``runserver 8000``), and development
servers started with their own defaults (``flask run``, ``uvicorn app:app``, ``hypercorn``, ``waitress-serve``,
``daphne``, ``manage.py runserver``). Used by ``bind_port``; tokens are read one by one and the rest of a command is
kept as written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from agents.strategies import procfile_lines, write_json_like
from agents.strategies.jsflow import LOCAL_HOSTS, listen_port

_PORT_FLAGS = {"--port", "-p", "--http-port", "--listen", "-l"}
_BIND_FLAGS = {"--bind", "-b"}
_HOST_FLAGS = {"--host", "-H", "--hostname"}


def command_rewrite(command: str) -> str:
    """A start command with a fixed port (``--port 8000``, ``-b 127.0.0.1:8000``, ``runserver 8000``, ``-p 3000``) or
    a port from another variable (``-b 0.0.0.0:$APP_PORT``, ``--port ${HTTP_PORT:-8000}``) takes ``$PORT``, and a loopback ``--host`` becomes ``0.0.0.0``. Tokens are read one by one; the rest of the
    command is kept as written."""
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", command)]
    edits: list[tuple[int, int, str]] = []
    for i, (start, end, tok) in enumerate(tokens):
        flag, eq, value = tok.partition("=")
        prev = tokens[i - 1][2] if i else ""
        if eq and flag in _PORT_FLAGS | _BIND_FLAGS | _HOST_FLAGS:
            fixed = _flag_value(flag, value)
            if fixed is not None:
                edits.append((start, end, f"{flag}={fixed}"))
        elif prev in _PORT_FLAGS | _BIND_FLAGS | _HOST_FLAGS:
            fixed = _flag_value(prev, tok)
            if fixed is not None:
                edits.append((start, end, fixed))
        elif flag == "PORT" and eq and _assignment_at(tokens, i):
            own = value.strip("'\"")  # PORT=3000 node server.js: the platform's $PORT first, the author's value locally
            if _flag_value("--port", own) is not None:
                edits.append((start, end, f"PORT=${{PORT:-{own}}}"))
        elif prev == "runserver" and re.fullmatch(r"(?:[\w.]+:)?\d{2,5}", tok):
            edits.append((start, end, "0.0.0.0:$PORT"))
        elif tok == "runserver" and i and re.search(r"(?:manage\.py|django-admin)$", prev) and (
                i + 1 == len(tokens) or tokens[i + 1][2].startswith("-") or tokens[i + 1][2] in ("&&", "||", ";", "|")):
            edits.append((end, end, " 0.0.0.0:$PORT"))  # runserver with no address: 127.0.0.1:8000
    for start, end, text in reversed(edits):
        command = command[:start] + text + command[end:]
    return _dev_server_defaults(command)


_ENV_SETTERS = frozenset({"env", "cross-env", "cross-env-shell", "export", "&&", "||", ";", "|"})


def _assignment_at(tokens: list[tuple[int, int, str]], i: int) -> bool:
    """Whether token ``i`` is an environment assignment: first in its command (``PORT=3000 node s.js``), after other
    assignments, or an argument of ``env`` / ``cross-env`` / ``export``."""
    j = i - 1
    while j >= 0 and re.fullmatch(r"[A-Za-z_]\w*=\S*", tokens[j][2]):
        j -= 1
    return j < 0 or tokens[j][2] in _ENV_SETTERS or tokens[j][2].endswith("/env")


# Servers whose defaults are a loopback host and a fixed port, and which do not read $PORT themselves: with no flag
# for one of them they listen where the platform cannot reach. (server, how it is invoked, host flags, port flags,
# what to add when both are missing). gunicorn, next start and serve read $PORT on their own and are left alone.
_COMMAND_WORD = r"(?:^|(?:&&|\|\||;|\|)\s*)(?:exec\s+)?(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:python3?\s+-m\s+)?"
_DEV_SERVERS: tuple[tuple[str, re.Pattern[str], tuple[tuple[frozenset[str], str], ...]], ...] = (
    ("flask", re.compile(_COMMAND_WORD + r"flask\s+(?:--app[= ]\S+\s+)?run\b"),
     ((frozenset({"--host", "-h"}), "--host 0.0.0.0"), (frozenset({"--port", "-p"}), "--port $PORT"))),
    ("uvicorn", re.compile(_COMMAND_WORD + r"uvicorn\b"),
     ((frozenset({"--host", "--uds", "--fd"}), "--host 0.0.0.0"), (frozenset({"--port", "--uds", "--fd"}), "--port $PORT"))),
    # hypercorn binds 127.0.0.1:8000 unless --bind or a config file says otherwise; a Python config can read $PORT,
    # a TOML one cannot (its bind is a literal), and hypercorn applies the command line's binds over the file's
    ("hypercorn", re.compile(_COMMAND_WORD + r"hypercorn\b"),
     ((frozenset({"--bind", "-b", "--insecure-bind", "--config", "-c"}), "--bind 0.0.0.0:$PORT"),)),
    # waitress-serve listens on all interfaces, port 8080
    ("waitress-serve", re.compile(_COMMAND_WORD + r"waitress-serve\b"),
     ((frozenset({"--port", "--listen", "--unix-socket"}), "--port=$PORT"),)),
    # daphne binds 127.0.0.1:8000
    ("daphne", re.compile(_COMMAND_WORD + r"daphne\b"),
     ((frozenset({"-b", "--bind", "-u", "--unix-socket", "-e", "--endpoint", "--fd"}), "-b 0.0.0.0"),
      (frozenset({"-p", "--port", "-u", "--unix-socket", "-e", "--endpoint", "--fd"}), "-p $PORT"))),
)


def _dev_server_defaults(command: str) -> str:
    """``flask run`` / ``uvicorn app:app`` / ``hypercorn`` / ``daphne`` without a host or port flag listen on 127.0.0.1
    and their own default port, ``waitress-serve`` on its own port 8080: add the missing flags (``--host 0.0.0.0 --port
    $PORT``, ``--bind 0.0.0.0:$PORT``, ``--port=$PORT``, ``-b 0.0.0.0 -p $PORT``) right after the server's own words,
    keeping the rest as written.
    Only the first server of a ``a && b`` chain segment is touched; a command that passes the flags is unchanged."""
    for _name, invoked, needs in _DEV_SERVERS:
        m = invoked.search(command)
        if m is None:
            continue
        segment_end = re.search(r"\s(?:&&|\|\||;|\|)\s", command[m.end():])
        rest = command[m.end(): m.end() + segment_end.start()] if segment_end else command[m.end():]
        tokens = rest.split()
        flags = {tok.partition("=")[0] for tok in tokens}
        for i, tok in enumerate(tokens):  # a TOML config file cannot read $PORT: it does not count as giving the address
            flag, eq, value = tok.partition("=")
            value = value if eq else (tokens[i + 1] if i + 1 < len(tokens) else "")
            if flag in ("--config", "-c") and re.fullmatch(r"(?:file:)?\S+\.toml", value):
                flags.discard(flag)
        add = [addition for given, addition in needs if not flags & given]
        if add:
            command = command[:m.end()] + " " + " ".join(add) + command[m.end():]
    return command


_OTHER_VAR = r"\$(?:\{(?!PORT[}:])[A-Za-z_]\w*(?::?-[^}]*)?\}|(?!PORT\b)[A-Za-z_]\w*)"
"""A shell variable other than PORT (``$APP_PORT``, ``${HTTP_PORT:-8000}``): the platform routes to $PORT only."""


def _flag_value(flag: str, value: str) -> str | None:
    if flag in _PORT_FLAGS and (value.isdigit() and listen_port(int(value)) or re.fullmatch(_OTHER_VAR, value)):
        return "$PORT"
    if flag in _BIND_FLAGS:
        m = re.fullmatch(rf"([\w.\[\]:]*?):(\d{{2,5}}|{_OTHER_VAR})", value)
        if m:
            return "0.0.0.0:$PORT"
    if flag in _HOST_FLAGS and value in LOCAL_HOSTS:
        return "0.0.0.0"
    return None


def start_commands(tree: Path, changed: list[str]) -> None:
    """Fix fixed ports in the Procfile's web command and package.json's start/serve scripts."""
    procfile = tree / "Procfile"
    lines = None if procfile.is_symlink() else procfile_lines(tree)
    if lines is not None:
        new = [re.sub(r"^(\s*web\s*:\s*)(.*?)(\s*)$", lambda m: m.group(1) + command_rewrite(m.group(2)) + m.group(3), line, flags=re.S)
               for line in lines]
        if new != lines:
            procfile.write_text("".join(new), encoding="utf-8")
            changed.append("Procfile")
    pkg_path = tree / "package.json"
    if pkg_path.is_file() and not pkg_path.is_symlink():
        try:
            pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return
        scripts = pkg.get("scripts") if isinstance(pkg, dict) else None
        if isinstance(scripts, dict):
            touched = False
            for name in ("start", "serve", "prod", "start:prod"):
                if isinstance(scripts.get(name), str) and command_rewrite(scripts[name]) != scripts[name]:
                    scripts[name] = command_rewrite(scripts[name])
                    touched = True
            if touched:
                write_json_like(pkg_path, pkg)
                changed.append("package.json")
