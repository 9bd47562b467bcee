"""Fleet intake: signed webhooks in, heal requests out on a Redis stream (issue 15, first part).

Signatures, each as its sender documents it:

- GitHub ``push``: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`` with the webhook secret
  (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries); the delivery id is
  ``X-GitHub-Delivery``;
- Vercel: ``x-vercel-signature: <hex HMAC-SHA1 of the raw body>`` with the webhook secret
  (https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks);
- Render: Standard Webhooks (https://www.standardwebhooks.com, Render's webhooks follow it): ``webhook-id``,
  ``webhook-timestamp`` (seconds) and ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` with the
  base64 secret after ``whsec_``; a timestamp more than 5 minutes away is a replay.

A valid event for a service of ``fleet.toml`` becomes one entry on the heal stream, deduplicated by delivery id and by
(service, commit): a redelivery or a second event for the same commit queues nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memory.errors import ConfigError

TOLERANCE_S = 300
MAX_BODY = 1_000_000
DEDUP_TTL_S = 7 * 24 * 3600


class Refused(Exception):
    """A request the receiver refuses: ``status`` is the HTTP answer."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


def verify_github(body: bytes, header: str | None, secret: str) -> None:
    if not header or not header.startswith("sha256="):
        raise Refused(401, "missing X-Hub-Signature-256")
    want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, header.strip()):
        raise Refused(401, "bad X-Hub-Signature-256")


def verify_vercel(body: bytes, header: str | None, secret: str) -> None:
    if not header:
        raise Refused(401, "missing x-vercel-signature")
    want = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    if not hmac.compare_digest(want, header.strip()):
        raise Refused(401, "bad x-vercel-signature")


def verify_standard(body: bytes, msg_id: str | None, timestamp: str | None, header: str | None, secret: str,
                    now: float | None = None) -> None:
    if not (msg_id and timestamp and header):
        raise Refused(401, "missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        ts = int(timestamp)
    except ValueError:
        raise Refused(401, "webhook-timestamp is not a number") from None
    if abs((now if now is not None else time.time()) - ts) > TOLERANCE_S:
        raise Refused(401, "webhook-timestamp is more than 5 minutes away (a replay?)")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    want = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    for part in header.split():
        version, _, sig = part.partition(",")
        if version == "v1" and hmac.compare_digest(want, sig):
            return
    raise Refused(401, "bad webhook-signature")


@dataclass(frozen=True)
class Service:
    name: str
    repo: str
    platform: str = "local"
    branch: str = "main"
    github: str | None = None
    """``owner/name`` as GitHub's push events name the repository."""
    render_service_id: str | None = None
    vercel_project: str | None = None


@dataclass
class Fleet:
    services: list[Service] = field(default_factory=list)
    stream: str = "swarm:heal"
    checkpoint_url: str | None = None
    """``[fleet] checkpoint_url``: the workers checkpoint sessions in this PostgreSQL database (``SWARM_CHECKPOINT_URL``
    overrides it), so that any machine resumes any session."""

    def by(self, **match: str | None) -> Service | None:
        for s in self.services:
            if all(v is not None and getattr(s, k) == v for k, v in match.items()):
                return s
        return None


def load_fleet(path: Path) -> Fleet:
    try:
        data = tomllib.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: no fleet file; it lists the services a fleet heals ([[service]] name, repo, platform, branch)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    services = []
    for i, raw in enumerate(data.get("service") or []):
        if not isinstance(raw, dict) or not raw.get("name") or not raw.get("repo"):
            raise ConfigError(f"{path}: [[service]] #{i + 1} needs a name and a repo")
        known = {k: v for k, v in raw.items() if k in Service.__dataclass_fields__}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ConfigError(f"{path}: [[service]] {raw['name']!r}: unknown key(s) {', '.join(unknown)}")
        services.append(Service(**{k: str(v) for k, v in known.items()}))
    fleet = data.get("fleet") or {}
    unknown_fleet = sorted(set(fleet) - {"stream", "checkpoint_url"})
    if unknown_fleet:
        raise ConfigError(f"{path}: [fleet]: unknown key(s) {', '.join(unknown_fleet)} (known: stream, checkpoint_url)")
    url = fleet.get("checkpoint_url")
    if url is not None and not str(url).startswith(("postgresql://", "postgres://")):
        raise ConfigError(f"{path}: [fleet] checkpoint_url must be a postgresql:// URL")
    return Fleet(services, stream=str(fleet.get("stream") or "swarm:heal"), checkpoint_url=str(url) if url else None)


@dataclass(frozen=True)
class HealRequest:
    service: str
    commit: str
    source: str
    delivery: str


def from_github(fleet: Fleet, event: str | None, delivery: str | None, payload: dict[str, Any]) -> HealRequest | None:
    """A push to a service's deploy branch; other events and other branches are answered but queue nothing."""
    if event != "push":
        return None
    repo = (payload.get("repository") or {}).get("full_name")
    service = fleet.by(github=repo)
    after = str(payload.get("after") or "")
    if service is None or payload.get("ref") != f"refs/heads/{service.branch}" or not after or set(after) == {"0"}:
        return None
    return HealRequest(service.name, after, "github", delivery or f"github:{after}")


def from_vercel(fleet: Fleet, payload: dict[str, Any]) -> HealRequest | None:
    """``deployment.error`` for a service's project: heal that commit."""
    if payload.get("type") != "deployment.error":
        return None
    p = payload.get("payload") or {}
    project = (p.get("project") or {}).get("id")
    service = fleet.by(vercel_project=project)
    sha = ((p.get("deployment") or {}).get("meta") or {}).get("githubCommitSha")
    if service is None or not sha:
        return None
    return HealRequest(service.name, str(sha), "vercel", str(payload.get("id") or f"vercel:{sha}"))


def from_render(fleet: Fleet, msg_id: str, payload: dict[str, Any]) -> HealRequest | None:
    """A failed deploy (``deploy_ended`` with a failure status, or ``build_ended`` failed) of a service."""
    data = payload.get("data") or {}
    service = fleet.by(render_service_id=data.get("serviceId"))
    status = str(data.get("status") or "")
    if service is None or payload.get("type") not in ("deploy_ended", "build_ended") or "fail" not in status:
        return None
    # the commit when the event carries one; else "" (the worker heals the branch head it finds, and the request is
    # deduplicated by its delivery id alone)
    sha = str(data.get("commitId") or (data.get("commit") or {}).get("id") if isinstance(data.get("commit"), dict)
              else data.get("commitId") or "")
    return HealRequest(service.name, sha, "render", msg_id)


def enqueue(redis: Any, fleet: Fleet, req: HealRequest) -> str:
    """Queue ``req`` unless its delivery or its (service, commit) was queued already: "queued" or "duplicate"."""
    prefix = fleet.stream
    if not redis.set(f"{prefix}:delivery:{req.delivery}", "1", nx=True, ex=DEDUP_TTL_S):
        return "duplicate"
    if req.commit and not redis.set(f"{prefix}:commit:{req.service}:{req.commit}", req.delivery, nx=True, ex=DEDUP_TTL_S):
        return "duplicate"
    redis.xadd(prefix, {"json": json.dumps(req.__dict__)}, maxlen=100_000, approximate=True)
    return "queued"
