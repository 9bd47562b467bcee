"""DigitalOcean App Platform (https://api.digitalocean.com) over httpx, following
../shared/specs/digitalocean.openapi.json.

App Platform deploys the branch head: a deploy of a commit is a `POST /v2/apps/{id}/deployments`
(force_build) once that commit is on the remote. Phases are mapped to swarm's statuses; build and
run logs come from the archived files the logs endpoint points to (`historic_urls`). 429 and 5xx
are retried, honouring `retry-after` and `ratelimit-reset`.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from memory.errors import PlatformError
from memory.models import DeployLogs, Deployment

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
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._keys = self.state_dir / "do-deploys.json"

    def _request(self, method: str, path: str, absolute: bool = False, **kw: Any) -> httpx.Response:
        headers = {} if absolute else {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        url = path if absolute else f"{self.base_url.rstrip('/')}{path}"
        last = ""
        for attempt in range(5):
            try:
                resp = self.client.request(method, url, headers=headers, timeout=30, **kw)
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
                self.sleep(min(30.0, 2.0 ** attempt))
                continue
            if resp.status_code == 429 or resp.status_code >= 500:
                last = f"HTTP {resp.status_code}: {resp.text[:200]}"
                wait = resp.headers.get("retry-after")
                reset = resp.headers.get("ratelimit-reset")
                delay = float(wait) if wait else (max(0.0, float(reset) - time.time()) if reset else 2.0 ** attempt)
                self.sleep(min(60.0, delay))
                continue
            if resp.status_code >= 400:
                try:
                    message = resp.json().get("message", resp.text)
                except ValueError:
                    message = resp.text
                raise PlatformError(f"DigitalOcean {method} {path} → {resp.status_code}: {str(message)[:300]}")
            return resp
        raise PlatformError(f"DigitalOcean {method} {path} failed after retries: {last}")

    def _load(self) -> dict[str, Any]:
        try:
            return json.loads(self._keys.read_text())
        except FileNotFoundError:
            return {}

    def _save(self, data: dict[str, Any]) -> None:
        tmp = self._keys.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2))
        os.replace(tmp, self._keys)

    def _to_deployment(self, d: dict[str, Any], meta: dict[str, Any]) -> Deployment:
        steps = (d.get("progress") or {}).get("steps") or []
        failed = [s for s in steps if s.get("status") == "ERROR"]
        detail = "; ".join(str((s.get("reason") or {}).get("message") or s.get("name")) for s in failed)
        return Deployment(id=d["id"], sha=str(meta.get("sha", "")), status=PHASES.get(str(d.get("phase")), "queued"),  # type: ignore[arg-type]
                          kind=meta.get("kind", "initial"), attempt=int(meta.get("attempt", 0)), url=self.url,
                          message=f"phase {d.get('phase')}" + (f": {detail}" if detail else ""))

    def deploy(self, sha: str, key: str, kind: str = "initial", attempt: int = 0) -> Deployment:
        data = self._load()
        if key in data:
            return self.status(data[key]["id"])
        resp = self._request("POST", f"/v2/apps/{self.app_id}/deployments", json={"force_build": True})
        d = resp.json()["deployment"]
        data[key] = {"id": d["id"], "sha": sha, "kind": kind, "attempt": attempt}
        self._save(data)
        return self._to_deployment(d, data[key])

    def status(self, deploy_id: str) -> Deployment:
        meta: dict[str, Any] = next((m for m in self._load().values() if m["id"] == deploy_id), {})
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
