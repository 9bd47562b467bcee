"""Render (https://api.render.com/v1) over httpx, following tests/data/specs/render.openapi.json.

Deploys: POST /services/{id}/deploys {commitId} (201 deploy, or 202 queued with no body: then the
deploy is found in the list, read page by page with Render's cursors); status from
GET /services/{id}/deploys/{deployId}, with Render's own state names mapped; build and app logs from
GET /logs (paged with nextStartTime/nextEndTime); cancel; the live deploy from the deploy list;
rollback with POST /services/{id}/rollback {deployId} (a new deploy of the old build, no rebuild;
Render keeps autodeploy on, which is why swarm also pushes a commit restoring the same tree). 429/5xx are retried, honouring Retry-After and
Ratelimit-Reset (a delta when small, an epoch otherwise). Vendor errors become one PlatformError.

When the service auto-deploys (``autoDeploy: "yes"`` on ``GET /services/{id}``), a pushed commit is deployed by
Render itself: swarm waits for that deploy instead of creating a second one (see
:mod:`swarm.platforms.deploymodel`). A deploy an overlap canceled is followed to its successor.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from memory.errors import PlatformError
from memory.models import DeployLogs, Deployment
from swarm.platforms.deploymodel import MODELS, autodeploy_setting, find_or_trigger, grace, newest_after
from swarm.platforms.vendor import VendorClient

REPLACED = MODELS["render"].replaced

STATUS = {
    "created": "queued", "queued": "queued", "build_in_progress": "building", "update_in_progress": "deploying",
    "pre_deploy_in_progress": "deploying", "live": "live", "deactivated": "superseded", "build_failed": "build_failed",
    "update_failed": "failed", "pre_deploy_failed": "failed", "canceled": "canceled",
}


@dataclass
class RenderPlatform:
    client: httpx.Client
    api_key: str
    service_id: str
    owner_id: str
    state_dir: Path
    base_url: str = "https://api.render.com/v1"
    url: str | None = None
    sleep: Any = time.sleep
    autodeploy: str = "auto"
    push_grace_s: float | None = None
    name: str = "render"

    def __post_init__(self) -> None:
        self._auto: bool | None = None
        self.state_dir = Path(self.state_dir)
        self._api = VendorClient("Render", self.client, self.base_url,
                                 {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"},
                                 self.state_dir / "render-deploys.json", self.sleep)
        self._request = self._api.request

    def _to_deployment(self, d: dict[str, Any], meta: dict[str, Any] | None = None) -> Deployment:
        meta = meta or {}
        status = STATUS.get(str(d.get("status", "queued")), "queued")
        return Deployment(id=d["id"], sha=str((d.get("commit") or {}).get("id") or meta.get("sha", "")), status=status,  # type: ignore[arg-type]
                          kind=meta.get("kind", "initial"), attempt=int(meta.get("attempt", 0)), url=self.url,
                          message=f"render status {d.get('status')}", trigger=meta.get("trigger"))

    def _list(self, pages: int = 5, limit: int = 20, **params: Any) -> list[dict[str, Any]]:
        """Deploys, newest first, following Render's cursors for up to ``pages`` pages."""
        out: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(pages):
            query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
            items = [item for item in self._request("GET", f"/services/{self.service_id}/deploys", params=query).json()
                     if isinstance(item, dict) and "deploy" in item]
            out += [item["deploy"] for item in items]
            if len(items) < limit or not items[-1].get("cursor"):
                break
            cursor = str(items[-1]["cursor"])
        return out

    # -- Platform port ---------------------------------------------------------------------------
    def deploy(self, sha: str, key: str, kind: str = "initial", attempt: int = 0) -> Deployment:
        if (known := self._api.keys().get(key)) is not None:
            return self.status(known["id"])
        found, trigger = find_or_trigger(sha, kind, self._autodeploys, grace("render", self.push_grace_s),
                                         self._find, self._trigger, self.sleep)
        meta = {"id": found["id"], "sha": sha, "kind": kind, "attempt": attempt, "trigger": trigger}
        self._api.remember(key, meta)
        return self._to_deployment(found, meta)

    def _autodeploys(self) -> bool:
        if self._auto is None:
            self._auto = autodeploy_setting(self.autodeploy, lambda: self._request(
                "GET", f"/services/{self.service_id}").json().get("autoDeploy") == "yes")
        return self._auto

    def _find(self, sha: str) -> dict[str, Any] | None:
        """The newest deploy of ``sha``, in any state: one an overlap replaced still counts (the monitor follows it)."""
        return next((d for d in self._list() if (d.get("commit") or {}).get("id") == sha), None)

    def _trigger(self, sha: str) -> dict[str, Any]:
        resp = self._request("POST", f"/services/{self.service_id}/deploys", json={"clearCache": "do_not_clear", "commitId": sha})
        if resp.status_code == 201 and resp.content:
            return dict(resp.json())
        found = self._find(sha)  # 202 Queued: no body; find it in the list
        if found is None:
            raise PlatformError(f"Render queued a deploy of {sha[:12]} but it is not in the deploy list")
        return found

    def successor(self, current: Deployment) -> Deployment | None:
        """The deploy that took over from a replaced one: the newest later deploy of the same commit, else the newest
        later deploy of any commit (a newer push)."""
        later = [d for d in newest_after(self._list(pages=2), current.id, lambda d: str(d.get("id")))
                 if d.get("status") not in REPLACED]
        same = next((d for d in later if (d.get("commit") or {}).get("id") == current.sha), None)
        pick = same or (later[0] if later else None)
        return self._to_deployment(pick, {"trigger": "push"}) if pick else None

    def status(self, deploy_id: str) -> Deployment:
        meta = self._api.meta_for(deploy_id)
        d = self._request("GET", f"/services/{self.service_id}/deploys/{deploy_id}").json()
        return self._to_deployment(d, meta)

    def logs(self, deploy_id: str) -> DeployLogs:
        d = self._request("GET", f"/services/{self.service_id}/deploys/{deploy_id}").json()
        start = d.get("startedAt") or d.get("createdAt")
        end = d.get("finishedAt") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        refused: list[str] = []
        return DeployLogs(build=self._api.source("build logs", lambda: self._logs("build", start, end), refused),
                          runtime=self._api.source("app logs", lambda: self._logs("app", start, end), refused), refused=refused)

    def _logs(self, kind: str, start: str | None, end: str) -> str:
        params: dict[str, Any] = {"ownerId": self.owner_id, "resource": self.service_id, "type": kind,
                                  "direction": "forward", "limit": 100, "endTime": end}
        if start:
            params["startTime"] = start
        lines: list[str] = []
        for _ in range(50):  # pages
            page = self._request("GET", "/logs", params=params).json()
            lines += [str(entry.get("message", "")) for entry in page.get("logs", [])]
            if not page.get("hasMore"):
                break
            params.update(startTime=page["nextStartTime"], endTime=page["nextEndTime"])
        return "\n".join(lines)

    def cancel(self, deploy_id: str) -> None:
        self._request("POST", f"/services/{self.service_id}/deploys/{deploy_id}/cancel")

    def health_url(self, deploy_id: str, path: str) -> str | None:
        return f"{self.url.rstrip('/')}{path}" if self.url else None

    def live(self) -> Deployment | None:
        live = self._list(pages=1, status="live")
        return self._to_deployment(live[0]) if live else None

    def previous(self, current: Deployment) -> Deployment | None:
        """The newest deactivated deploy of another commit: what served before ``current`` went live."""
        before = next((d for d in self._list(pages=2, status="deactivated")
                       if (d.get("commit") or {}).get("id") not in (None, "", current.sha)), None)
        return self._to_deployment(before) if before else None

    def rollback(self, to: Deployment, key: str, attempt: int = 0) -> Deployment | None:
        if (known := self._api.keys().get(key)) is not None:
            return self.status(known["id"])
        d = self._request("POST", f"/services/{self.service_id}/rollback", json={"deployId": to.id}).json()
        meta = {"id": d["id"], "sha": to.sha, "kind": "rollback", "attempt": attempt, "rollback_of": to.id}
        self._api.remember(key, meta)
        return self._to_deployment(d, meta)

    def runtimes(self) -> dict[str, list[str]]:
        return {}
