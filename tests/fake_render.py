"""A stateful fake of Render's API subset on 127.0.0.1. Deploys go created → build_in_progress →
live or a failure (decided per commit by the test); logs are kept per deploy. Every request and
response is validated against tests/data/specs/render.openapi.json (violations are recorded)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from tests import http_util
from tests.conftest import SPECS, git, sample_app

T0 = 1795341600  # 2026-11-22T10:00:00Z
Verdict = Callable[[str], tuple[str, list[str]]]
"""commit id → (final status, app log lines)."""


def ts(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(T0 + seconds))


class FakeRender:
    def __init__(self, verdict: Verdict, key: str = "rnd_fakeRenderKey0123456789abc") -> None:
        self.key, self.verdict = key, verdict
        self.api = OpenAPI.from_file_path(str(SPECS / "render.openapi.json"))
        self.violations: list[str] = []
        self.deploys: list[dict[str, Any]] = []
        self.polls: dict[str, int] = {}
        self.logs: dict[str, list[dict[str, Any]]] = {}
        self.list_pages = 0
        self.faults: list[str] = []
        """Answers to give instead of the real ones, one per request, in order (see :meth:`fault`)."""
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
                if fake.faults:
                    return fake.fault(self, req, fake.faults.pop(0))
                status, body = fake.route(self.command, url.path, query, json.loads(raw) if raw else {})
                self._send(req, status, body)

            do_GET = do_POST = _handle  # noqa: N815

            def _send(self, req: MockRequest, status: int, body: Any) -> None:
                http_util.send_validated(self, fake.api, req, status, body, fake.violations)

            def log_message(self, *args: Any) -> None:
                return None

        self.server, self.url = http_util.start(Handler, '/v1')

    def fault(self, handler: BaseHTTPRequestHandler, req: MockRequest, kind: str) -> None:
        """A documented failure instead of the real answer. Every operation in render.openapi.json declares
        ``429RateLimit``, ``500InternalServerError`` and ``503ServiceUnavailable`` with the ``error`` body; Render's
        rate-limiting page (https://api-docs.render.com/reference/rate-limiting) says a 429 comes with
        ``Ratelimit-Reset``, the UTC epoch second the window resets. ``malformed`` (a body cut short, as a proxy
        that drops the connection mid-answer leaves it) and ``wrong-shape`` (valid JSON of another shape) are
        not vendor behaviour: they are hostile input for the adapter's boundary."""
        if kind in ("500", "503"):
            return http_util.send_validated(handler, self.api, req, int(kind),
                                            {"id": "internal", "message": "an unexpected server error has occurred"}, [])
        if kind == "429":
            handler.send_response(429)
            data = json.dumps({"id": "rate_limited", "message": "rate limit has been surpassed"}).encode()
            for name, value in (("content-type", "application/json"), ("Ratelimit-Limit", "100"),
                                ("Ratelimit-Remaining", "0"), ("Ratelimit-Reset", str(int(time.time()) + 1)),
                                ("content-length", str(len(data)))):
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
            return None
        data = b'{"id": "dep-1", "commit": {"id' if kind == "malformed" else b'[{"unexpected": true}]'
        handler.send_response(200)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        return None

    def new_deploy(self, sha: str, trigger: str = "api", status: str = "created") -> dict[str, Any]:
        n = len(self.deploys) + 1
        d = {"id": f"dep-{n}", "commit": {"id": sha, "message": "m", "createdAt": ts(n * 100)},
             "status": status, "trigger": trigger, "createdAt": ts(n * 100), "updatedAt": ts(n * 100)}
        if status == "live":
            for other in self.deploys:
                if other["status"] == "live":
                    other["status"] = "deactivated"
        self.deploys.append(d)
        return d

    def live_sha(self) -> str | None:
        return next((d["commit"]["id"] for d in self.deploys if d["status"] == "live"), None)

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
        if parts[:1] == ["services"] and parts[2:3] == ["rollback"] and method == "POST":
            target = next((x for x in self.deploys if x["id"] == body.get("deployId")), None)
            if target is None:
                return 404, {"id": "not_found", "message": "deploy to roll back to not found"}
            d = self.new_deploy(target["commit"]["id"], trigger="rollback")
            return 201, d
        if parts[:1] == ["services"] and parts[2:3] == ["deploys"]:
            if len(parts) == 3 and method == "GET":
                items = sorted(self.deploys, key=lambda d: d["createdAt"], reverse=True)
                if query.get("status"):
                    wanted = query["status"] if isinstance(query["status"], list) else [query["status"]]
                    items = [d for d in items if d["status"] in wanted]
                if query.get("cursor"):  # the page after the item carrying this cursor
                    ids = [d["id"] for d in items]
                    items = items[ids.index(query["cursor"]) + 1:] if query["cursor"] in ids else []
                items = items[:int(query.get("limit", 20))]
                self.list_pages += 1
                return 200, [{"deploy": d, "cursor": d["id"]} for d in items]
            if len(parts) == 3 and method == "POST":
                return 201, self.new_deploy(body.get("commitId", ""))
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


def sample_on_render(tmp_path: Any, site_url: str, monkeypatch: Any) -> tuple[Any, Any, FakeRender]:
    """The sample app (missing PyYAML) configured for a FakeRender service: a build without PyYAML fails with
    the import error, one with it goes live. Returns (repo, origin, fake); the caller closes the fake."""
    repo, origin = sample_app(tmp_path, "render-app")

    def verdict(sha: str) -> tuple[str, list[str]]:
        if "PyYAML" in git(origin, "show", f"{sha}:requirements.txt"):
            return "live", ["greeting service on 0.0.0.0:10000"]
        return "update_failed", ["Traceback (most recent call last):", '  File "/opt/render/project/src/app.py", line 6',
                                 "    import yaml", "ModuleNotFoundError: No module named 'yaml'"]

    fake = FakeRender(verdict)
    monkeypatch.setenv("RENDER_API_KEY", fake.key)
    monkeypatch.setenv("RENDER_API_URL", fake.url)
    (repo / "swarm.toml").write_text(
        f'[service]\nplatform = "render"\n[render]\nservice_id = "srv-abc"\nowner_id = "tea-xyz"\nurl = "{site_url}"\n'
        "[heal]\nattempt_timeout_s = 120\n")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "render config")
    git(repo, "push", "-q", "origin", "main")
    return repo, origin, fake
