"""relax_pin reads releases instead of guessing: real wheels, a real ``pip download`` from a package index served on
127.0.0.1 (PEP 503 simple layout), and the ceiling below the newest line that still defines the name."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from agents.ports import CommandResult
from agents.strategies import Tools, wheels
from agents.strategies.relax_pin import relax_pin
from memory.models import FailureReport

RELEASES = {  # version → does werkzeug/security.py still define safe_str_cmp?
    "3.1.3": False, "3.0.6": False, "2.3.8": False, "2.2.3": False, "2.1.2": False, "2.0.3": True, "1.0.1": True,
}


def _wheel(folder: Path, version: str, has: bool) -> None:
    name = f"werkzeug-{version}-py3-none-any.whl"
    body = "import hmac\n\n\ndef generate_password_hash(p):\n    return p\n"
    if has:
        body += "\n\ndef safe_str_cmp(a, b):\n    return hmac.compare_digest(a, b)\n"
    info = f"werkzeug-{version}.dist-info"
    with zipfile.ZipFile(folder / name, "w") as whl:
        whl.writestr("werkzeug/__init__.py", "")
        whl.writestr("werkzeug/security.py", body)
        whl.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: Werkzeug\nVersion: {version}\n")
        whl.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        whl.writestr(f"{info}/RECORD", "")


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("index")
    project = root / "simple" / "werkzeug"
    project.mkdir(parents=True)
    for version, has in RELEASES.items():
        _wheel(project, version, has)
    links = "".join(f'<a href="{p.name}">{p.name}</a>\n' for p in sorted(project.glob("*.whl")))
    (project / "index.html").write_text(f"<html><body>{links}</body></html>\n")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()


class LocalIndexWorkspace:
    """Runs the strategy's commands for real, with pip pointed at the local index; `pip index versions` answers
    from the same release list (pip's index command needs a JSON API the simple layout does not have)."""

    def __init__(self, url: str) -> None:
        self.url, self.calls = url, []  # type: ignore[var-annotated]

    def run(self, command: str, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> CommandResult:
        self.calls.append(command)
        if "pip index versions" in command:
            return CommandResult(command, 0, f"Werkzeug (3.1.3)\nAvailable versions: {', '.join(RELEASES)}", 0.01)
        # only the local index: no pip.conf and no find-links (an extra index or wheel folder there would answer instead)
        full = {**os.environ, "PIP_INDEX_URL": self.url, "PIP_NO_CACHE_DIR": "1", "PIP_CONFIG_FILE": os.devnull}
        for name in ("PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONSTRAINT", "PIP_NO_INDEX"):
            full.pop(name, None)
        done = subprocess.run(command.replace("python -m pip", f"{sys.executable} -m pip", 1), shell=True, cwd=cwd,
                              capture_output=True, text=True, timeout=timeout, env=full)
        return CommandResult(command, done.returncode, done.stdout + done.stderr, 0.1)


def test_the_ceiling_comes_from_the_newest_release_that_still_has_the_name(index: str, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("Flask\ngunicorn\n")
    ws = LocalIndexWorkspace(index)
    cause = "ImportError: cannot import name 'safe_str_cmp' from 'werkzeug.security' (/srv/.venv/lib/python3.11/site-packages/werkzeug/security.py)"
    r = relax_pin(FailureReport(category="dependency_conflict", entity="Werkzeug", ecosystem="python", root_cause=cause),
                  tmp_path, Tools(ws))  # type: ignore[arg-type]
    assert (tmp_path / "requirements.txt").read_text() == "Flask\ngunicorn\nWerkzeug<2.1\n"
    assert "2.0.3 is the newest release that still has it" in r.summary
    downloads = [c for c in ws.calls if "pip download" in c]
    assert len(downloads) == 6  # 3.1.3, 3.0.6, 2.3.8, 2.2.3, 2.1.2 lack it; 2.0.3 has it; 1.0.1 is never fetched


def test_the_helpers_read_source_not_guess() -> None:
    assert wheels.defines("def safe_str_cmp(a, b):\n    pass\n", "safe_str_cmp")
    assert wheels.defines("from ._internal import (\n    _log,\n    safe_str_cmp,\n)\n", "safe_str_cmp")
    assert wheels.defines("Markup = markupsafe.Markup\n", "Markup")
    assert not wheels.defines("    safe_str_cmp = 1  # inside a function\n", "safe_str_cmp")
    assert not wheels.defines("# safe_str_cmp was removed in 2.1\n", "safe_str_cmp")
    key = lambda v: tuple(int(x) for x in v.split("."))  # noqa: E731
    assert wheels.line_heads(["2.0.1", "2.0.3", "2.1.0", "3.0.0"], key) == ["3.0.0", "2.1.0", "2.0.3"]
    assert wheels.newest_with(["3", "2", "1"], lambda v: v == "2") == "2"
    assert wheels.newest_with(["3", "2", "1"], lambda v: None) is None  # a release that cannot be read: no answer
