"""DigitalOcean App Platform (https://api.digitalocean.com) over httpx, following
tests/data/specs/digitalocean.openapi.json.

App Platform deploys the branch head: a deploy of a commit is a `POST /v2/apps/{id}/deployments`
(force_build) once that commit is on the remote. Phases are mapped to swarm's statuses; build and
run logs come from the archived files the logs endpoint points to (`historic_urls`). A deployment's
commit is its component's `source_commit_hash`; the deployment a push already started is found in
`GET /v2/apps/{id}/deployments`, read page by page (`links.pages.next`). Rollback is
`POST /v2/apps/{id}/rollback` with `skip_pin` (a new deployment of the old build; unpinned, so the
revert commit swarm pushes, which holds the same tree, can deploy normally). 429 and 5xx are retried,
honouring `retry-after` and `ratelimit-reset`.

With `deploy_on_push` on the component's source (read from the app spec), a pushed commit is deployed by App
Platform itself: swarm waits for that deployment instead of creating a second one, which would supersede it
(:mod:`swarm.platforms.deploymodel`). A log source the API refuses (RUN logs of a deployment that never ran come
back 400, "cannot get running logs from deployment … in phase …") is noted and the BUILD logs are used.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx

from memory.models import DeployLogs, Deployment
from swarm.platforms.deploymodel import MODELS, autodeploy_setting, find_or_trigger, grace, newest_after
from swarm.platforms.vendor import VendorClient

REPLACED = MODELS["digitalocean"].replaced
SOURCES = ("github", "gitlab", "bitbucket", "image")
COMPONENT_KINDS = ("services", "static_sites", "workers", "jobs", "functions")

PHASES = {
    "UNKNOWN": "queued", "PENDING_BUILD": "queued", "BUILDING": "building", "PENDING_DEPLOY": "deploying",
    "DEPLOYING": "deploying", "ACTIVE": "live", "SUPERSEDED": "superseded", "ERROR": "failed", "CANCELED": "canceled",
}


@dataclass
class DigitalOceanPlatform:
    client: httpx.Client
    token: str
    app_id: str
    component: str
    state_dir: Path
    base_url: str = "https://api.digitalocean.com"
    url: str | None = None
    sleep: Any = time.sleep
    autodeploy: str = "auto"
    push_grace_s: float | None = None
    name: str = "digitalocean"

    def __post_init__(self) -> None:
        self._auto: bool | None = None
        self.state_dir = Path(self.state_dir)
        self._api = VendorClient("DigitalOcean", self.client, self.base_url,
                                 {"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
                                 self.state_dir / "do-deploys.json", self.sleep)
        self._request = self._api.request

    def _to_deployment(self, d: dict[str, Any], meta: dict[str, Any]) -> Deployment:
        steps = (d.get("progress") or {}).get("steps") or []
        failed = [s for s in steps if s.get("status") == "ERROR"]
        detail = "; ".join(str((s.get("reason") or {}).get("message") or s.get("name")) for s in failed)
        return Deployment(id=d["id"], sha=str(meta.get("sha") or self._sha(d)), status=PHASES.get(str(d.get("phase")), "queued"),  # type: ignore[arg-type]
                          kind=meta.get("kind", "initial"), attempt=int(meta.get("attempt", 0)), url=self.url,
                          message=f"phase {d.get('phase')}" + (f": {detail}" if detail else ""), trigger=meta.get("trigger"))

    def _sha(self, d: dict[str, Any]) -> str:
        services = [s for s in d.get("services") or [] if isinstance(s, dict) and s.get("source_commit_hash")]
        mine = [s for s in services if s.get("name") == self.component] or services
        return str(mine[0]["source_commit_hash"]) if mine else ""

    def _list(self, pages: int = 5) -> list[dict[str, Any]]:
        """The app's deployments, newest first, following ``links.pages.next`` for up to ``pages`` pages."""
        out: list[dict[str, Any]] = []
        query: dict[str, Any] = {"page": 1, "per_page": 20}
        for _ in range(pages):
            data = self._request("GET", f"/v2/apps/{self.app_id}/deployments", params=query).json()
            out += [d for d in data.get("deployments") or [] if isinstance(d, dict)]
            nxt = ((data.get("links") or {}).get("pages") or {}).get("next")
            page = parse_qs(urlparse(str(nxt)).query).get("page", [""])[0] if nxt else ""
            if not page.isdigit() or int(page) <= int(query["page"]):
                break
            query["page"] = int(page)
        return out

    def deploy(self, sha: str, key: str, kind: str = "initial", attempt: int = 0) -> Deployment:
        if (known := self._api.keys().get(key)) is not None:
            return self.status(known["id"])
        found, trigger = find_or_trigger(sha, kind, self._autodeploys, grace("digitalocean", self.push_grace_s),
                                         self._find, self._trigger, self.sleep)
        meta = {"id": found["id"], "sha": sha, "kind": kind, "attempt": attempt, "trigger": trigger}
        self._api.remember(key, meta)
        return self._to_deployment(found, meta)

    def _autodeploys(self) -> bool:
        if self._auto is None:
            self._auto = autodeploy_setting(self.autodeploy, self._deploy_on_push)
        return self._auto

    def _deploy_on_push(self) -> bool:
        spec = (self._request("GET", f"/v2/apps/{self.app_id}").json().get("app") or {}).get("spec") or {}
        for kind in COMPONENT_KINDS:
            for comp in spec.get(kind) or []:
                if isinstance(comp, dict) and comp.get("name") == self.component:
                    return any(isinstance(comp.get(src), dict) and comp[src].get("deploy_on_push") is True for src in SOURCES)
        return False

    def _find(self, sha: str) -> dict[str, Any] | None:
        return next((d for d in self._list() if self._sha(d) == sha), None)  # any phase: the monitor follows a replaced one

    def _trigger(self, sha: str) -> dict[str, Any]:
        return dict(self._request("POST", f"/v2/apps/{self.app_id}/deployments", json={"force_build": True}).json()["deployment"])

    def successor(self, current: Deployment) -> Deployment | None:
        """The newest later deployment of the same commit, else of any commit (a newer push superseded it)."""
        later = [d for d in newest_after(self._list(pages=2), current.id, lambda d: str(d.get("id"))) if d.get("phase") not in REPLACED]
        same = next((d for d in later if self._sha(d) == current.sha), None)
        pick = same or (later[0] if later else None)
        return self._to_deployment(pick, {"trigger": "push"}) if pick else None

    def status(self, deploy_id: str) -> Deployment:
        meta = self._api.meta_for(deploy_id)
        d = self._request("GET", f"/v2/apps/{self.app_id}/deployments/{deploy_id}").json()["deployment"]
        return self._to_deployment(d, meta)

    def _logs(self, deploy_id: str, kind: str) -> str:
        resp = self._request("GET", f"/v2/apps/{self.app_id}/deployments/{deploy_id}/components/{self.component}/logs",
                             params={"type": kind, "follow": "false"})
        parts = []
        for url in resp.json().get("historic_urls") or []:
            parts.append(self._request("GET", url, absolute=True).text)
        return "\n".join(parts)

    def logs(self, deploy_id: str) -> DeployLogs:
        refused: list[str] = []
        return DeployLogs(build=self._api.source("BUILD logs", lambda: self._logs(deploy_id, "BUILD"), refused),
                          runtime=self._api.source("RUN logs", lambda: self._logs(deploy_id, "RUN"), refused), refused=refused)

    def cancel(self, deploy_id: str) -> None:
        self._request("POST", f"/v2/apps/{self.app_id}/deployments/{deploy_id}/cancel")

    def health_url(self, deploy_id: str, path: str) -> str | None:
        return f"{self.url.rstrip('/')}{path}" if self.url else None

    def live(self) -> Deployment | None:
        app = self._request("GET", f"/v2/apps/{self.app_id}").json().get("app", {})
        active = app.get("active_deployment")
        return self._to_deployment(active, {}) if active and active.get("id") else None

    def previous(self, current: Deployment) -> Deployment | None:
        """The newest superseded deployment of another commit: what served before ``current``."""
        before = next((d for d in self._list(pages=2) if d.get("phase") == "SUPERSEDED" and self._sha(d) not in ("", current.sha)), None)
        return self._to_deployment(before, {}) if before else None

    def rollback(self, to: Deployment, key: str, attempt: int = 0) -> Deployment | None:
        if (known := self._api.keys().get(key)) is not None:
            return self.status(known["id"])
        d = self._request("POST", f"/v2/apps/{self.app_id}/rollback", json={"deployment_id": to.id, "skip_pin": True}).json()["deployment"]
        meta = {"id": d["id"], "sha": to.sha, "kind": "rollback", "attempt": attempt, "rollback_of": to.id}
        self._api.remember(key, meta)
        return self._to_deployment(d, meta)

    def runtimes(self) -> dict[str, list[str]]:
        return {}
