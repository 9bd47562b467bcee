"""A stateful fake of Render's API subset on 127.0.0.1. Deploys go created → build_in_progress →
live or a failure (decided per commit by the test); logs are kept per deploy. Every request and
response is validated against ../shared/specs/render.openapi.json (violations are recorded)."""

from __future__ import annotations

import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from tests import http_util
from tests.conftest import SHARED

Verdict = Callable[[str], tuple[str, list[str]]]
"""commit id → (final status, app log lines)."""


def ts(seconds: int) -> str:
    return f"2026-11-22T10:{seconds // 60:02d}:{seconds % 60:02d}Z"


class FakeRender:
    def __init__(self, verdict: Verdict, key: str = "rnd_fakeRenderKey0123456789abc") -> None:
        self.key, self.verdict = key, verdict
        self.api = OpenAPI.from_file_path(str(SHARED / "specs" / "render.openapi.json"))
        self.violations: list[str] = []
        self.deploys: list[dict[str, Any]] = []
        self.polls: dict[str, int] = {}
        self.logs: dict[str, list[dict[str, Any]]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", 0) or 0))
                url = urlparse(self.path)
                query = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(url.query).items()}
                req = MockRequest("https://api.render.com/v1", self.command.lower(), url.path, args=query,
                                  headers=dict(self.headers), data=raw or None, content_type="application/json")
                try:
                    fake.api.validate_request(req)
                except Exception as exc:
                    fake.violations.append(f"request {self.command} {self.path}: {type(exc).__name__}: {exc}")
                if self.headers.get("authorization") != f"Bearer {fake.key}":
                    return self._send(req, 401, {"id": "unauthorized", "message": "unauthorized"})
                status, body = fake.route(self.command, url.path, query, json.loads(raw) if raw else {})
                self._send(req, status, body)

            do_GET = do_POST = _handle  # noqa: N815

            def _send(self, req: MockRequest, status: int, body: Any) -> None:
                http_util.send_validated(self, fake.api, req, status, body, fake.violations)

            def log_message(self, *args: Any) -> None:
                return None

        self.server, self.url = http_util.start(Handler, '/v1')

    def _advance(self, d: dict[str, Any]) -> dict[str, Any]:
        n = self.polls[d["id"]] = self.polls.get(d["id"], 0) + 1
        if d["status"] in ("created", "build_in_progress") and n >= 2:
            final, lines = self.verdict(d["commit"]["id"])
            base = int(d["id"].split("-")[-1]) * 100
            self.logs[d["id"]] = [
                {"id": f"{d['id']}-b", "message": "==> Running build command 'pip install -r requirements.txt'",
                 "timestamp": ts(base + 1), "labels": [{"name": "type", "value": "build"}]},
                *({"id": f"{d['id']}-{i}", "message": line, "timestamp": ts(base + 2 + i),
                   "labels": [{"name": "type", "value": "app"}]} for i, line in enumerate(lines)),
            ]
            if final == "live":
                for other in self.deploys:
                    if other["status"] == "live":
                        other["status"] = "deactivated"
            d.update(status=final, finishedAt=ts(base + 40), updatedAt=ts(base + 40))
        elif d["status"] == "created":
            d.update(status="build_in_progress", startedAt=ts(int(d["id"].split("-")[-1]) * 100))
        return d

    def route(self, method: str, path: str, query: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        parts = path.strip("/").split("/")[1:]  # drop v1
        if parts[:1] == ["logs"]:
            kind = query.get("type")
            start, end = query.get("startTime", ""), query.get("endTime", "9")
            entries = [e for logs in self.logs.values() for e in logs
                       if start <= e["timestamp"] <= end and (not kind or e["labels"][0]["value"] == kind)]
            limit = int(query.get("limit", 20))
            page, more = entries[:limit], len(entries) > limit
            nxt = entries[limit]["timestamp"] if more else end
            return 200, {"hasMore": more, "nextStartTime": nxt, "nextEndTime": end, "logs": page}
        if parts[:1] == ["services"] and parts[2:3] == ["deploys"]:
            if len(parts) == 3 and method == "GET":
                items = sorted(self.deploys, key=lambda d: d["createdAt"], reverse=True)
                if query.get("status"):
                    wanted = query["status"] if isinstance(query["status"], list) else [query["status"]]
                    items = [d for d in items if d["status"] in wanted]
                return 200, [{"deploy": d, "cursor": d["id"]} for d in items]
            if len(parts) == 3 and method == "POST":
                n = len(self.deploys) + 1
                d = {"id": f"dep-{n}", "commit": {"id": body.get("commitId", ""), "message": "m", "createdAt": ts(n * 100)},
                     "status": "created", "trigger": "api", "createdAt": ts(n * 100), "updatedAt": ts(n * 100)}
                self.deploys.append(d)
                return 201, d
            d = next((x for x in self.deploys if x["id"] == parts[3]), None)
            if d is None:
                return 404, {"id": "not_found", "message": "deploy not found"}
            if len(parts) == 5 and parts[4] == "cancel":
                d["status"] = "canceled"
                return 200, d
            return 200, self._advance(d)
        return 404, {"id": "not_found", "message": "not found"}

    def close(self) -> None:
        http_util.stop(self.server)
