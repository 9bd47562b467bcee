"""A stateful fake of Render's API subset on 127.0.0.1, on the shared deploy simulator (deploysim.py). Every
request and response is validated against tests/data/specs/render.openapi.json (violations are recorded).

Render's behaviour it models, and where Render documents it:

- **autodeploy**: with ``autoDeploy: "yes"`` on the service (``GET /services/{id}``), every push to the branch
  starts a deploy of the pushed commit (trigger ``new_commit``); creating a deploy of a specific commit through
  the API "does not disable autodeploys" (https://render.com/docs/deploys#automatic-deploys,
  https://api-docs.render.com/reference/create-deploy);
- **overlapping deploys**: the workspace policy either overrides the in-progress deploy (the default: it ends
  ``canceled``) or waits for it and then runs only the most recent triggered deploy
  (https://render.com/changelog/wait-for-an-in-progress-service-deploy-to-finish-before-starting-a-new-one);
- **queued**: ``POST /services/{id}/deploys`` answers ``202`` with no body when the deploy was queued behind another
  (the spec's ``202`` response), 201 with the deploy otherwise;
- **a live deploy replaced** by a newer one becomes ``deactivated``;
- **logs**: ``GET /logs`` pages with ``hasMore`` + ``nextStartTime``/``nextEndTime``
  (https://api-docs.render.com/reference/list-logs);
- **rate limits**: a 429 carries ``Ratelimit-Limit``/``Ratelimit-Remaining``/``Ratelimit-Reset`` (the UTC epoch
  second the window resets; https://api-docs.render.com/reference/rate-limiting).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.conftest import git, sample_app
from tests.fakes.deploysim import DeploySim, Overlap, SimDeploy, VendorFake

T0 = 1795341600  # 2026-11-22T10:00:00Z
Verdict = Callable[[str], tuple[str, list[str]]]
"""commit id → (final status, app log lines)."""
STATUS = {"queued": "queued", "building": "build_in_progress", "deploying": "update_in_progress", "live": "live",
          "superseded": "deactivated", "canceled": "canceled", "build_failed": "build_failed", "failed": "update_failed"}
GENERIC = {v: k for k, v in STATUS.items()} | {"created": "queued", "update_failed": "failed", "pre_deploy_failed": "failed"}
TRIGGER = {"push": "new_commit", "api": "api", "rollback": "rollback"}


def ts(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(T0 + seconds))


class FakeRender(VendorFake):
    spec_file = "render.openapi.json"
    server = "https://api.render.com/v1"
    prefix = "/v1"
    rate_limit_message = "rate limit has been surpassed"

    def __init__(self, verdict: Verdict, key: str = "rnd_fakeRenderKey0123456789abc", *, autodeploy: bool = False,
                 overlap: Overlap = "override", push_latency_s: float = 0.3, build_s: float = 0.4,
                 on_push: Callable[[str], None] | None = None) -> None:
        self.key = key
        self.list_pages = 0
        sim = DeploySim(verdict, lambda r: GENERIC.get(r[0], "failed"), autodeploy=autodeploy, overlap=overlap,
                        push_latency_s=push_latency_s, build_s=build_s, on_push=on_push)
        super().__init__(sim, key)

    def patch_spec(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Render's spec declares ``service.serviceDetails`` as ``oneOf`` web/private/background-worker details, but a
        web service's details satisfy all three (none forbids extra properties), so no real answer can pass ``oneOf``.
        It is read as ``anyOf``."""
        details = spec["components"]["schemas"]["service"]["properties"]["serviceDetails"]
        details["anyOf"] = details.pop("oneOf")
        return spec

    def rate_limit_headers(self) -> dict[str, str]:
        return {"Ratelimit-Limit": "100", "Ratelimit-Remaining": "0", "Ratelimit-Reset": str(int(time.time()) + 1)}

    def error_body(self, message: str) -> Any:
        return {"id": "error", "message": message}

    # -- views --------------------------------------------------------------------------------------
    def _json(self, d: SimDeploy) -> dict[str, Any]:
        base = d.n * 100
        out = {"id": f"dep-{d.n}", "commit": {"id": d.sha, "message": "m", "createdAt": ts(base)},
               "status": STATUS.get(d.state, "queued") if d.result is None or d.state != "failed" else d.result[0],
               "trigger": TRIGGER.get(d.trigger, "other"), "createdAt": ts(base), "updatedAt": ts(base)}
        if d.started is not None or d.state not in ("queued",):
            out["startedAt"] = ts(base)
        if d.state not in ("queued", "building", "deploying"):
            out.update(finishedAt=ts(base + 40), updatedAt=ts(base + 40))
        return out

    @property
    def deploys(self) -> list[dict[str, Any]]:
        return [self._json(d) for d in self.sim.deploys]

    def new_deploy(self, sha: str, trigger: str = "api", status: str = "created") -> dict[str, Any]:
        """A deploy made before the session, in a given Render status."""
        generic = GENERIC.get(status, "queued")
        d = self.sim.create(sha, {v: k for k, v in TRIGGER.items()}.get(trigger, "api"),
                            state="queued" if generic == "queued" else generic)
        return self._json(d)  # seeded building with no start time: it stays building

    def _logs(self) -> list[dict[str, Any]]:
        out = []
        for d in self.sim.deploys:
            if d.result is None:
                continue
            base, lines = d.n * 100, d.result[1]
            out.append({"id": f"dep-{d.n}-b", "message": "==> Running build command 'pip install -r requirements.txt'",
                        "timestamp": ts(base + 1), "labels": [{"name": "type", "value": "build"}]})
            out += [{"id": f"dep-{d.n}-{i}", "message": line, "timestamp": ts(base + 2 + i),
                     "labels": [{"name": "type", "value": "app"}]} for i, line in enumerate(lines)]
        return out

    def _service(self, sid: str) -> dict[str, Any]:
        return {"id": sid, "name": "greeting", "ownerId": "tea-xyz", "type": "web_service", "createdAt": ts(0),
                "updatedAt": ts(0), "dashboardUrl": f"https://dashboard.render.com/web/{sid}", "suspended": "not_suspended",
                "suspenders": [], "autoDeploy": "yes" if self.sim.autodeploy else "no", "notifyOnFail": "default",
                "slug": "greeting", "rootDir": "", "branch": self.sim.branch,
                "serviceDetails": {"env": "python", "runtime": "python", "plan": "starter", "region": "oregon",
                                   "numInstances": 1, "buildPlan": "starter", "healthCheckPath": "/healthz",
                                   "openPorts": [], "url": "https://greeting.onrender.com",
                                   "envSpecificDetails": {"buildCommand": "pip install -r requirements.txt",
                                                          "startCommand": "python app.py"}}}

    # -- the API -----------------------------------------------------------------------------------
    def route(self, method: str, path: str, query: dict[str, Any], body: dict[str, Any], base: str) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if parts[:1] == ["logs"]:
            kind = query.get("type")
            start, end = query.get("startTime", ""), query.get("endTime", "9")
            entries = [e for e in self._logs() if start <= e["timestamp"] <= end and (not kind or e["labels"][0]["value"] == kind)]
            limit = int(query.get("limit", 20))
            page, more = entries[:limit], len(entries) > limit
            nxt = entries[limit]["timestamp"] if more else end
            return 200, {"hasMore": more, "nextStartTime": nxt, "nextEndTime": end, "logs": page}
        if parts[:1] != ["services"]:
            return 404, {"id": "not_found", "message": "not found"}
        if len(parts) == 2 and method == "GET":
            return 200, self._service(parts[1])
        if parts[2:3] == ["rollback"] and method == "POST":
            target = self._find(str(body.get("deployId")))
            if target is None:
                return 404, {"id": "not_found", "message": "deploy to roll back to not found"}
            return 201, self._json(self.sim.create(target.sha, "rollback"))
        if parts[2:3] != ["deploys"]:
            return 404, {"id": "not_found", "message": "not found"}
        if len(parts) == 3 and method == "GET":
            items = [self._json(d) for d in self.sim.newest_first()]
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
            busy = any(d.state in ("building", "deploying") for d in self.sim.deploys)
            d = self.sim.create(str(body.get("commitId", "")), "api")
            if busy and self.sim.overlap == "wait":
                return 202, None  # queued behind the deploy in progress: no body
            return 201, self._json(d)
        d = self._find(parts[3])
        if d is None:
            return 404, {"id": "not_found", "message": "deploy not found"}
        if len(parts) == 5 and parts[4] == "cancel":
            self.sim.cancel(d)
            return 200, self._json(d)
        return 200, self._json(d)

    def _find(self, deploy_id: str) -> SimDeploy | None:
        return next((d for d in self.sim.deploys if f"dep-{d.n}" == deploy_id), None)


def sample_on_render(tmp_path: Any, site_url: str, monkeypatch: Any, **fake_kw: Any) -> tuple[Any, Any, FakeRender]:
    """The sample app (missing PyYAML) configured for a FakeRender service: a build without PyYAML fails with
    the import error, one with it goes live. Returns (repo, origin, fake); the caller closes the fake."""
    repo, origin = sample_app(tmp_path, "render-app")

    def verdict(sha: str) -> tuple[str, list[str]]:
        if "PyYAML" in git(origin, "show", f"{sha}:requirements.txt"):
            return "live", ["greeting service on 0.0.0.0:10000"]
        return "update_failed", ["Traceback (most recent call last):", '  File "/opt/render/project/src/app.py", line 6',
                                 "    import yaml", "ModuleNotFoundError: No module named 'yaml'"]

    fake = FakeRender(verdict, **fake_kw)
    fake.watch_pushes(origin)
    monkeypatch.setenv("RENDER_API_KEY", fake.key)
    monkeypatch.setenv("RENDER_API_URL", fake.url)
    (repo / "swarm.toml").write_text(
        f'[service]\nplatform = "render"\n[render]\nservice_id = "srv-abc"\nowner_id = "tea-xyz"\nurl = "{site_url}"\n'
        "[heal]\nattempt_timeout_s = 120\n")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "render config")
    git(repo, "push", "-q", "origin", "main")
    return repo, origin, fake
