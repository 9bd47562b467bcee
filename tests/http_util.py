"""Starting and stopping the small HTTP servers the fakes run on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def start(handler: type[BaseHTTPRequestHandler], path: str = "") -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{path}"


@contextmanager
def uvicorn_app(app: Any) -> Iterator[str]:
    """A real uvicorn serving the ASGI ``app`` on a free 127.0.0.1 port, for the block: its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:  # wait on the server's own readiness flag
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def stop(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


def send(handler: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
    """One HTTP answer with a length: the status, the headers, the body."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("content-length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def send_validated(handler: BaseHTTPRequestHandler, api: Any, req: Any, status: int, body: Any,
                   violations: list[str]) -> None:
    """Validate a JSON response (or, for ``body=None``, an empty one) against the spec, recording any
    violation, then send it."""
    from openapi_core.testing import MockResponse

    data = b"" if body is None else json.dumps(body).encode()
    try:
        api.validate_response(req, MockResponse(data, status_code=status) if body is None
                              else MockResponse(data, status_code=status, content_type="application/json"))
    except Exception as exc:
        violations.append(f"response {req.method} {req.path} {status}: {type(exc).__name__}: {str(exc)[:3000]}")
    handler.send_response(status)
    if body is not None:
        handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
