"""A scripted Anthropic Messages API on 127.0.0.1: real HTTP, Bearer or x-api-key auth, recorded requests."""

from __future__ import annotations

import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests import http_util

Response = dict[str, Any]
Script = list[Response | Callable[[dict[str, Any]], Response]]


def tool_reply(name: str, tool_input: Any, input_tokens: int = 120, output_tokens: int = 40, tool_id: str = "toolu_01") -> Response:
    return {"status": 200, "body": {
        "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-test",
        "content": [{"type": "tool_use", "id": tool_id, "name": name, "input": tool_input}],
        "stop_reason": "tool_use", "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens,
                  "cache_creation_input_tokens": 0, "cache_read_input_tokens": 80},
    }}


def error_reply(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    kind = {429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
    return {"status": status, "headers": headers or {}, "body": {"type": "error", "error": {"type": kind, "message": message}}}


class FakeAnthropic:
    def __init__(self, key: str = "sk-ant-test-key-0123456789") -> None:
        self.key = key
        self.script: Script = []
        self.default: Callable[[dict[str, Any]], Response] | None = None
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                """``GET /v1/models``: the models the key may use, newest first, paged with ``limit``/``after_id``
                (https://docs.anthropic.com/en/api/models-list)."""
                if not self._admit(None, "/v1/models"):
                    return None
                models = [{"type": "model", "id": "claude-sonnet-5", "display_name": "Claude Sonnet 5",
                           "created_at": "2026-09-01T00:00:00Z"}]
                return self._send({"status": 200, "body": {"data": models, "has_more": False, "first_id": models[0]["id"],
                                                           "last_id": models[0]["id"]}})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self._admit(body, "/v1/messages"):
                    return None
                if fake.script:
                    item = fake.script.pop(0)
                elif fake.default is not None:
                    item = fake.default
                else:
                    return self._send(error_reply(500, "fake server: script exhausted"))
                self._send(item(body) if callable(item) else item)

            def _admit(self, body: Any, prefix: str) -> bool:
                """Record the request; answer 401 for a wrong key and 404 for another path (then False)."""
                auth = self.headers.get("authorization", "")
                ok = auth == f"Bearer {fake.key}" or self.headers.get("x-api-key") == fake.key
                fake.requests.append({"path": self.path, "body": body, "auth_ok": ok})
                if not ok:
                    self._send(error_reply(401, "invalid x-api-key"))
                    return False
                if not self.path.startswith(prefix):
                    self._send(error_reply(404, "not found"))
                    return False
                return True

            def _send(self, resp: Response) -> None:
                http_util.send(self, resp["status"], json.dumps(resp["body"]).encode(),
                               {"content-type": "application/json", **resp.get("headers", {})})

            def log_message(self, *args: Any) -> None:
                return None

        self.server, self.url = http_util.start(Handler)

    def close(self) -> None:
        http_util.stop(self.server)
