"""Python app archetypes (stdlib http.server, wsgiref, Flask, FastAPI/uvicorn, Django, aiohttp, a worker) and the
fault families written into them, for scripts/gen_scenarios.py."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from scenario_model import Files, Scenario, dedent, drop_empty_slot

# ---------------------------------------------------------------------------------------------------------------
# Python archetypes. Each is a template with slots:
#   {top}      lines after the imports (a fault's import, a port's data-flow preamble)
#   {lazy}     a statement run inside the health handler (a lazy import)
#   {main}     the block that starts the server (the archetype's serve line with {host}/{port} filled in)
# and `serve`: the one line that listens, with {host} and {port} placeholders.
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PyArchetype:
    name: str
    source: str
    serve: str
    requirements: list[str]
    file: str = "app.py"
    procfile: str = "web: python app.py"
    code_port: bool = True
    """False when the port is given on the command line (Django's runserver)."""


HTTP_SERVER = PyArchetype("http-server", dedent('''
    import json
    import os
    from http.server import BaseHTTPRequestHandler, HTTPServer
    {top}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            {lazy}
            ok = self.path == "/healthz"
            body = json.dumps({{"status": "ok"}} if ok else {{"error": "not found"}}).encode()
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)


    {main}
'''), "HTTPServer(({host}, {port}), Handler).serve_forever()", [])

WSGIREF = PyArchetype("wsgiref", dedent('''
    import json
    import os
    from wsgiref.simple_server import make_server
    {top}


    def app(environ, start_response):
        {lazy}
        ok = environ.get("PATH_INFO") == "/healthz"
        start_response("200 OK" if ok else "404 Not Found", [("Content-Type", "application/json")])
        return [json.dumps({{"status": "ok"}} if ok else {{"error": "not found"}}).encode()]


    {main}
'''), "make_server({host}, {port}, app).serve_forever()", [])

FLASK = PyArchetype("flask", dedent('''
    import os

    from flask import Flask, jsonify
    {top}

    app = Flask(__name__)


    @app.get("/healthz")
    def healthz():
        {lazy}
        return jsonify(status="ok")


    {main}
'''), "app.run(host={host}, port={port})", ["flask==3.1.1"])

FASTAPI = PyArchetype("fastapi", dedent('''
    import os

    import uvicorn
    from fastapi import FastAPI
    {top}

    app = FastAPI()


    @app.get("/healthz")
    def healthz():
        {lazy}
        return {{"status": "ok"}}


    {main}
'''), "uvicorn.run(app, host={host}, port={port}, log_level=\"info\")", ["fastapi==0.115.12", "uvicorn==0.34.3"])

AIOHTTP = PyArchetype("aiohttp", dedent('''
    import os

    from aiohttp import web
    {top}


    async def healthz(request):
        {lazy}
        return web.json_response({{"status": "ok"}})


    app = web.Application()
    app.router.add_get("/healthz", healthz)


    {main}
'''), "web.run_app(app, host={host}, port={port})", ["aiohttp==3.12.13"])

WORKER = PyArchetype("worker", dedent('''
    import json
    import os
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    {top}

    STATE = {{"jobs": 0}}


    def work():
        while True:
            STATE["jobs"] += 1
            time.sleep(0.5)


    class Health(BaseHTTPRequestHandler):
        def do_GET(self):
            {lazy}
            ok = self.path == "/healthz"
            body = json.dumps({{"status": "ok", "jobs": STATE["jobs"]}} if ok else {{"error": "not found"}}).encode()
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)


    threading.Thread(target=work, daemon=True).start()


    {main}
'''), "ThreadingHTTPServer(({host}, {port}), Health).serve_forever()", [], file="worker.py", procfile="web: python worker.py")

DJANGO = PyArchetype("django", dedent('''
    import os
    import sys

    from django.conf import settings
    from django.http import JsonResponse
    from django.urls import path
    {top}

    settings.configure(DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, SECRET_KEY="generated-scenario-not-secret",
                       MIDDLEWARE=[], INSTALLED_APPS=[])


    def healthz(request):
        {lazy}
        return JsonResponse({{"status": "ok"}})


    urlpatterns = [path("healthz", healthz)]

    if __name__ == "__main__":
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
'''), "", ["Django==5.2.3"], file="manage.py", procfile="web: python manage.py runserver 0.0.0.0:$PORT --noreload", code_port=False)

METRICS_SIDECAR = dedent('''
    """Metrics sidecar: Prometheus text for the scraper on its fixed port (not the web process)."""
    import http.server

    COUNTERS = {"requests_total": 0}


    class Metrics(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            lines = [f"{name} {value}" for name, value in COUNTERS.items()]
            self.send_response(200)
            self.end_headers()
            self.wfile.write("\\n".join(lines).encode())


    if __name__ == "__main__":
        http.server.HTTPServer(("", 9100), Metrics).serve_forever()
''')

PY_ARCHETYPES = [HTTP_SERVER, WSGIREF, FLASK, FASTAPI, DJANGO, AIOHTTP, WORKER]

HEALTHY_PORT = 'int(os.environ.get("PORT", "8000"))'
HEALTHY_HOST = '"0.0.0.0"'

# (import name, distribution, a use of it) for missing-dependency faults: small, real, pure-Python packages.
PY_DEPS = [("yaml", "PyYAML", "yaml.safe_dump({'ok': True})"), ("dateutil", "python-dateutil", "dateutil.__name__"),
           ("simplejson", "simplejson", "simplejson.dumps({})"), ("six", "six", "six.PY3"), ("attr", "attrs", "attr.__name__"),
           ("toml", "toml", "toml.dumps({})"), ("humanize", "humanize", "humanize.intcomma(1000)")]


def render_py(arch: PyArchetype, top: str = "", lazy: str = "", main: str | None = None, port: str = HEALTHY_PORT,
              host: str = HEALTHY_HOST) -> str:
    if main is None:
        main = 'if __name__ == "__main__":\n    ' + arch.serve.format(host=host, port=port) if arch.code_port else ""
    src = arch.source if lazy else drop_empty_slot(arch.source, "{lazy}")
    src = src.replace("{top}", top).replace("{lazy}", lazy).replace("{main}", main)
    src = src.replace("{{", "{").replace("}}", "}")
    return "\n".join(line.rstrip() for line in src.splitlines()).strip("\n") + "\n"


def py_files(arch: PyArchetype, source: str, requirements: list[str] | None = None, procfile: str | None = None) -> Files:
    reqs = arch.requirements if requirements is None else requirements
    return {arch.file: source, "requirements.txt": "\n".join(reqs) + "\n" if reqs else "# standard library only\n",
            "Procfile": (procfile or arch.procfile) + "\n"}


# ---- Python fault families --------------------------------------------------------------------------------------

def py_missing(arch: PyArchetype, rng: random.Random) -> list[Scenario]:
    out = []
    name, dist, use = rng.choice(PY_DEPS)
    top_only = render_py(arch, top=f"import {name}\n\nVERSION_INFO = {use}")
    lazy = render_py(arch, lazy=f"import {name}  # loaded on first request\n        {use}".replace("\n        ", "\n" + " " * _lazy_indent(arch)))
    sub_app = render_py(arch, top="from helpers.fmt import describe\n\nDESCRIPTION = describe()")
    sub = {"helpers/__init__.py": "", "helpers/fmt.py": f"import {name}\n\n\ndef describe():\n    return str({use})\n"}
    fallback = render_py(arch, top="try:\n    import ujson as fastjson\nexcept ImportError:  # the fallback is not installed either\n"
                                   "    import simplejson as fastjson\n\nENCODED = fastjson.dumps({})")
    for variant, source, extra in (("top-level-import", top_only, {}), ("lazy-in-handler", lazy, {}),
                                   ("in-submodule", sub_app, sub), ("try-except-fallback", fallback, {})):
        out.append(Scenario(f"gen-{arch.name}-missing-{variant}", arch.name, "missing_dependency", variant,
                            f"{arch.name} app imports {'a JSON library' if 'fallback' in variant else name} ({variant.replace('-', ' ')}) "
                            "that requirements.txt does not declare", "missing_dependency",
                            {**py_files(arch, source), **extra}, must_touch=["requirements.txt"], must_not_touch=[arch.file]))
    return out


def _lazy_indent(arch: PyArchetype) -> int:
    for line in arch.source.splitlines():
        if "{lazy}" in line:
            return len(line) - len(line.lstrip())
    return 8


def py_port(arch: PyArchetype, rng: random.Random) -> list[Scenario]:
    fixed = rng.choice([5000, 8080, 8081, 8888, 9000, 3000])
    out: list[tuple[str, Files, list[str]]] = []
    if arch.code_port:
        serve = arch.serve
        guard = 'if __name__ == "__main__":\n    '
        variants = {
            "literal-in-call": render_py(arch, port=str(fixed)),
            "module-constant": render_py(arch, top=f"LISTEN_ON = {fixed}\nBIND_ADDRESS = \"127.0.0.1\"",
                                         port="LISTEN_ON", host="BIND_ADDRESS"),
            "function-default": render_py(arch, main=f"def main(bind=\"0.0.0.0\", listen={fixed}):\n    "
                                          + serve.format(host="bind", port="listen") + f"\n\n\n{guard}main()"),
            "config-dict": render_py(arch, top=f'SETTINGS = {{"host": "127.0.0.1", "port": {fixed}, "debug": False}}',
                                     port='SETTINGS["port"]', host='SETTINGS.get("host")'),
            "argparse-default": render_py(arch, top="import argparse",
                                          main=f"{guard}parser = argparse.ArgumentParser()\n    parser.add_argument(\"--port\", type=int, default={fixed})\n"
                                               "    parser.add_argument(\"--host\", default=\"0.0.0.0\")\n    args = parser.parse_args()\n    "
                                               + serve.format(host="args.host", port="args.port")),
            "other-env-variable": render_py(arch, port=f'int(os.environ.get("APP_PORT", "{fixed}"))'),
            "string-constant": render_py(arch, top=f'DEFAULT_PORT = "{fixed}"', port="int(DEFAULT_PORT)"),
            "settings-object": render_py(arch, top=f'class Settings:\n    host = "0.0.0.0"\n    port = {fixed}\n\n\nSETTINGS = Settings()',
                                         port="SETTINGS.port", host="SETTINGS.host"),
        }
        json_config = render_py(arch, top="import json as _json\nimport os.path as _path\n\n"
                                          "CONFIG = _json.load(open(_path.join(_path.dirname(_path.abspath(__file__)), \"config.json\")))",
                                port='CONFIG["port"]', host='CONFIG["host"]')
        if arch.name == "flask":
            variants["click-default"] = render_py(arch, top="import click", main=(
                f"@click.command()\n@click.option(\"--port\", default={fixed})\ndef main(port):\n    "
                + serve.format(host=HEALTHY_HOST, port="port") + f"\n\n\n{guard}main()"))
        default_call = {"flask": "app.run()", "fastapi": "uvicorn.run(app, log_level=\"info\")", "aiohttp": "web.run_app(app)"}
        if arch.name in default_call:  # the library's own default address (127.0.0.1:5000, :8000; aiohttp 0.0.0.0:8080)
            variants["library-default"] = render_py(arch, main=guard + default_call[arch.name])
        for variant, source in variants.items():
            out.append((variant, py_files(arch, source), [arch.file]))
        out.append(("json-config-file", {**py_files(arch, json_config), "config.json": f'{{"host": "0.0.0.0", "port": {fixed}}}\n'},
                    [arch.file]))
    if arch.name in ("flask", "fastapi", "django"):
        source = render_py(arch, main="") if arch.code_port else render_py(arch)
        command = {"flask": f"gunicorn app:app --bind 127.0.0.1:{fixed} --workers 1",
                   "fastapi": f"uvicorn app:app --host 127.0.0.1 --port {fixed}",
                   "django": f"python manage.py runserver {fixed} --noreload"}[arch.name]
        reqs = arch.requirements + (["gunicorn==23.0.0"] if arch.name == "flask" else [])
        out.append(("procfile-flag", py_files(arch, source, reqs, f"web: {command}"), ["Procfile"]))
        dev = {"flask": "flask run", "fastapi": "uvicorn app:app"}.get(arch.name)
        if dev:  # a development server started with its defaults: 127.0.0.1 and its own port, $PORT ignored
            out.append(("procfile-dev-server", py_files(arch, source, arch.requirements, f"web: {dev}"), ["Procfile"]))
    return [Scenario(f"gen-{arch.name}-port-{variant}", arch.name, "port_binding", variant,
                     f"{arch.name} app listens on a fixed {fixed} ({variant.replace('-', ' ')}) instead of $PORT", "port_binding",
                     files, must_touch=touch) for variant, files, touch in out]


def py_conflict(arch: PyArchetype, rng: random.Random) -> list[Scenario]:
    source = render_py(arch, top="import six\n\nPY3 = six.PY3")
    base = arch.requirements
    variants: dict[str, tuple[Files, list[str]]] = {
        "pin-that-does-not-exist": (py_files(arch, source, [*base, "six==99.0.0"]), ["requirements.txt"]),
        "pinned-twice": (py_files(arch, source, [*base, "six==1.16.0", "six==1.15.0"]), ["requirements.txt"]),
        "constraints-file": ({**py_files(arch, source, ["-c constraints.txt", *base, "six>=1.16"]), "constraints.txt": "six==1.15.0\n"},
                             ["requirements.txt", "constraints.txt"]),
    }
    return [Scenario(f"gen-{arch.name}-conflict-{variant}", arch.name, "dependency_conflict", variant,
                     f"{arch.name} app: six is pinned in a way pip cannot satisfy ({variant.replace('-', ' ')})",
                     "dependency_conflict", files, must_touch=touch, must_not_touch=[arch.file])
            for variant, (files, touch) in variants.items()]


def py_import(arch: PyArchetype, rng: random.Random) -> list[Scenario]:
    if not arch.code_port:
        return []
    out = []
    pkg = rng.choice(["svc", "service", "webapp"])
    server = render_py(arch, top="from .greeting import GREETING")
    files = {f"{pkg}/__init__.py": "", f"{pkg}/greeting.py": 'GREETING = "hello"\n', f"{pkg}/{arch.file}": server,
             "requirements.txt": "\n".join(arch.requirements) + "\n" if arch.requirements else "# standard library only\n",
             "Procfile": f"web: python {pkg}/{arch.file}\n"}
    out.append(Scenario(f"gen-{arch.name}-import-script-with-relative-imports", arch.name, "import_error", "script-with-relative-imports",
                        f"{arch.name} app in package {pkg}/ started as a script, so its relative import fails", "import_error",
                        files, must_touch=["Procfile"], must_not_touch=[f"{pkg}/**"]))
    case = render_py(arch, top="from Helpers.text import shout\n\nBANNER = shout('ready')")
    out.append(Scenario(f"gen-{arch.name}-import-case-mismatch", arch.name, "import_error", "case-mismatch",
                        f"{arch.name} app imports Helpers while the folder is helpers/ (works on a case-insensitive laptop)",
                        "import_error", {**py_files(arch, case), "helpers/__init__.py": "",
                                         "helpers/text.py": "def shout(s):\n    return s.upper()\n"},
                        must_touch=[arch.file], must_not_touch=["helpers/**"]))
    return out


def py_start(arch: PyArchetype, rng: random.Random) -> list[Scenario]:
    out = []
    healthy = render_py(arch)
    if arch.code_port:
        files = py_files(arch, healthy, procfile="web: python " + rng.choice(["server.py", "main.py", "run.py"]).replace(arch.file, "start.py"))
        out.append(Scenario(f"gen-{arch.name}-start-wrong-file", arch.name, "start_command", "wrong-file",
                            f"{arch.name} app: the Procfile starts a file that does not exist", "start_command",
                            files, must_touch=["Procfile"], must_not_touch=[arch.file]))
        # renamed: the first commit has the app under its old name; the pushed commit renames it (and a metrics
        # sidecar that sorts first), but the Procfile still names the old file
        old = "server_main.py" if arch.file != "server_main.py" else "old_main.py"
        base = py_files(arch, healthy, procfile=f"web: python {old}")
        base[old] = base.pop(arch.file)
        app = py_files(arch, healthy.replace('"status": "ok"', '"status": "ok", "renamed": True'), procfile=f"web: python {old}")
        app["admin.py"] = METRICS_SIDECAR
        out.append(Scenario(f"gen-{arch.name}-start-stale-after-rename", arch.name, "start_command", "stale-after-rename",
                            f"{arch.name} app renamed {old} to {arch.file}; the Procfile still starts {old}", "start_command",
                            app, base=base, must_touch=["Procfile"], must_not_touch=[arch.file, "admin.py"]))
    else:
        files = py_files(arch, healthy, procfile="web: python manage_old.py runserver 0.0.0.0:$PORT --noreload")
        out.append(Scenario(f"gen-{arch.name}-start-wrong-file", arch.name, "start_command", "wrong-file",
                            f"{arch.name} app: the Procfile starts manage_old.py, which does not exist", "start_command",
                            files, must_touch=["Procfile"], must_not_touch=[arch.file]))
    return out


def py_runtime(arch: PyArchetype, rng: random.Random) -> list[Scenario]:
    healthy = render_py(arch)
    return [
        Scenario(f"gen-{arch.name}-runtime-runtime-txt", arch.name, "runtime_version", "runtime-txt",
                 f"{arch.name} app asks runtime.txt for python-3.99.0, which no platform has", "runtime_version",
                 {**py_files(arch, healthy), "runtime.txt": "python-3.99.0\n"}, must_touch=["runtime.txt"], must_not_touch=[arch.file]),
        Scenario(f"gen-{arch.name}-runtime-python-version", arch.name, "runtime_version", "python-version-file",
                 f"{arch.name} app asks .python-version for 3.99", "runtime_version",
                 {**py_files(arch, healthy), ".python-version": "3.99\n"}, must_touch=[".python-version"], must_not_touch=[arch.file]),
    ]


def py_network(arch: PyArchetype, rng: random.Random) -> list[Scenario]:
    return [Scenario(f"gen-{arch.name}-network-registry-flake", arch.name, "network_transient", "registry-flake",
                     f"healthy {arch.name} app; the first build fails with a registry network error", "network_transient",
                     py_files(arch, render_py(arch)), faults={"build_network_errors": 1}, must_not_touch=[arch.file, "requirements.txt"])]


PY_FAMILIES: list[Callable[[PyArchetype, random.Random], list[Scenario]]] = [py_missing, py_port, py_conflict, py_import, py_start,
                                                                               py_runtime, py_network]
