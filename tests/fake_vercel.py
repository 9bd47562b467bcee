"""A stateful fake of Vercel's deployments API subset on 127.0.0.1. A deployment of a commit goes
QUEUED → BUILDING → READY or ERROR (decided per commit by the test); build output is served as
deployment events. Every request and response is validated against tests/data/specs/vercel.openapi.json."""

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

T0 = 1795400000000


class FakeVercel:
    def __init__(self, verdict: Callable[[str], tuple[str, list[str]]], token: str = "vercel_fake_token_0123456789") -> None:
        self.verdict, self.token = verdict, token
        self.api = OpenAPI.from_file_path(str(SPECS / "vercel.openapi.json"))
        self.violations: list[str] = []
        self.deployments: list[dict[str, Any]] = []
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.polls: dict[str, int] = {}
        self.production: str | None = None
        """The deployment the production domain serves."""
        self.pinned = False
        """After a rollback, new deployments do not get production until one is promoted."""
        self.list_pages = 0
        self.promoted: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", 0) or 0))
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                req = MockRequest("https://api.vercel.com", self.command.lower(), url.path, args=query,
                                  headers=dict(self.headers), data=raw or None, content_type="application/json")
                try:
                    fake.api.validate_request(req)
                except Exception as exc:
                    fake.violations.append(f"request {self.command} {self.path}: {type(exc).__name__}: {exc}")
                if self.headers.get("authorization") != f"Bearer {fake.token}":
                    return self._send(req, 403, {"error": {"code": "forbidden", "message": "Not authorized"}})
                status, body = fake.route(self.command, url.path, json.loads(raw) if raw else {}, query)
                self._send(req, status, body)

            do_GET = do_POST = do_PATCH = _handle  # noqa: N815

            def _send(self, req: MockRequest, status: int, body: Any) -> None:
                if isinstance(body, dict) and "_stream" in body:  # application/stream+json: validate each record
                    for record in body["_stream"]:
                        fake.check_stream_record(record)
                    data = "".join(json.dumps(r) + "\n" for r in body["_stream"]).encode()
                    self.send_response(status)
                    self.send_header("content-type", "application/stream+json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                http_util.send_validated(self, fake.api, req, status, body, fake.violations)

            def log_message(self, *args: Any) -> None:
                return None

        self.server, self.url = http_util.start(Handler)

    def _deployment(self, n: int, name: str, sha: str) -> dict[str, Any]:
        return {
            "id": f"dpl_{n:04d}", "name": name, "url": f"{name}-{n}.vercel.app", "createdAt": T0 + n, "buildingAt": T0 + n,
            "bootedAt": T0 + n, "readyState": "QUEUED", "status": "QUEUED", "type": "LAMBDAS", "version": 2,
            "projectId": "prj_1", "ownerId": "team_1", "plan": "pro", "createdIn": "sfo1", "public": False,
            "regions": ["iad1"], "routes": None, "meta": {"githubCommitSha": sha}, "env": [], "build": {"env": []},
            "inspectorUrl": None, "isInConcurrentBuildsQueue": False, "isInSystemBuildsQueue": False,
            "projectSettings": {}, "aliasAssigned": False, "buildSkipped": False,
            "creator": {"uid": "u_1", "username": "swarm"}, "_sha": sha,
        }

    @staticmethod
    def _runtime_record(d: dict[str, Any] | None, line: str) -> dict[str, Any]:
        return {"level": "error", "message": line, "rowId": "r1", "source": "serverless", "timestampInMs": T0,
                "domain": (d or {}).get("url", ""), "messageTruncated": False, "requestMethod": "GET",
                "requestPath": "/", "responseStatusCode": 500}

    @staticmethod
    def _public(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if not k.startswith("_")}

    def seed(self, sha: str, name: str = "app") -> dict[str, Any]:
        """A deployment of ``sha`` made before the session (by the git integration): ready and in production."""
        d = self._deployment(len(self.deployments) + 1, name, sha)
        d.update(readyState="READY", status="READY", readySubstate="PROMOTED")
        self.deployments.append(d)
        self.production = d["id"]
        return d

    def live_sha(self) -> str | None:
        return next((d["_sha"] for d in self.deployments if d["id"] == self.production), None)

    def _list_item(self, d: dict[str, Any]) -> dict[str, Any]:
        return {"uid": d["id"], "name": d["name"], "projectId": d["projectId"], "url": d["url"], "created": d["createdAt"],
                "type": "LAMBDAS", "creator": {"uid": "u_1", "username": "swarm"}, "inspectorUrl": None,
                "state": d["readyState"], "target": "production", "meta": {"githubCommitSha": d["_sha"]}}

    def route(self, method: str, path: str, body: dict[str, Any], query: dict[str, Any]) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["v13", "deployments"]:
            d = self._deployment(len(self.deployments) + 1, body.get("name", "app"), (body.get("gitSource") or {}).get("sha", ""))
            self.deployments.append(d)
            return 200, self._public(d)
        if method == "GET" and parts == ["v6", "deployments"]:
            items = sorted(self.deployments, key=lambda d: d["createdAt"], reverse=True)
            if query.get("until"):
                items = [d for d in items if d["createdAt"] < float(query["until"])]
            if query.get("state"):
                items = [d for d in items if d["readyState"] in query["state"].split(",")]
            if query.get("sha"):
                items = [d for d in items if d["_sha"] == query["sha"]]
            limit = int(query.get("limit", 20))
            page, more = items[:limit], len(items) > limit
            self.list_pages += 1
            return 200, {"deployments": [self._list_item(d) for d in page],
                         "pagination": {"count": len(page), "next": page[-1]["createdAt"] if more else None, "prev": None}}
        if method == "POST" and parts[:2] == ["v1", "projects"] and parts[3:4] == ["rollback"]:
            d = next((x for x in self.deployments if x["id"] == parts[4]), None)
            if d is None or d["readyState"] != "READY":
                return 400, {"error": {"code": "bad_request", "message": "the deployment to roll back to is not ready"}}
            self.production, self.pinned = d["id"], True
            return 201, None
        if method == "POST" and parts[:2] == ["v10", "projects"] and parts[3:4] == ["promote"]:
            d = next((x for x in self.deployments if x["id"] == parts[4]), None)
            if d is None or d["readyState"] != "READY":
                return 400, {"error": {"code": "bad_request", "message": "the deployment to promote is not ready"}}
            self.production, self.pinned = d["id"], False  # promoting turns production auto-assignment back on
            d["readySubstate"] = "PROMOTED"
            self.promoted.append(d["id"])
            return 201, None
        if parts[:2] == ["v1", "projects"] and parts[5:] == ["runtime-logs"]:
            d = next((x for x in self.deployments if x["id"] == parts[4]), None)
            return 200, {"_stream": [self._runtime_record(d, line) for line in (d or {}).get("_runtime", [])]}
        d = next((x for x in self.deployments if len(parts) > 2 and x["id"] == parts[2]), None)
        if d is None:
            return 404, {"error": {"code": "not_found", "message": "deployment not found"}}
        if parts[0] == "v3" and parts[3:] == ["events"]:
            return 200, self.events.get(d["id"], [])
        if parts[0] == "v12" and parts[3:] == ["cancel"]:
            d["readyState"] = d["status"] = "CANCELED"
            return 200, self._public(d)
        n = self.polls[d["id"]] = self.polls.get(d["id"], 0) + 1
        if d["readyState"] in ("QUEUED", "BUILDING") and n >= 2:
            state, lines = self.verdict(d["_sha"])
            d["_runtime"] = [line for line in lines if not line.startswith("Build")]
            build = [line for line in lines if line.startswith("Build")]
            self.events[d["id"]] = [{"type": "stdout", "created": T0 + i, "payload": {"deploymentId": d["id"], "text": line,
                                     "id": f"e{i}", "date": T0 + i, "serial": str(i)}} for i, line in enumerate(build)]
            d["readyState"] = d["status"] = state
            if state == "READY":
                d["readySubstate"] = "STAGED" if self.pinned else "PROMOTED"
                if not self.pinned:
                    self.production = d["id"]
        elif d["readyState"] == "QUEUED":
            d["readyState"] = d["status"] = "BUILDING"
        return 200, self._public(d)

    def check_stream_record(self, record: dict[str, Any]) -> None:
        import jsonschema

        spec = json.loads((SPECS / "vercel.openapi.json").read_text())
        op = spec["paths"]["/v1/projects/{projectId}/deployments/{deploymentId}/runtime-logs"]["get"]
        schema = op["responses"]["200"]["content"]["application/stream+json"]["schema"]
        try:
            jsonschema.validate(record, schema)
        except jsonschema.ValidationError as exc:
            self.violations.append(f"runtime-logs record: {exc.message}")

    def close(self) -> None:
        http_util.stop(self.server)
