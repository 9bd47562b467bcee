"""A small HTTP server on 127.0.0.1 that records every request and answers from a per-path script."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests import http_util


class CaptureServer:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.scripts: dict[str, list[tuple[int, dict[str, str], bytes]]] = {}
        self.default: tuple[int, dict[str, str], bytes] = (200, {}, b"ok")
        cap = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length) if length else b""
                try:
                    body: Any = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode(errors="replace")
                cap.requests.append({"method": self.command, "path": self.path, "body": body, "headers": dict(self.headers)})
                queue = next((v for k, v in cap.scripts.items() if self.path.startswith(k) and v), None)
                status, headers, data = queue.pop(0) if queue else cap.default
                http_util.send(self, status, data, headers)

            do_POST = do_GET = do_PUT = do_PATCH = _handle  # noqa: N815

            def log_message(self, *args: Any) -> None:
                return None

        self.server, self.url = http_util.start(Handler)

    def to(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].startswith(path)]

    def close(self) -> None:
        http_util.stop(self.server)


class LiveSite:
    """A stand-in for a deployed service whose answers depend on the release serving now:
    ``answer(path) -> status`` is asked on every request (200/5xx with a JSON body)."""

    def __init__(self, answer: Any) -> None:
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                site.requests.append(self.path)
                status = int(answer(self.path))
                data = json.dumps({"status": "ok" if status < 400 else "error"}).encode()
                http_util.send(self, status, data, {"content-type": "application/json"})

            def log_message(self, *args: Any) -> None:
                return None

        self.server, self.url = http_util.start(Handler)

    def close(self) -> None:
        http_util.stop(self.server)
