import ast
import json
from pathlib import Path

import pytest

from agents.strategies import StrategyDeclined, Tools
from agents.strategies.bind_port import bind_port, js_rewrite
from agents.strategies.portcommands import command_rewrite
from memory.models import FailureReport

REPORT = FailureReport(category="port_binding")


@pytest.mark.parametrize(
    ("source", "expect"),
    [
        ('"""doc"""\nfrom http.server import HTTPServer\nPORT = 5000\nHTTPServer(("127.0.0.1", PORT), H)\n',
         ['import os\n', 'PORT = int(os.environ.get("PORT", "5000"))', 'HTTPServer(("0.0.0.0", PORT), H)']),
        ("import os\nfrom flask import Flask\napp = Flask(__name__)\napp.run(host='localhost', port=8080, debug=False)\n",
         ['app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8080")), debug=False)']),
        ("import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 9000))\n",
         ['s.bind(("0.0.0.0", int(os.environ.get("PORT", "9000"))))', 'import os']),
        # a form feed (an old page break) is whitespace to Python, not a line end: the edit stays on its line
        ("import os\n\x0c\nfrom flask import Flask\napp = Flask(__name__)\napp.run(host='localhost', port=8080)\n",
         ['\x0c\n', 'app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8080")))']),
    ],
)
def test_python_rewrites(tmp_path: Path, source: str, expect: list[str]) -> None:
    (tmp_path / "server.py").write_text(source)
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    new = (tmp_path / "server.py").read_text()
    ast.parse(new)
    for fragment in expect:
        assert fragment in new


def test_env_driven_code_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('import os\nport = int(os.environ["PORT"])\nhost = os.environ.get("HOST", "127.0.0.1")\n')
    with pytest.raises(StrategyDeclined):
        bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]


def test_js_forms() -> None:
    assert js_rewrite("const PORT = 3000;\napp.listen(PORT)") == "const PORT = Number(process.env.PORT) || 3000;\napp.listen(PORT)"
    assert js_rewrite("server.listen(8080, () => {})") == "server.listen(Number(process.env.PORT) || 8080, () => {})"
    assert js_rewrite("const port = process.env.PORT || 3000") == "const port = process.env.PORT || 3000"


# Issue 11: the port and host reach the server through data, not only as literals in the call.
DATA_FLOW = [
    ("module constant through a name",
     "from wsgiref.simple_server import make_server\nLISTEN = 5000\nADDR = '127.0.0.1'\nmake_server(ADDR, LISTEN, app).serve_forever()\n",
     ['LISTEN = int(os.environ.get("PORT", "5000"))', "ADDR = \"0.0.0.0\""]),
    ("address tuple in a variable",
     "import http.server\nADDRESS = ('localhost', 8001)\nhttp.server.HTTPServer(ADDRESS, H).serve_forever()\n",
     ['ADDRESS = ("0.0.0.0", int(os.environ.get("PORT", "8001")))']),
    ("function default",
     "from flask import Flask\napp = Flask(__name__)\ndef main(bind='127.0.0.1', listen=7000):\n    app.run(host=bind, port=listen)\nmain()\n",
     ["def main(bind=\"0.0.0.0\", listen=int(os.environ.get(\"PORT\", \"7000\"))):"]),
    ("config dict",
     "import uvicorn\nCONFIG = {'host': '127.0.0.1', 'port': 8765, 'debug': True}\nuvicorn.run('api:app', host=CONFIG['host'], port=CONFIG.get('port'))\n",
     ["'host': \"0.0.0.0\"", "'port': int(os.environ.get(\"PORT\", \"8765\"))"]),
    ("argparse default",
     "import argparse\nfrom aiohttp import web\np = argparse.ArgumentParser()\np.add_argument('--port', type=int, default=9090)\np.add_argument('--host', default='localhost')\na = p.parse_args()\nweb.run_app(app, host=a.host, port=a.port)\n",
     ["default=int(os.environ.get(\"PORT\", \"9090\"))", "default=\"0.0.0.0\""]),
    ("click option",
     "import click\n@click.command()\n@click.option('--port', default=5050)\ndef serve(port):\n    app.run(port=port)\n",
     ["default=int(os.environ.get(\"PORT\", \"5050\"))"]),
    ("positional host with an env port",
     "import os\nfrom wsgiref.simple_server import make_server\nmake_server('127.0.0.1', int(os.environ.get('PORT', '8000')), app).serve_forever()\n",
     ['make_server("0.0.0.0", int(os.environ.get(\'PORT\', \'8000\')), app)']),
    ("int() around a name",
     "from flask import Flask\napp = Flask(__name__)\nPORT_TEXT = 6060\napp.run(port=int(PORT_TEXT))\n",
     ['PORT_TEXT = int(os.environ.get("PORT", "6060"))']),
]


@pytest.mark.parametrize(("case", "source", "expect"), DATA_FLOW, ids=[c[0] for c in DATA_FLOW])
def test_values_are_followed_to_where_they_are_written(tmp_path: Path, case: str, source: str, expect: list[str]) -> None:
    (tmp_path / "server.py").write_text(source)
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    new = (tmp_path / "server.py").read_text()
    ast.parse(new)
    for fragment in expect:
        assert fragment in new, new


def test_service_addresses_are_never_rewritten(tmp_path: Path) -> None:
    source = ("DB_HOST = 'localhost'\nDB_PORT = 5432\nREDIS = {'host': '127.0.0.1', 'port': 6379}\n"
              "engine = connect(host=DB_HOST, port=DB_PORT)\ncache = Redis(host=REDIS['host'], port=REDIS['port'])\n"
              "app.run(host='127.0.0.1', port=5000)\n")
    (tmp_path / "app.py").write_text(source)
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    new = (tmp_path / "app.py").read_text()
    assert "DB_HOST = 'localhost'" in new and "DB_PORT = 5432" in new and "'port': 6379" in new
    assert 'app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))' in new


def test_python_port_read_from_another_variable_reads_port_first(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import os\nfrom wsgiref.simple_server import make_server\n"
                                     "make_server('', int(os.environ.get('APP_PORT', '8000')), app).serve_forever()\n")
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    assert "int(os.environ.get(\"PORT\") or os.environ.get('APP_PORT', '8000'))" in (tmp_path / "app.py").read_text()


# JavaScript / TypeScript: tree-sitter follows the values the same way (agents/strategies/jsflow.py).
JS_FLOW = [
    ("express literal", "server.js", "app.listen(3000, () => console.log('up'))\n",
     ["app.listen(Number(process.env.PORT) || 3000, () =>"]),
    ("constant and loopback host", "server.js", "const PORT = 4000;\nconst HOST = 'localhost';\napp.listen(PORT, HOST);\n",
     ["const PORT = Number(process.env.PORT) || 4000;", "app.listen(PORT, HOST)", "const HOST = '0.0.0.0'"]),
    ("config object", "index.js", "const config = { port: 8081, host: '127.0.0.1' };\nserver.listen(config.port, config.host);\n",
     ["port: Number(process.env.PORT) || 8081", "host: '0.0.0.0'"]),
    ("fastify options", "server.mjs", "await fastify.listen({ port: 3000, host: '127.0.0.1' });\n",
     ["port: Number(process.env.PORT) || 3000", "host: '0.0.0.0'"]),
    ("options in a variable", "server.js", "const opts = { port: 3100 };\nfastify.listen(opts);\n",
     ["{ port: Number(process.env.PORT) || 3100 }"]),
    ("function default", "server.js", "function start(port = 3001) { app.listen(port); }\nstart();\n",
     ["function start(port = Number(process.env.PORT) || 3001)"]),
    ("destructured default", "server.js", "const { port = 5000 } = options;\napp.listen(port);\n",
     ["const { port = Number(process.env.PORT) || 5000 } = options;"]),
    ("another env variable", "server.js", "const port = Number(process.env.APP_PORT || 3000);\napp.listen(port);\n",
     ["Number(process.env.PORT || process.env.APP_PORT || 3000)"]),
    ("exported config module", "config.js", "module.exports = { port: 3000, db: { port: 5432 } };\n",
     ["port: Number(process.env.PORT) || 3000", "db: { port: 5432 }"]),
    ("typescript", "src/main.ts", "const port: number = 3000;\napp.listen(port as number, 'localhost');\n",
     ["const port: number = Number(process.env.PORT) || 3000;", "'0.0.0.0'"]),
]


@pytest.mark.parametrize(("case", "name", "source", "expect"), JS_FLOW, ids=[c[0] for c in JS_FLOW])
def test_js_values_are_followed(tmp_path: Path, case: str, name: str, source: str, expect: list[str]) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    new = path.read_text()
    for fragment in expect:
        assert fragment in new, new


def test_js_env_driven_and_service_ports_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "server.js").write_text("const port = process.env.PORT || 3000;\nconst redis = new Redis({ port: 6379 });\n"
                                        "const DB_PORT = 5433;\napp.listen(port);\n")
    with pytest.raises(StrategyDeclined):
        bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]


def _py(source: str, loopback: bool = False) -> str:
    from agents.strategies.bind_port import _apply, python_edits
    return _apply(source, python_edits(source, loopback))


def test_a_port_read_from_data_is_taken_from_port_at_the_server_call() -> None:
    config = 'CONFIG = json.loads(open("config.json").read())\nHTTPServer((CONFIG["host"], CONFIG["port"]), H)\n'
    assert _py(config) == ('CONFIG = json.loads(open("config.json").read())\n'
                           'HTTPServer((CONFIG["host"], int(os.environ.get("PORT") or CONFIG["port"])), H)\n')
    settings = "s = Settings()\nmake_server(s.host, s.port, app).serve_forever()\n"
    assert _py(settings) == 's = Settings()\nmake_server(s.host, int(os.environ.get("PORT") or s.port), app).serve_forever()\n'
    kw = "uvicorn.run(app, host=cfg.host, port=cfg.port)\n"
    assert _py(kw) == 'uvicorn.run(app, host=cfg.host, port=int(os.environ.get("PORT") or cfg.port))\n'
    # the platform saw the app on 127.0.0.1: a host from data is replaced at the call as well
    assert _py(kw, loopback=True) == 'uvicorn.run(app, host="0.0.0.0", port=int(os.environ.get("PORT") or cfg.port))\n'


def test_the_fallback_leaves_calls_that_do_not_listen_and_values_already_fixed() -> None:
    assert _py("pool.run(job, retries)\nclient.connect(host=cfg.host, port=cfg.port)\n") == \
        "pool.run(job, retries)\nclient.connect(host=cfg.host, port=cfg.port)\n"
    env = 'PORT = int(os.environ.get("PORT", "8000"))\napp.run(host="0.0.0.0", port=PORT)\n'
    assert _py(env) == env
    literal = "PORT = 8000\napp.run(port=PORT)\n"
    assert _py(literal) == 'PORT = int(os.environ.get("PORT", "8000"))\napp.run(port=PORT)\n'


def test_js_listen_on_data_reads_port_first() -> None:
    src = "const config = require('./config.json');\nserver.listen(config.server.port, () => {});\n"
    assert js_rewrite(src) == ("const config = require('./config.json');\n"
                               "server.listen(Number(process.env.PORT) || config.server.port, () => {});\n")
    from agents.strategies import jsflow
    both = "app.listen(cfg.port, cfg.host);\n"
    assert jsflow.rewrite(both, ".js", loopback=True) == "app.listen(Number(process.env.PORT) || cfg.port, '0.0.0.0');\n"
    assert js_rewrite("app.listen(process.env.PORT || 3000);\n") == "app.listen(process.env.PORT || 3000);\n"
    fastify = "fastify.listen({ port: config.server.port, host: '0.0.0.0' });\n"
    assert js_rewrite(fastify) == "fastify.listen({ port: Number(process.env.PORT) || config.server.port, host: '0.0.0.0' });\n"


def test_bind_port_replaces_a_host_from_data_only_when_the_platform_saw_a_loopback_listener(tmp_path: Path) -> None:
    from memory.models import EvidenceLine
    app = 'import os\nimport uvicorn\nuvicorn.run("m:app", host=CFG["host"], port=int(os.environ["PORT"]))\n'
    (tmp_path / "main.py").write_text(app)
    quiet = FailureReport(category="port_binding", ecosystem="python", root_cause="No open ports detected")
    with pytest.raises(StrategyDeclined):
        bind_port(quiet, tmp_path, Tools(None))  # type: ignore[arg-type]
    seen = FailureReport(category="port_binding", ecosystem="python", root_cause="health check failed",
                         evidence=[EvidenceLine(line=3, text="Uvicorn running on http://127.0.0.1:10000 (listening on 127.0.0.1)")])
    bind_port(seen, tmp_path, Tools(None))  # type: ignore[arg-type]
    assert 'host="0.0.0.0"' in (tmp_path / "main.py").read_text()


@pytest.mark.parametrize(("procfile", "expect"), [
    ("web: flask run\n", "web: flask run --host 0.0.0.0 --port $PORT\n"),
    ("web: FLASK_APP=notes.py python -m flask run --debug\n", "web: FLASK_APP=notes.py python -m flask run --host 0.0.0.0 --port $PORT --debug\n"),
    ("web: flask run --host 0.0.0.0\n", "web: flask run --port $PORT --host 0.0.0.0\n"),
    ("web: flask db upgrade && flask run -p 5000\n", "web: flask db upgrade && flask run --host 0.0.0.0 -p $PORT\n"),
    ("web: uvicorn main:app --reload\n", "web: uvicorn --host 0.0.0.0 --port $PORT main:app --reload\n"),
    ("web: pip install uvicorn && exec uvicorn main:app\n", "web: pip install uvicorn && exec uvicorn --host 0.0.0.0 --port $PORT main:app\n"),
    ("web: hypercorn app:app\n", "web: hypercorn --bind 0.0.0.0:$PORT app:app\n"),
    ("web: waitress-serve wsgi:app\n", "web: waitress-serve --port=$PORT wsgi:app\n"),
    ("web: daphne proj.asgi:application\n", "web: daphne -b 0.0.0.0 -p $PORT proj.asgi:application\n"),
    ("web: daphne -p 9000 proj.asgi:application\n", "web: daphne -b 0.0.0.0 -p $PORT proj.asgi:application\n"),
    # a TOML config's bind is a literal (it cannot read $PORT); the command line's --bind overrides it
    ("web: hypercorn --config hypercorn.toml main:app\n", "web: hypercorn --bind 0.0.0.0:$PORT --config hypercorn.toml main:app\n"),
])
def test_dev_servers_that_default_to_loopback_get_host_and_port(tmp_path: Path, procfile: str, expect: str) -> None:
    (tmp_path / "Procfile").write_text(procfile)
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    assert (tmp_path / "Procfile").read_text() == expect


@pytest.mark.parametrize("procfile", ["web: gunicorn app:app\n", "web: uvicorn main:app --host 0.0.0.0 --port $PORT\n",
                                      "web: hypercorn --config python:conf app:app\n", "web: waitress-serve --port=$PORT wsgi:app\n",
                                      "web: uvicorn --uds /tmp/app.sock main:app\n", "web: python -m http.server $PORT\n"])
def test_servers_that_read_port_or_already_pass_it_are_left_alone(tmp_path: Path, procfile: str) -> None:
    (tmp_path / "Procfile").write_text(procfile)
    with pytest.raises(StrategyDeclined):
        bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("source", "expect"), [
    ('from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run()\n',
     '    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))\n'),
    ("from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n",
     'app.run(debug=True, host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))\n'),
    ("import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\nuvicorn.run(app)\n",
     'uvicorn.run(app, host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))\n'),
    ("from aiohttp import web\nweb.run_app(web.Application())\n",
     'web.run_app(web.Application(), port=int(os.environ.get("PORT", "8080")))\n'),
    ("from waitress import serve\nfrom app import app\nserve(app)\n", 'serve(app, port=int(os.environ.get("PORT", "8080")))\n'),
    ("from flask import Flask\nfrom flask_socketio import SocketIO\napp = Flask(__name__)\nsocketio = SocketIO(app)\nsocketio.run(app)\n",
     'socketio.run(app, host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))\n'),
    ("import bottle\napp = bottle.Bottle()\nif __name__ == '__main__':\n    bottle.run(app)\n",
     '    bottle.run(app, host="0.0.0.0", port=int(os.environ.get("PORT", "8080")))\n'),
    ("from bottle import Bottle, run\napp = Bottle()\nrun(app, server='wsgiref')\n",
     'run(app, server=\'wsgiref\', host="0.0.0.0", port=int(os.environ.get("PORT", "8080")))\n'),
    ("import bottle\napp = bottle.Bottle()\napp.run(debug=True)\n",
     'app.run(debug=True, host="0.0.0.0", port=int(os.environ.get("PORT", "8080")))\n'),
])
def test_server_calls_that_rely_on_their_default_address_get_one(tmp_path: Path, source: str, expect: str) -> None:
    (tmp_path / "app.py").write_text(source)
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    new = (tmp_path / "app.py").read_text()
    ast.parse(new)
    assert new.endswith(expect) and new.startswith("import os\n")


@pytest.mark.parametrize("source", ["import asyncio\nasyncio.run(main())\n", "import subprocess\nsubprocess.run(['ls'])\n",
                                    "from flask import Flask\napp = Flask(__name__)\nopts = {}\napp.run(**opts)\n",
                                    "import uvicorn\nuvicorn.run('main:app', uds='/tmp/app.sock')\n"])
def test_calls_that_are_no_server_or_say_where_to_listen_are_left_alone(tmp_path: Path, source: str) -> None:
    (tmp_path / "app.py").write_text(source)
    with pytest.raises(StrategyDeclined):
        bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]


def test_a_tornado_app_listening_on_a_literal_port_reads_port(tmp_path: Path) -> None:
    source = ("import asyncio\n\nimport tornado.web\n\n\nasync def main():\n    app = tornado.web.Application([])\n"
              "    app.listen(8888)\n    await asyncio.Event().wait()\n")
    (tmp_path / "server.py").write_text(source)
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    new = (tmp_path / "server.py").read_text()
    ast.parse(new)
    assert '    app.listen(int(os.environ.get("PORT", "8888")))\n' in new and new.startswith("import os\n")


@pytest.mark.parametrize("call", ['app.listen(8888, address="127.0.0.1")', 'app.listen(8888, "localhost")',
                                  'server.listen(8888, address="127.0.0.1", reuse_port=True)'])
def test_a_tornado_app_listening_on_loopback_listens_everywhere_on_port(tmp_path: Path, call: str) -> None:
    source = ("import asyncio\n\nimport tornado.web\n\n\nasync def main():\n    app = tornado.web.Application([])\n"
              f"    {call}\n    await asyncio.Event().wait()\n")
    (tmp_path / "server.py").write_text(source)
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    new = (tmp_path / "server.py").read_text()
    ast.parse(new)
    assert 'listen(int(os.environ.get("PORT", "8888")), ' in new and '"0.0.0.0"' in new
    assert "127.0.0.1" not in new and "localhost" not in new


def test_a_socket_listen_backlog_is_no_port(tmp_path: Path) -> None:
    (tmp_path / "worker.py").write_text("import socket\nsock = socket.socket()\nsock.listen(1024)\n")
    with pytest.raises(StrategyDeclined):
        bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]


def test_hapi_server_options_say_where_it_listens() -> None:
    src = ("const Hapi = require('@hapi/hapi');\nconst server = Hapi.server({ port: 3000, host: 'localhost' });\n"
           "const other = new Hapi.Server({ port: 8000, host: '127.0.0.1' });\nconst cache = store.server({ name: 'a' });\n")
    out = js_rewrite(src)
    assert "Hapi.server({ port: Number(process.env.PORT) || 3000, host: '0.0.0.0' })" in out
    assert "new Hapi.Server({ port: Number(process.env.PORT) || 8000, host: '0.0.0.0' })" in out
    assert "store.server({ name: 'a' })" in out  # an options object without a port is not a server's


def test_cherrypy_quickstart_gets_a_config_that_listens_on_port(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import cherrypy\n\n\nclass Root:\n    pass\n\n\nif __name__ == '__main__':\n"
                                     "    cherrypy.quickstart(Root())\n")
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    new = (tmp_path / "app.py").read_text()
    ast.parse(new)
    assert ('cherrypy.quickstart(Root(), config={"global": {"server.socket_host": "0.0.0.0", '
            '"server.socket_port": int(os.environ.get("PORT", "8080"))}})') in new
    (tmp_path / "app.py").write_text("import cherrypy\ncherrypy.quickstart(Root(), '/', {'global': {}})\n")
    with pytest.raises(StrategyDeclined):  # a config of its own is left alone
        bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "source", "expect"), [
    ("gunicorn.conf.py", 'bind = "127.0.0.1:8000"\nworkers = 2\n', 'bind = "0.0.0.0:" + os.environ.get("PORT", "8000")\n'),
    ("main.py", 'from hypercorn.config import Config\nconfig = Config()\nconfig.bind = ["localhost:8000", "127.0.0.1:9000"]\n',
     'config.bind = ["0.0.0.0:" + os.environ.get("PORT", "8000"), "127.0.0.1:9000"]\n'),
    ("run.py", 'options = {"bind": "0.0.0.0:5000", "workers": 2}\n',
     'options = {"bind": "0.0.0.0:" + os.environ.get("PORT", "5000"), "workers": 2}\n'),
])
def test_a_bind_address_string_listens_on_port(tmp_path: Path, name: str, source: str, expect: str) -> None:
    (tmp_path / name).write_text(source)
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    new = (tmp_path / name).read_text()
    ast.parse(new)
    assert expect in new and new.startswith("import os\n")


@pytest.mark.parametrize("source", ['bind = "unix:/tmp/app.sock"\n', 'CACHE = {"bind": "127.0.0.1:6379"}\n',
                                    'bind = "10.0.0.5:8000"\n'])
def test_a_socket_a_service_or_a_chosen_address_is_no_bind_to_rewrite(tmp_path: Path, source: str) -> None:
    (tmp_path / "gunicorn.conf.py").write_text(source)
    with pytest.raises(StrategyDeclined):
        bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]


def test_express_generators_bin_www_reads_port(tmp_path: Path) -> None:
    """``node ./bin/www`` runs a file with no .js name; ``normalizePort('3000')`` passes the literal through."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "package.json").write_text('{"name": "x", "scripts": {"start": "node ./bin/www"}}\n')
    (tmp_path / "bin" / "www").write_text("#!/usr/bin/env node\nconst http = require('http');\n"
                                          "const port = normalizePort('3000');\nhttp.createServer(() => {}).listen(port);\n"
                                          "function normalizePort(val) { return parseInt(val, 10); }\n")
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    assert "normalizePort(Number(process.env.PORT) || 3000)" in (tmp_path / "bin" / "www").read_text()


def test_django_runserver_without_an_address_listens_on_port(tmp_path: Path) -> None:
    (tmp_path / "Procfile").write_text("web: python manage.py migrate && python manage.py runserver --noreload\n")
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    assert (tmp_path / "Procfile").read_text() == \
        "web: python manage.py migrate && python manage.py runserver 0.0.0.0:$PORT --noreload\n"


@pytest.mark.parametrize(("command", "fixed"), [
    ("PORT=3000 node server.js", "PORT=${PORT:-3000} node server.js"),
    ("NODE_ENV=production PORT='8000' python app.py", "NODE_ENV=production PORT=${PORT:-8000} python app.py"),
    ("cross-env PORT=3000 node s.js", "cross-env PORT=${PORT:-3000} node s.js"),
    ("export PORT=8000 && gunicorn app:app", "export PORT=${PORT:-8000} && gunicorn app:app"),
    ("PORT=$APP_PORT node s.js", "PORT=${PORT:-$APP_PORT} node s.js"),
    ("PORT=${PORT:-3000} node s.js", "PORT=${PORT:-3000} node s.js"),
    ("node s.js PORT=3000", "node s.js PORT=3000"),  # an argument, not the environment
    ("echo PORT=3000 && node s.js", "echo PORT=3000 && node s.js"),
])
def test_a_start_command_that_sets_port_itself_keeps_the_platforms(command: str, fixed: str) -> None:
    assert command_rewrite(command) == fixed


def test_code_that_sets_port_itself_keeps_the_platforms(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_bytes(b'import os\r\nfrom http.server import HTTPServer\r\n\r\nos.environ["PORT"] = "8000"  # local\r\n'
                                      b'HTTPServer(("0.0.0.0", int(os.environ["PORT"])), None).serve_forever()\r\n')
    (tmp_path / "server.js").write_text("const http = require('http');\nprocess.env.PORT = 3000;\n"
                                        "http.createServer(() => {}).listen(process.env.PORT);\n")
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    py = (tmp_path / "app.py").read_bytes()
    assert b'os.environ.setdefault("PORT", "8000")  # local\r\n' in py and py.count(b"\r\n") == py.count(b"\n") == 5
    assert "process.env.PORT = process.env.PORT || 3000;\n" in (tmp_path / "server.js").read_text()


def test_an_edit_keeps_a_crlf_file_crlf_and_adds_import_os_in_kind(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_bytes(b'"""Doc."""\r\nfrom flask import Flask\r\napp = Flask(__name__)\r\napp.run(port=5000)\r\n')
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    new = (tmp_path / "app.py").read_bytes()
    assert new == (b'"""Doc."""\r\nimport os\r\nfrom flask import Flask\r\napp = Flask(__name__)\r\n'
                   b'app.run(port=int(os.environ.get("PORT", "5000")), host="0.0.0.0")\r\n')


def test_a_start_script_that_sets_port_is_fixed_in_package_json(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{\n  "name": "x",\n  "scripts": {\n    "start": "PORT=3000 node server.js"\n  }\n}\n')
    (tmp_path / "server.js").write_text("require('http').createServer(() => {}).listen(process.env.PORT || 8080);\n")
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    assert json.loads((tmp_path / "package.json").read_text())["scripts"]["start"] == "PORT=${PORT:-3000} node server.js"


def test_a_listen_keyword_and_a_dotenv_that_overrides_port(tmp_path: Path) -> None:
    (tmp_path / "serve.py").write_text("from waitress import serve\nserve(app, listen='127.0.0.1:8080')\n")
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    assert 'serve(app, listen="0.0.0.0:" + os.environ.get("PORT", "8080"))' in (tmp_path / "serve.py").read_text()
    (tmp_path / "serve.py").unlink()
    (tmp_path / ".env").write_text("PORT=5000\nGREETING=hello\n")
    (tmp_path / "app.py").write_text("import os\nfrom dotenv import load_dotenv\nload_dotenv(override=True)\n"
                                     "app.run(host='0.0.0.0', port=int(os.environ['PORT']))\n")
    r = bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    assert "load_dotenv(override=False)" in (tmp_path / "app.py").read_text()
    assert (tmp_path / ".env").read_text() == "PORT=5000\nGREETING=hello\n" and r.params["files"] == ["app.py"]


@pytest.mark.parametrize(("name", "source"), [
    ("app.js", "require('dotenv').config({ override: true });\nconst express = require('express');\n"
               "express().listen(process.env.PORT);\n"),
    ("server.mjs", "import dotenv from 'dotenv';\ndotenv.config({ path: '.env', override: true });\n"
                   "import http from 'node:http';\nhttp.createServer(() => {}).listen(process.env.PORT);\n"),
    ("src/index.ts", "import * as dotenv from 'dotenv';\ndotenv.config({ override: true, debug: false });\n"
                     "const port: string | undefined = process.env.PORT;\n"),
])
def test_a_node_dotenv_that_overrides_port(tmp_path: Path, name: str, source: str) -> None:
    """Node's dotenv with ``override: true`` replaces the platform's PORT with the committed .env's: override goes
    off, the .env file stays as it is."""
    (tmp_path / ".env").write_text("PORT=4000\nLOG_LEVEL=info\n")
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(source)
    r = bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    assert (tmp_path / name).read_text() == source.replace("override: true", "override: false")
    assert r.params["files"] == [name] and (tmp_path / ".env").read_text() == "PORT=4000\nLOG_LEVEL=info\n"


def test_a_dotenv_override_without_port_in_env_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=info\n")
    (tmp_path / "app.js").write_text("require('dotenv').config({ override: true });\nrequire('http').createServer().listen(process.env.PORT);\n")
    with pytest.raises(StrategyDeclined):
        bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("procfile", "expect"), [
    ("web: gunicorn --bind 0.0.0.0:$APP_PORT --workers 2 app:app\n", "web: gunicorn --bind 0.0.0.0:$PORT --workers 2 app:app\n"),
    ("web: uvicorn main:app --host 0.0.0.0 --port ${HTTP_PORT:-8000}\n", "web: uvicorn main:app --host 0.0.0.0 --port $PORT\n"),
])
def test_a_start_command_port_from_another_variable_takes_port(tmp_path: Path, procfile: str, expect: str) -> None:
    """The platform routes to $PORT only: a bind or port option fed by another variable (unset, or set to something
    else) is pointed at $PORT; $PORT and ${PORT:-8000} are left as they are."""
    (tmp_path / "Procfile").write_text(procfile)
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    assert (tmp_path / "Procfile").read_text() == expect
    (tmp_path / "Procfile").write_text("web: gunicorn -b 0.0.0.0:${PORT:-8000} app:app\n")
    with pytest.raises(StrategyDeclined):
        bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]


def test_a_gunicorn_config_bind_from_another_variable_reads_port_first(tmp_path: Path) -> None:
    (tmp_path / "gunicorn.conf.py").write_text("import os\n\nbind = f\"0.0.0.0:{os.environ.get('APP_PORT', '8000')}\"\nworkers = 2\n")
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    assert (tmp_path / "gunicorn.conf.py").read_text() == ('import os\n\nbind = "0.0.0.0:" + str(os.environ.get("PORT") or '
                                                          "os.environ.get('APP_PORT', '8000'))\nworkers = 2\n")


@pytest.mark.parametrize(("name", "source", "expect"), [
    ("index.js", "const app = require('express')();\napp.listen(80, () => console.log('up'));\n",
     "app.listen(Number(process.env.PORT) || 80, () => console.log('up'));\n"),
    ("app.py", "from flask import Flask\napp = Flask(__name__)\napp.run(host='0.0.0.0', port=443)\n",
     "app.run(host='0.0.0.0', port=int(os.environ.get(\"PORT\", \"443\")))\n"),
    ("Procfile", "web: uvicorn main:app --host 0.0.0.0 --port 80\n", "web: uvicorn main:app --host 0.0.0.0 --port $PORT\n"),
])
def test_http_s_own_ports_80_and_443_are_ports_to_move_to_port(tmp_path: Path, name: str, source: str, expect: str) -> None:
    """A container habit: listening on 80 or 443, which an unprivileged process on a platform may not bind."""
    (tmp_path / name).write_text(source)
    bind_port(REPORT, tmp_path, None)  # type: ignore[arg-type]
    assert expect in (tmp_path / name).read_text()
