"""A web process that binds the wrong port is diagnosed from the process tree's listening sockets (Linux /proc), as
soon as that is plain, not at the end of the health window; real processes, real sockets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from swarm.listeners import listening
from swarm.platforms.local_worker import free_port, wait_healthy
from swarm.procs import kill_group

APP = '''
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        data = json.dumps({"status": "ok"}).encode()
        self.send_response(200); self.send_header("content-length", str(len(data))); self.end_headers(); self.wfile.write(data)
    def log_message(self, *a): pass
port = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ["PORT"])
HTTPServer(("127.0.0.1", port), H).serve_forever()
'''

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")


def start(tmp_path: Path, port: int, args: str = "") -> subprocess.Popen[bytes]:
    (tmp_path / "app.py").write_text(APP)
    # through a shell, as the platform starts a Procfile command: the listener is a child of the started process
    return subprocess.Popen(f"{sys.executable} app.py {args}", shell=True, cwd=tmp_path, env={"PORT": str(port)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)


def test_the_listening_ports_of_a_process_tree(tmp_path: Path) -> None:
    port = free_port()
    proc = start(tmp_path, port)
    try:
        assert wait_healthy(proc, port, "/healthz", 60)[0] == "ok"
        assert (("127.0.0.1", port) in (listening(proc.pid) or set()))
    finally:
        kill_group(proc.pid)


def test_a_process_on_the_wrong_port_is_diagnosed_before_the_window_ends(tmp_path: Path) -> None:
    wanted, actual = free_port(), free_port()
    proc = start(tmp_path, wanted, args=str(actual))
    try:
        result, detail = wait_healthy(proc, wanted, "/healthz", 120)
        assert result == "wrong_port", detail
        assert f"127.0.0.1:{actual}" in detail and f"$PORT={wanted}" in detail
        assert proc.poll() is None  # still running: the diagnosis did not wait for it to die or for the window
    finally:
        kill_group(proc.pid)


def test_a_crash_is_diagnosed_at_exit(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import sys; sys.exit(3)\n")
    proc = subprocess.Popen(f"{sys.executable} app.py", shell=True, cwd=tmp_path, start_new_session=True)
    result, detail = wait_healthy(proc, free_port(), "/healthz", 120)
    assert result == "exited" and "code 3" in detail


FAILING = '''
import os
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        code = int(os.environ.get("ANSWER", "500"))
        body = os.environ.get("BODY", "").encode()
        self.send_response(code); self.send_header("content-length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
'''


@pytest.mark.parametrize(("answer", "body", "result"), [("500", "", "server_error"), ("400", "", "refused"),
                                                    ("200", "ok", "not_json")])
def test_a_handler_that_keeps_failing_or_refusing_is_diagnosed_before_the_window_ends(tmp_path: Path, answer: str,
                                                                                       body: str, result: str) -> None:
    """HTTP 500 on $PORT: the handler fails; HTTP 400 (Django's ALLOWED_HOSTS): the app is up and refuses; HTTP 200 with
    plain text: the app is up and its health path does not answer JSON. Either way no later answer differs (the window
    is not waited out), and the process is left running for the caller to stop."""
    (tmp_path / "app.py").write_text(FAILING)
    port = free_port()
    proc = subprocess.Popen(f"{sys.executable} app.py", shell=True, cwd=tmp_path,
                            env={"PORT": str(port), "ANSWER": answer, "BODY": body},
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        got, detail = wait_healthy(proc, port, "/healthz", 600)
        assert got == result and f"HTTP {answer}" in detail
        assert proc.poll() is None
    finally:
        kill_group(proc.pid)


def test_not_ready_yet_is_waited_out_to_the_end_of_the_window(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(FAILING)
    port = free_port()
    proc = subprocess.Popen(f"{sys.executable} app.py", shell=True, cwd=tmp_path, env={"PORT": str(port), "ANSWER": "503"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        result, detail = wait_healthy(proc, port, "/healthz", 8)
        assert result == "timeout" and detail == "HTTP 503"
    finally:
        kill_group(proc.pid)


BUSY_START = '''
import socket, sys, time
aux = socket.socket(); aux.bind(("127.0.0.1", 0)); aux.listen()  # a metrics port, opened first
began = time.monotonic()
while time.monotonic() - began < float(sys.argv[1]):  # a start-up that computes (loads a model, warms a cache)
    pass
''' + APP.replace("len(sys.argv) > 1", "len(sys.argv) > 2").replace("sys.argv[1])", "sys.argv[2])")


def start_busy(tmp_path: Path, seconds: float) -> tuple[subprocess.Popen[bytes], int]:
    (tmp_path / "app.py").write_text(BUSY_START)
    port = free_port()
    proc = subprocess.Popen(f"{sys.executable} app.py {seconds}", shell=True, cwd=tmp_path, env={"PORT": str(port)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, port


def test_a_busy_start_up_on_another_port_is_waited_for(tmp_path: Path) -> None:
    """The tree listens on a port that is not $PORT while it still runs its start-up: not judged until it sleeps."""
    proc, port = start_busy(tmp_path, 2.5)
    try:
        result, detail = wait_healthy(proc, port, "/healthz", 120)
        assert result == "ok", detail
    finally:
        kill_group(proc.pid)


def test_a_tree_that_never_rests_on_the_wrong_port_is_still_diagnosed(tmp_path: Path) -> None:
    proc, port = start_busy(tmp_path, 100000)
    try:
        result, detail = wait_healthy(proc, port, "/healthz", 120)
        assert result == "wrong_port" and f"$PORT={port}" in detail, detail
        assert proc.poll() is None
    finally:
        kill_group(proc.pid)
