"""A stateful fake of Vercel's deployments API subset on 127.0.0.1, on the shared deploy simulator (deploysim.py).
Every request and response is validated against tests/data/specs/vercel.openapi.json; runtime-log records against
the stream schema of the same spec.

Vercel's behaviour it models, and where Vercel documents it:

- **git integration**: every push to the production branch of a connected repository creates a production
  deployment of that commit (https://vercel.com/docs/deployments/git); ``autodeploy=False`` is a project with no
  connected repository, deployed only through ``POST /v13/deployments``;
- **overlapping deployments**: both build (concurrent builds, https://vercel.com/docs/builds/build-queues); production
  is given to the newest production deployment that is READY, and an older one finishing later does not take it back
  (https://vercel.com/docs/deployments/promoting-a-deployment);
- **states**: ``QUEUED`` → ``BUILDING`` → ``INITIALIZING`` (the deploy phase after a build that passed) → ``READY``, or
  ``ERROR``/``CANCELED`` (the spec's ``readyState`` enum);
- **build events** ``GET /v3/deployments/{id}/events``, at most ``limit`` (the spec: "Provide -1 to return all
  available logs"; 100 when absent) from ``since``, in either of the spec's two shapes: ``payload.text``, or ``text``
  at the top level, which Vercel's CLI reads (vercel/vercel packages/cli/src/util/logs.ts, ``BuildLog.text``);
  a failed build's output is in its events;
- **runtime logs** ``GET /v1/projects/{p}/deployments/{d}/runtime-logs`` are ``application/stream+json``, "a stream
  of logs" for a deployment in ready state, kept open for up to 5 minutes (https://vercel.com/docs/cli/logs); the
  runtime limit ends with a ``delimiter`` row (``rowId: ""``, ``level: "error"``, the CLI's
  ``isRuntimeLimitDelimiter``). ``stream_hold_s`` is how long the fake holds the stream open after its records;
- **lists** ``GET /v6/deployments`` page with ``pagination.next`` → ``until``;
- **rollback** pins production (``POST /v1/projects/{p}/rollback/{d}``): new deployments come up READY but STAGED
  until one is promoted (https://vercel.com/docs/instant-rollback);
- **rate limits**: a 429 carries ``X-RateLimit-Limit``/``-Remaining``/``-Reset`` (epoch seconds;
  https://vercel.com/docs/rest-api#rate-limits).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, Literal

from tests.conftest import SPECS
from tests.fakes.deploysim import DeploySim, Overlap, SimDeploy, Stream, VendorFake

T0 = 1795400000000
STATE = {"queued": "QUEUED", "building": "BUILDING", "deploying": "INITIALIZING", "live": "READY", "superseded": "READY",
         "failed": "ERROR", "build_failed": "ERROR", "canceled": "CANCELED"}


class FakeVercel(VendorFake):
    spec_file = "vercel.openapi.json"
    server = "https://api.vercel.com"

    def __init__(self, verdict: Callable[[str], tuple[str, list[str]]], token: str = "vercel_fake_token_0123456789", *,
                 autodeploy: bool = False, overlap: Overlap = "both", push_latency_s: float = 0.3, build_s: float = 0.4,
                 event_shape: Literal["payload", "top"] = "payload", stream_hold_s: float = 0.0, delimiter: bool = True,
                 on_push: Callable[[str], None] | None = None) -> None:
        self.event_shape, self.stream_hold_s, self.delimiter = event_shape, stream_hold_s, delimiter
        self.list_pages = 0
        self.promoted: list[str] = []
        sim = DeploySim(verdict, lambda r: "live" if r[0] == "READY" else "failed", autodeploy=autodeploy, overlap=overlap,
                        push_latency_s=push_latency_s, build_s=build_s, deploy_s=0.2, on_push=on_push)
        super().__init__(sim, token)
        self._schema = json.loads((SPECS / "vercel.openapi.json").read_text())["paths"][
            "/v1/projects/{projectId}/deployments/{deploymentId}/runtime-logs"]["get"]["responses"]["200"]["content"][
            "application/stream+json"]["schema"]

    def unauthorized(self) -> tuple[int, Any]:
        return 403, {"error": {"code": "forbidden", "message": "Not authorized"}}

    def error_body(self, message: str) -> Any:
        return {"error": {"code": "error", "message": message}}

    def rate_limit_headers(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()) + 1)}

    # -- views --------------------------------------------------------------------------------------
    def _json(self, d: SimDeploy) -> dict[str, Any]:
        name = d.extra.get("name", "app")
        state = STATE[d.state]
        out = {
            "id": f"dpl_{d.n:04d}", "name": name, "url": f"{name}-{d.n}.vercel.app", "createdAt": T0 + d.n,
            "buildingAt": T0 + d.n, "bootedAt": T0 + d.n, "readyState": state, "status": state, "type": "LAMBDAS",
            "version": 2, "projectId": "prj_1", "ownerId": "team_1", "plan": "pro", "createdIn": "sfo1", "public": False,
            "regions": ["iad1"], "routes": None, "meta": {"githubCommitSha": d.sha}, "env": [], "build": {"env": []},
            "inspectorUrl": None, "isInConcurrentBuildsQueue": False, "isInSystemBuildsQueue": False, "projectSettings": {},
            "aliasAssigned": False, "buildSkipped": False, "creator": {"uid": "u_1", "username": "swarm"},
            "_sha": d.sha,
        }
        if state == "READY":
            out["readySubstate"] = "PROMOTED" if self.sim.production == d.n else "STAGED"
        return out

    @property
    def deployments(self) -> list[dict[str, Any]]:
        return [self._json(d) for d in self.sim.deploys]

    @property
    def production(self) -> str | None:
        return f"dpl_{self.sim.production:04d}" if self.sim.production else None

    @property
    def pinned(self) -> bool:
        return self.sim.pinned

    @pinned.setter
    def pinned(self, value: bool) -> None:
        self.sim.pinned = value

    def seed(self, sha: str, name: str = "app") -> dict[str, Any]:
        """A deployment of ``sha`` made before the session (by the git integration): ready and in production."""
        d = self.sim.seed(sha)
        d.extra["name"] = name
        return self._json(d)

    def _list_item(self, d: dict[str, Any]) -> dict[str, Any]:
        return {"uid": d["id"], "name": d["name"], "projectId": d["projectId"], "url": d["url"], "created": d["createdAt"],
                "type": "LAMBDAS", "creator": {"uid": "u_1", "username": "swarm"}, "inspectorUrl": None,
                "state": d["readyState"], "target": "production", "meta": {"githubCommitSha": d["_sha"]}}

    def _events(self, d: SimDeploy) -> list[dict[str, Any]]:
        if d.result is None:
            return []
        ok, lines = d.result[0] == "READY", d.result[1]
        build = [line for line in lines if line.startswith("Build")] if ok else lines  # a failed build's output is its events
        out = []
        for i, line in enumerate(build):
            if self.event_shape == "top":
                out.append({"type": "stdout", "created": T0 + i, "text": line, "id": f"e{i}", "date": T0 + i,
                            "serial": str(i), "deploymentId": f"dpl_{d.n:04d}",
                            "info": {"type": "build", "name": "bld_1"}, **({} if ok else {"level": "error"})})
            else:
                out.append({"type": "stdout", "created": T0 + i, "payload": {"deploymentId": f"dpl_{d.n:04d}", "text": line,
                            "id": f"e{i}", "date": T0 + i, "serial": str(i)}})
        return out

    def _runtime(self, d: SimDeploy | None) -> Stream:
        lines = [] if d is None or d.result is None else [line for line in d.result[1] if not line.startswith("Build")]
        records = [{"level": "error", "message": line, "rowId": f"r{i}", "source": "serverless", "timestampInMs": T0 + i,
                    "domain": f"app-{d.n if d else 0}.vercel.app", "messageTruncated": False, "requestMethod": "GET",
                    "requestPath": "/", "responseStatusCode": 500} for i, line in enumerate(lines)]
        if self.delimiter:
            records.append({"level": "error", "message": "Runtime log limit reached", "rowId": "", "source": "delimiter",
                            "timestampInMs": T0 + len(lines), "domain": "", "messageTruncated": False, "requestMethod": "",
                            "requestPath": "", "responseStatusCode": 0})
        for record in records:
            self.check_stream_record(record)
        return Stream(records, self.stream_hold_s)

    def check_stream_record(self, record: dict[str, Any]) -> None:
        import jsonschema

        try:
            jsonschema.validate(record, self._schema)
        except jsonschema.ValidationError as exc:
            self.violations.append(f"runtime-logs record: {exc.message}")

    # -- the API -----------------------------------------------------------------------------------
    def route(self, method: str, path: str, query: dict[str, Any], body: dict[str, Any], base: str) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["v13", "deployments"]:
            d = self.sim.create((body.get("gitSource") or {}).get("sha", ""), "api")
            d.extra["name"] = body.get("name", "app")
            return 200, self._public(self._json(d))
        if method == "GET" and parts == ["v6", "deployments"]:
            items = [self._json(d) for d in self.sim.newest_first()]
            if query.get("until"):
                items = [d for d in items if d["createdAt"] < float(query["until"])]
            if query.get("state"):
                items = [d for d in items if d["readyState"] in str(query["state"]).split(",")]
            if query.get("sha"):
                items = [d for d in items if d["_sha"] == query["sha"]]
            limit = int(query.get("limit", 20))
            page, more = items[:limit], len(items) > limit
            self.list_pages += 1
            return 200, {"deployments": [self._list_item(d) for d in page],
                         "pagination": {"count": len(page), "next": page[-1]["createdAt"] if more else None, "prev": None}}
        if method == "POST" and parts[:2] == ["v1", "projects"] and parts[3:4] == ["rollback"]:
            d = self._find(parts[4])
            if d is None or STATE[d.state] != "READY":
                return 400, {"error": {"code": "bad_request", "message": "the deployment to roll back to is not ready"}}
            current = self.sim.get(self.sim.production)
            if current is not None and current is not d:
                current.state = "superseded"
            self.sim.production, self.sim.pinned, d.state = d.n, True, "live"
            return 201, None
        if method == "POST" and parts[:2] == ["v10", "projects"] and parts[3:4] == ["promote"]:
            d = self._find(parts[4])
            if d is None or STATE[d.state] != "READY":
                return 400, {"error": {"code": "bad_request", "message": "the deployment to promote is not ready"}}
            self.sim.pinned = False  # promoting turns production auto-assignment back on
            current = self.sim.get(self.sim.production)
            if current is not None and current is not d:
                current.state = "superseded"
            self.sim.production, d.state = d.n, "live"
            self.promoted.append(f"dpl_{d.n:04d}")
            return 201, None
        if parts[:2] == ["v1", "projects"] and parts[5:] == ["runtime-logs"]:
            return 200, self._runtime(self._find(parts[4]))
        d = self._find(parts[2]) if len(parts) > 2 else None
        if d is None:
            return 404, {"error": {"code": "not_found", "message": "deployment not found"}}
        if parts[0] == "v3" and parts[3:] == ["events"]:  # forward from ``since``, at most ``limit`` (-1: all)
            events = [e for e in self._events(d) if not query.get("since") or e["created"] >= float(query["since"])]
            limit = int(float(query.get("limit", 100)))
            return 200, events if limit < 0 else events[:limit]
        if parts[0] == "v12" and parts[3:] == ["cancel"]:
            self.sim.cancel(d)
            return 200, self._public(self._json(d))
        return 200, self._public(self._json(d))

    def _find(self, deploy_id: str) -> SimDeploy | None:
        return next((d for d in self.sim.deploys if f"dpl_{d.n:04d}" == deploy_id), None)
