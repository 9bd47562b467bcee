"""Vercel (https://api.vercel.com) over httpx, following tests/data/specs/vercel.openapi.json.

Deploys a commit with `POST /v13/deployments` (gitSource github org/repo/ref/sha, target production),
polls `GET /v13/deployments/{id}` (readyState mapped), reads build output from
`GET /v3/deployments/{id}/events` and cancels with `PATCH /v12/deployments/{id}/cancel`. The
deployment a push already started, and the production deployment serving now, come from
`GET /v6/deployments` (paged with `pagination.next` → `until`). Rollback is Vercel's
`POST /v1/projects/{projectId}/rollback/{deploymentId}`: production points at the old deployment
again, with no rebuild (Vercel then stops assigning production to new deployments until one is
promoted; the report says so). A deployment swarm made that is READY but STAGED (production
pinned by a rollback) is promoted with `POST /v10/projects/{projectId}/promote/{deploymentId}` and
counts as deploying until it serves production; a pushed deployment left STAGED is checked on its
own URL, and its message says production does not serve it. Every call carries `teamId` when configured. 429/5xx are retried
honouring `Retry-After` / `X-RateLimit-Reset`.

The git integration deploys every push, so a commit swarm pushed is awaited (matched by `meta.githubCommitSha`)
instead of deployed twice (:mod:`swarm.platforms.deploymodel`). Build events come in two shapes (`payload.text`, and
`text` at the top level as Vercel's CLI reads them); both are read. Runtime logs are `application/stream+json`,
"a stream of logs" that Vercel keeps open for up to 5 minutes: they are read only for a deployment that reached
READY, with a deadline and an idle gap, and closed at the runtime-limit delimiter row, as Vercel's CLI does
(vercel/vercel packages/cli/src/util/logs.ts: ``isRuntimeLimitDelimiter``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from memory.models import DeployLogs, Deployment
from swarm.platforms.deploymodel import MODELS, autodeploy_setting, find_or_trigger, grace, newest_after
from swarm.platforms.vendor import VendorClient

STATES = {"QUEUED": "queued", "BUILDING": "building", "INITIALIZING": "deploying", "READY": "live",
          "ERROR": "failed", "CANCELED": "canceled", "DELETED": "superseded"}
REPLACED = MODELS["vercel"].replaced


@dataclass
class VercelPlatform:
    client: httpx.Client
    token: str
    project: str
    org: str
    repo: str
    branch: str
    state_dir: Path
    team_id: str | None = None
    base_url: str = "https://api.vercel.com"
    url: str | None = None
    sleep: Any = time.sleep
    autodeploy: str = "auto"
    push_grace_s: float | None = None
    runtime_log_s: float = 10.0
    runtime_log_idle_s: float = 2.0
    name: str = "vercel"

    def __post_init__(self) -> None:
        self.state_dir = Path(self.state_dir)
        self._api = VendorClient("Vercel", self.client, self.base_url,
                                 {"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
                                 self.state_dir / "vercel-deploys.json", self.sleep,
                                 params={"teamId": self.team_id} if self.team_id else None)
        self._request = self._api.request

    def _to_deployment(self, d: dict[str, Any], meta: dict[str, Any]) -> Deployment:
        state = str(d.get("readyState") or d.get("state") or d.get("status") or "QUEUED")
        sha = meta.get("sha") or (d.get("meta") or {}).get("githubCommitSha") or ""
        own = f"https://{d['url']}" if d.get("url") else None
        staged = state == "READY" and d.get("readySubstate") == "STAGED"
        if staged:
            meta = {**meta, "note": "; ".join(filter(None, [meta.get("note"), "staged: production does not serve it"]))}
        return Deployment(id=d.get("id") or d["uid"], sha=str(sha), status=STATES.get(state, "queued"),  # type: ignore[arg-type]
                          kind=meta.get("kind", "initial"), attempt=int(meta.get("attempt", 0)),
                          url=(own if staged else self.url or own),
                          message=f"readyState {state}" + (f": {d.get('errorMessage')}" if d.get("errorMessage") else "")
                          + (f"; {meta['note']}" if meta.get("note") else ""), trigger=meta.get("trigger"))

    def _list(self, pages: int = 5, **params: Any) -> list[dict[str, Any]]:
        """The project's deployments, newest first, for up to ``pages`` pages."""
        out: list[dict[str, Any]] = []
        query: dict[str, Any] = {"projectId": self.project, "limit": 20, **params}
        for _ in range(pages):
            data = self._request("GET", "/v6/deployments", params=query).json()
            out += [d for d in data.get("deployments") or [] if isinstance(d, dict)]
            nxt = (data.get("pagination") or {}).get("next")
            if not nxt:
                break
            query["until"] = nxt
        return out

    def deploy(self, sha: str, key: str, kind: str = "initial", attempt: int = 0) -> Deployment:
        if (known := self._api.keys().get(key)) is not None:
            return self.status(known["id"])
        # Vercel's API in swarm's spec subset cannot say whether the git integration is connected: "auto" assumes it is
        found, trigger = find_or_trigger(sha, kind, lambda: autodeploy_setting(self.autodeploy, lambda: True), grace("vercel", self.push_grace_s), self._find, self._trigger, self.sleep)
        meta = {"id": found.get("uid") or found["id"], "sha": sha, "kind": kind, "attempt": attempt,
                "project_id": found.get("projectId"), "trigger": trigger}
        self._api.remember(key, meta)
        return self.status(meta["id"]) if "uid" in found else self._to_deployment(found, meta)

    def _find(self, sha: str) -> dict[str, Any] | None:
        return next(iter(self._list(pages=1, sha=sha, target="production")), None)  # any state: the monitor follows a replaced one

    def _trigger(self, sha: str) -> dict[str, Any]:
        body = {"name": self.project, "project": self.project, "target": "production",
                "gitSource": {"type": "github", "org": self.org, "repo": self.repo, "ref": self.branch, "sha": sha}}
        return dict(self._request("POST", "/v13/deployments", json=body).json())

    def successor(self, current: Deployment) -> Deployment | None:
        """The newest later production deployment of the same commit, else of any commit (a newer push)."""
        later = [d for d in newest_after(self._list(pages=2, target="production"), current.id, lambda d: str(d.get("uid")))
                 if d.get("state") not in REPLACED]
        same = next((d for d in later if (d.get("meta") or {}).get("githubCommitSha") == current.sha), None)
        pick = same or (later[0] if later else None)
        if pick is None:
            return None
        sha = (pick.get("meta") or {}).get("githubCommitSha") or ""
        return self._to_deployment({**pick, "id": pick["uid"]}, {"project_id": pick.get("projectId"), "sha": sha, "trigger": "push"})

    def status(self, deploy_id: str) -> Deployment:
        meta = self._api.meta_for(deploy_id)
        d = self._request("GET", f"/v13/deployments/{deploy_id}").json()
        substate = d.get("readySubstate")
        if d.get("readyState") == "READY" and substate in ("STAGED", "ROLLING") and meta.get("kind") in ("fix", "redeploy", "rollback"):
            # production is pinned (after a rollback): swarm's own validated deploy is promoted, no rebuild
            if substate == "STAGED" and not meta.get("promoted"):
                self._request("POST", f"/v10/projects/{d.get('projectId') or meta.get('project_id')}/promote/{deploy_id}")
                self._api.update_meta(deploy_id, promoted=True)
            dep = self._to_deployment(d, meta)
            return dep.model_copy(update={"status": "deploying", "message": f"readyState READY ({substate}): promoting to production"})
        return self._to_deployment(d, meta)

    def logs(self, deploy_id: str) -> DeployLogs:
        refused: list[str] = []
        build = self._api.source("build events", lambda: self._events(deploy_id), refused)
        d = self._request("GET", f"/v13/deployments/{deploy_id}").json()
        project_id = self._api.meta_for(deploy_id).get("project_id") or d.get("projectId")
        runtime = ""
        if d.get("readyState") == "READY" and project_id:  # a deployment that never ran has no runtime logs
            runtime = self._api.source("runtime logs", lambda: self._runtime(str(project_id), deploy_id), refused)
        return DeployLogs(build=build, runtime=runtime, refused=refused)

    def _events(self, deploy_id: str, page: int = 1000) -> str:
        """Build output, from either event shape (``payload.text`` or ``text`` at the top level), read forward page by
        page with ``since`` (an event at the page boundary may come twice: it is kept once)."""
        lines: list[str] = []
        seen: set[str] = set()
        since: Any = None
        for _ in range(100):
            params: dict[str, Any] = {"builds": 1, "limit": page, "direction": "forward", **({"since": since} if since else {})}
            events = [e for e in self._request("GET", f"/v3/deployments/{deploy_id}/events", params=params).json() or []
                      if isinstance(e, dict)]
            fresh = 0
            for e in events:
                raw_payload = e.get("payload")
                payload: dict[str, Any] = raw_payload if isinstance(raw_payload, dict) else {}
                key = str(e.get("id") or payload.get("id") or e.get("serial") or payload.get("serial") or
                          (e.get("created"), e.get("text") or payload.get("text")))
                if key in seen:
                    continue
                seen.add(key)
                fresh += 1
                text = e.get("text") if isinstance(e.get("text"), str) else payload.get("text")
                if text:
                    lines.append(str(text))
            created = [float(e["created"]) for e in events if isinstance(e.get("created"), int | float)]
            if len(events) < page or not fresh or not created:
                break
            since = max(created)
        return "\n".join(lines)

    def _runtime(self, project_id: str, deploy_id: str) -> str:
        records = self._api.stream_records(
            f"/v1/projects/{project_id}/deployments/{deploy_id}/runtime-logs", self.runtime_log_s, self.runtime_log_idle_s,
            end=lambda r: r.get("source") == "delimiter")
        return "\n".join(str(r["message"]) for r in records if r.get("message"))

    def cancel(self, deploy_id: str) -> None:
        self._request("PATCH", f"/v12/deployments/{deploy_id}/cancel")

    def health_url(self, deploy_id: str, path: str) -> str | None:
        base = self.status(deploy_id).url
        return f"{base.rstrip('/')}{path}" if base else None

    def live(self) -> Deployment | None:
        """The newest ready production deployment (what the production domain serves unless it was rolled back)."""
        ready = self._list(pages=1, target="production", state="READY", limit=1)
        if not ready:
            return None
        d = ready[0]
        return self._to_deployment({**d, "id": d["uid"]}, {"project_id": d.get("projectId")})

    def previous(self, current: Deployment) -> Deployment | None:
        """The newest ready production deployment of another commit, older than ``current``."""
        ready = self._list(pages=2, target="production", state="READY")
        ids = [d.get("uid") for d in ready]
        for d in ready[ids.index(current.id) + 1:] if current.id in ids else ready:
            sha = (d.get("meta") or {}).get("githubCommitSha")
            if sha and sha != current.sha:
                return self._to_deployment({**d, "id": d["uid"]}, {"project_id": d.get("projectId")})
        return None

    def rollback(self, to: Deployment, key: str, attempt: int = 0) -> Deployment | None:
        if (known := self._api.keys().get(key)) is not None:
            return self.status(known["id"])
        project_id = self._api.meta_for(to.id).get("project_id") or self._request("GET", f"/v13/deployments/{to.id}").json().get("projectId")
        self._request("POST", f"/v1/projects/{project_id}/rollback/{to.id}",
                      params={"description": f"swarm: roll back to {to.sha[:12]}"})
        note = ("production serves this deployment again; Vercel assigns production to no new deployment "
                "until one is promoted")
        self._api.remember(key, {"id": to.id, "sha": to.sha, "kind": "rollback", "attempt": attempt, "project_id": project_id,
                                 "note": note})
        return self.status(to.id)

    def runtimes(self) -> dict[str, list[str]]:
        return {}
