"""A stateful fake of DigitalOcean App Platform's API subset on 127.0.0.1. A deployment builds the
branch head at the time it is created; phases go PENDING_BUILD → BUILDING → ACTIVE or ERROR (decided
per commit by the test); logs are archived files behind `historic_urls`. Every API request and response
is validated against tests/data/specs/digitalocean.openapi.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from tests import http_util
from tests.conftest import SPECS

NOW = "2026-11-22T10:00:00Z"


class FakeDigitalOcean:
    def __init__(self, head: Callable[[], str], verdict: Callable[[str], tuple[str, str, str]],
                 token: str = "dop_v1_fake0123456789abcdef") -> None:
        self.head, self.verdict, self.token = head, verdict, token
        self.api = OpenAPI.from_file_path(str(SPECS / "digitalocean.openapi.json"))
        self.violations: list[str] = []
        self.deployments: list[dict[str, Any]] = []
        self.archive: dict[str, str] = {}
        self.polls: dict[str, int] = {}
        self.list_pages = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", 0) or 0))
                url = urlparse(self.path)
                if url.path.startswith("/archive/"):  # pre-signed log files: not part of the API
                    data = fake.archive.get(url.path, "").encode()
                    self.send_response(200)
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                req = MockRequest("https://api.digitalocean.com", self.command.lower(), url.path, args=query,
                                  headers=dict(self.headers), data=raw or None, content_type="application/json")
                try:
                    fake.api.validate_request(req)
                except Exception as exc:
                    fake.violations.append(f"request {self.command} {self.path}: {type(exc).__name__}: {exc}")
                if self.headers.get("authorization") != f"Bearer {fake.token}":
                    return self._send(req, 401, {"id": "unauthorized", "message": "Unable to authenticate you."})
                status, body = fake.route(self.command, url.path, query, f"http://{self.headers.get('host')}",
                                          json.loads(raw) if raw else {})
                self._send(req, status, body)

            do_GET = do_POST = _handle  # noqa: N815

            def _send(self, req: MockRequest, status: int, body: Any) -> None:
                http_util.send_validated(self, fake.api, req, status, body, fake.violations)

            def log_message(self, *args: Any) -> None:
                return None

        self.server, self.url = http_util.start(Handler)

    def _advance(self, d: dict[str, Any], base: str) -> dict[str, Any]:
        n = self.polls[d["id"]] = self.polls.get(d["id"], 0) + 1
        if d["phase"] in ("PENDING_BUILD", "BUILDING", "PENDING_DEPLOY") and n >= 2:
            phase, build, run = self.verdict(d["_sha"])
            self.archive[f"/archive/{d['id']}/BUILD.log"] = build
            self.archive[f"/archive/{d['id']}/RUN.log"] = run
            if phase == "ACTIVE":
                for other in self.deployments:
                    if other["phase"] == "ACTIVE":
                        other["phase"] = "SUPERSEDED"
            d["phase"] = phase
        elif d["phase"] == "PENDING_BUILD":
            d["phase"] = "BUILDING"
        return d

    @staticmethod
    def _public(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if not k.startswith("_")}

    def new_deployment(self, sha: str, cause: str = "manual", phase: str = "PENDING_BUILD") -> dict[str, Any]:
        n = len(self.deployments) + 1
        d = {"id": f"{n:08d}-aaaa-bbbb-cccc-dddddddddddd", "cause": cause, "phase": phase, "created_at": NOW,
             "updated_at": NOW, "services": [{"name": "web", "source_commit_hash": sha}], "_sha": sha}
        if phase == "ACTIVE":
            for other in self.deployments:
                if other["phase"] == "ACTIVE":
                    other["phase"] = "SUPERSEDED"
        self.deployments.append(d)
        return d

    def live_sha(self) -> str | None:
        return next((d["_sha"] for d in self.deployments if d["phase"] == "ACTIVE"), None)

    def route(self, method: str, path: str, query: dict[str, Any], base: str, body: dict[str, Any]) -> tuple[int, Any]:
        parts = path.strip("/").split("/")  # v2 apps {id} ...
        if parts[3:] == ["rollback"] and method == "POST":
            target = next((x for x in self.deployments if x["id"] == body.get("deployment_id")), None)
            if target is None:
                return 404, {"id": "not_found", "message": "deployment to roll back to not found"}
            return 200, {"deployment": self._public(self.new_deployment(target["_sha"], cause="rollback", phase="PENDING_DEPLOY"))}
        if parts[3:] == ["deployments"] and method == "GET":
            items = list(reversed(self.deployments))
            page, per_page = int(query.get("page", 1)), int(query.get("per_page", 20))
            chunk = items[(page - 1) * per_page:page * per_page]
            links: dict[str, Any] = {}
            if page * per_page < len(items):
                last = (len(items) + per_page - 1) // per_page
                links = {"pages": {"next": f"{base}/v2/apps/{parts[2]}/deployments?page={page + 1}&per_page={per_page}",
                                   "last": f"{base}/v2/apps/{parts[2]}/deployments?page={last}&per_page={per_page}"}}
            self.list_pages += 1
            return 200, {"deployments": [self._public(d) for d in chunk], "links": links, "meta": {"total": len(items)}}
        if parts[3:] == [] and method == "GET":
            active = next((d for d in self.deployments if d["phase"] == "ACTIVE"), None)
            app = {"id": parts[2], "created_at": NOW, "updated_at": NOW, "spec": {"name": "do-app"}}
            if active:
                app["active_deployment"] = self._public(active)
            return 200, {"app": app}
        if parts[3:4] == ["deployments"]:
            if len(parts) == 4 and method == "POST":
                return 200, {"deployment": self._public(self.new_deployment(self.head()))}
            d = next((x for x in self.deployments if x["id"] == parts[4]), None)
            if d is None:
                return 404, {"id": "not_found", "message": "deployment not found"}
            if parts[5:6] == ["components"] and parts[7:] == ["logs"]:
                return 200, {"historic_urls": [f"{base}/archive/{d['id']}/{query.get('type', 'BUILD')}.log"]}
            if parts[5:] == ["cancel"]:
                d["phase"] = "CANCELED"
                return 200, {"deployment": self._public(d)}
            return 200, {"deployment": self._public(self._advance(d, base))}
        return 404, {"id": "not_found", "message": "not found"}

    def close(self) -> None:
        http_util.stop(self.server)
