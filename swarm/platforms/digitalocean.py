"""DigitalOcean App Platform (https://api.digitalocean.com) over httpx, following
../shared/specs/digitalocean.openapi.json.

App Platform deploys the branch head: a deploy of a commit is a `POST /v2/apps/{id}/deployments`
(force_build) once that commit is on the remote. Phases are mapped to swarm's statuses; build and
run logs come from the archived files the logs endpoint points to (`historic_urls`). 429 and 5xx
are retried, honouring `retry-after` and `ratelimit-reset`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from memory.models import DeployLogs, Deployment
from swarm.platforms.vendor import VendorClient

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
    name: str = "digitalocean"

    def __post_init__(self) -> None:
        self.state_dir = Path(self.state_dir)
        self._api = VendorClient("DigitalOcean", self.client, self.base_url,
                                 {"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
                                 self.state_dir / "do-deploys.json", self.sleep)
        self._request = self._api.request

    def _to_deployment(self, d: dict[str, Any], meta: dict[str, Any]) -> Deployment:
        steps = (d.get("progress") or {}).get("steps") or []
        failed = [s for s in steps if s.get("status") == "ERROR"]
        detail = "; ".join(str((s.get("reason") or {}).get("message") or s.get("name")) for s in failed)
        return Deployment(id=d["id"], sha=str(meta.get("sha", "")), status=PHASES.get(str(d.get("phase")), "queued"),  # type: ignore[arg-type]
                          kind=meta.get("kind", "initial"), attempt=int(meta.get("attempt", 0)), url=self.url,
                          message=f"phase {d.get('phase')}" + (f": {detail}" if detail else ""))

    def deploy(self, sha: str, key: str, kind: str = "initial", attempt: int = 0) -> Deployment:
        if (known := self._api.keys().get(key)) is not None:
            return self.status(known["id"])
        resp = self._request("POST", f"/v2/apps/{self.app_id}/deployments", json={"force_build": True})
        d = resp.json()["deployment"]
        meta = {"id": d["id"], "sha": sha, "kind": kind, "attempt": attempt}
        self._api.remember(key, meta)
        return self._to_deployment(d, meta)

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
        return DeployLogs(build=self._logs(deploy_id, "BUILD"), runtime=self._logs(deploy_id, "RUN"))

    def cancel(self, deploy_id: str) -> None:
        self._request("POST", f"/v2/apps/{self.app_id}/deployments/{deploy_id}/cancel")

    def health_url(self, deploy_id: str, path: str) -> str | None:
        return f"{self.url.rstrip('/')}{path}" if self.url else None

    def live(self) -> Deployment | None:
        app = self._request("GET", f"/v2/apps/{self.app_id}").json().get("app", {})
        active = app.get("active_deployment")
        return self._to_deployment(active, {}) if active and active.get("id") else None

    def runtimes(self) -> dict[str, list[str]]:
        return {}
