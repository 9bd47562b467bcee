"""A stateful fake of DigitalOcean App Platform's API subset on 127.0.0.1, on the shared deploy simulator
(deploysim.py). Every API request and response is validated against tests/data/specs/digitalocean.openapi.json.

App Platform's behaviour it models, and where DigitalOcean documents it:

- **deploy on push**: with ``deploy_on_push`` on the component's git source in the app spec, a push to the branch
  starts a deployment (cause "commit pushed") (https://docs.digitalocean.com/products/app-platform/reference/app-spec/,
  ``apps_github_source_spec.deploy_on_push``: "Whether to automatically deploy new commits made to the repo");
- **a deployment builds the branch head** at the time it is created: ``POST /v2/apps/{id}/deployments`` takes no
  commit, only ``force_build`` (the spec's ``apps_create_deployment_request``);
- **one deployment at a time**: a newer deployment supersedes the one in progress, which ends ``SUPERSEDED``, and the
  active one when it goes live (https://docs.digitalocean.com/products/app-platform/how-to/manage-deployments/);
- **phases** ``PENDING_BUILD`` → ``BUILDING`` → ``DEPLOYING`` → ``ACTIVE`` or ``ERROR`` (the spec's phase enum);
- **logs** are archived files behind ``historic_urls``; the RUN logs of a deployment that never ran are refused
  with a 400 when ``run_logs_refused`` is set, as DigitalOcean users report for health-check failures ("cannot get
  running logs from deployment … in phase final_cleanup", https://www.digitalocean.com/community/questions);
- **lists** page with ``links.pages.next``;
- **rate limits**: a 429 carries ``ratelimit-limit``/``ratelimit-remaining``/``ratelimit-reset`` (epoch seconds;
  https://docs.digitalocean.com/reference/api/#rate-limit).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests import http_util
from tests.fakes.deploysim import DeploySim, SimDeploy, VendorFake

NOW = "2026-11-22T10:00:00Z"
PHASE = {"queued": "PENDING_BUILD", "building": "BUILDING", "deploying": "DEPLOYING", "live": "ACTIVE",
         "superseded": "SUPERSEDED", "failed": "ERROR", "build_failed": "ERROR", "canceled": "CANCELED"}
GENERIC = {"PENDING_BUILD": "queued", "BUILDING": "building", "PENDING_DEPLOY": "deploying", "DEPLOYING": "deploying",
           "ACTIVE": "live", "SUPERSEDED": "superseded", "ERROR": "failed", "CANCELED": "canceled"}
CAUSE = {"push": "commit 1a2b3c pushed to github.com/acme/app on main", "api": "manual", "rollback": "rollback"}


class FakeDigitalOcean(VendorFake):
    spec_file = "digitalocean.openapi.json"
    server = "https://api.digitalocean.com"

    def __init__(self, head: Callable[[], str], verdict: Callable[[str], tuple[str, str, str]],
                 token: str = "dop_v1_fake0123456789abcdef", *, autodeploy: bool = False, push_latency_s: float = 0.3,
                 build_s: float = 0.4, run_logs_refused: bool = False, on_push: Callable[[str], None] | None = None) -> None:
        self.head = head
        self.run_logs_refused = run_logs_refused
        self.list_pages = 0
        self.archive: dict[str, str] = {}
        sim = DeploySim(verdict, lambda r: GENERIC.get(r[0], "failed"), autodeploy=autodeploy, overlap="supersede",
                        push_latency_s=push_latency_s, build_s=build_s, deploy_s=0.1, on_push=on_push)
        super().__init__(sim, token)

    def error_body(self, message: str) -> Any:
        return {"id": "error", "message": message}

    def rate_limit_headers(self) -> dict[str, str]:
        return {"ratelimit-limit": "5000", "ratelimit-remaining": "0", "ratelimit-reset": str(int(time.time()) + 1)}

    # -- views --------------------------------------------------------------------------------------
    def _json(self, d: SimDeploy) -> dict[str, Any]:
        if d.result is not None:
            self.archive[f"/archive/dep-{d.n}/BUILD.log"] = d.result[1]
            self.archive[f"/archive/dep-{d.n}/RUN.log"] = d.result[2]
        return {"id": f"{d.n:08d}-aaaa-bbbb-cccc-dddddddddddd", "cause": d.extra.get("cause", CAUSE.get(d.trigger, "manual")),
                "phase": PHASE[d.state], "created_at": NOW, "updated_at": NOW,
                "services": [{"name": "web", "source_commit_hash": d.sha}], "_sha": d.sha}

    @property
    def deployments(self) -> list[dict[str, Any]]:
        return [self._json(d) for d in self.sim.deploys]

    def new_deployment(self, sha: str, cause: str = "manual", phase: str = "PENDING_BUILD") -> dict[str, Any]:
        """A deployment made before the session, in a given phase."""
        generic = GENERIC.get(phase, "queued")
        d = self.sim.create(sha, "push" if cause == "push" else "api", state=generic)
        d.extra["cause"] = cause
        return self._json(d)

    def raw_route(self, handler: BaseHTTPRequestHandler, path: str) -> bool:
        if not path.startswith("/archive/"):  # pre-signed log files: not part of the API
            return False
        http_util.send(handler, 200, self.archive.get(path, "").encode())
        return True

    def _app(self, app_id: str) -> dict[str, Any]:
        active = self.sim.get(self.sim.production)
        git_source = {"repo": "acme/app", "branch": self.sim.branch, "deploy_on_push": self.sim.autodeploy}
        app: dict[str, Any] = {"id": app_id, "created_at": NOW, "updated_at": NOW,
                               "spec": {"name": "do-app", "services": [{"name": "web", "github": git_source}]}}
        if active is not None:
            app["active_deployment"] = self._public(self._json(active))
        return app

    # -- the API -----------------------------------------------------------------------------------
    def route(self, method: str, path: str, query: dict[str, Any], body: dict[str, Any], base: str) -> tuple[int, Any]:
        parts = path.strip("/").split("/")  # v2 apps {id} ...
        if parts[3:] == ["rollback"] and method == "POST":
            target = self._find(str(body.get("deployment_id")))
            if target is None:
                return 404, {"id": "not_found", "message": "deployment to roll back to not found"}
            d = self.sim.create(target.sha, "rollback")
            d.state, d.started = "deploying", time.monotonic() - self.sim.build_s  # the old build: no rebuild
            return 200, {"deployment": self._public(self._json(d))}
        if parts[3:] == ["deployments"] and method == "GET":
            items = [self._json(d) for d in self.sim.newest_first()]
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
            return 200, {"app": self._app(parts[2])}
        if parts[3:4] != ["deployments"]:
            return 404, {"id": "not_found", "message": "not found"}
        if len(parts) == 4 and method == "POST":
            return 200, {"deployment": self._public(self._json(self.sim.create(self.head(), "api")))}
        d = self._find(parts[4])
        if d is None:
            return 404, {"id": "not_found", "message": "deployment not found"}
        if parts[5:6] == ["components"] and parts[7:] == ["logs"]:
            if query.get("type") == "RUN" and self.run_logs_refused and d.state != "live":
                return 400, {"id": "bad_request", "message": f"cannot get running logs from deployment {parts[4]} in phase final_cleanup"}
            self._json(d)
            return 200, {"historic_urls": [f"{base}/archive/dep-{d.n}/{query.get('type', 'BUILD')}.log"]}
        if parts[5:] == ["cancel"]:
            self.sim.cancel(d)
            return 200, {"deployment": self._public(self._json(d))}
        return 200, {"deployment": self._public(self._json(d))}

    def _find(self, deploy_id: str) -> SimDeploy | None:
        return next((d for d in self.sim.deploys if f"{d.n:08d}-aaaa-bbbb-cccc-dddddddddddd" == deploy_id), None)
