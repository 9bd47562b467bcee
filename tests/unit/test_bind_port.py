import ast
from pathlib import Path

import pytest

from agents.strategies import StrategyDeclined
from agents.strategies.bind_port import bind_port, js_rewrite
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
