"""``swarm serve``: the fleet's webhook receiver (Starlette on uvicorn). GitHub pushes, Vercel deployment errors and
Render failed deploys, each verified as its sender documents (see :mod:`swarm.fleet`), become heal requests on the
Redis stream; bad or missing signatures and replays are 401, oversized bodies 413, and every refusal is logged."""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

NAME = "serve"
HELP = "receive signed webhooks (GitHub, Vercel, Render) and queue heal requests for the fleet's workers"
log = logging.getLogger("swarm.serve")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fleet", default="fleet.toml", help="the services this fleet heals (default: fleet.toml)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8787)


def build_app(fleet: Any, redis: Any, secrets: dict[str, str], log_path: Path | None = None) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from swarm import fleet as intake

    def record(source: str, status: int, what: str) -> None:
        line = {"ts": round(time.time(), 3), "source": source, "status": status, "what": what[:300]}
        log.info("%s", line)
        if log_path is not None:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(log_path, "a") as fh:
                fh.write(json.dumps(line) + "\n")

    async def body_of(request: Request) -> bytes:
        size = int(request.headers.get("content-length") or 0)
        if size > intake.MAX_BODY:
            raise intake.Refused(413, f"body of {size} bytes is over {intake.MAX_BODY}")
        data = b""
        async for chunk in request.stream():
            data += chunk
            if len(data) > intake.MAX_BODY:
                raise intake.Refused(413, f"body over {intake.MAX_BODY} bytes")
        return data

    def handler(source: str) -> Any:
        async def receive(request: Request) -> JSONResponse:
            try:
                secret = secrets.get(source)
                if not secret:
                    raise intake.Refused(503, f"no {source} webhook secret configured")
                body = await body_of(request)
                h = request.headers
                if source == "github":
                    intake.verify_github(body, h.get("x-hub-signature-256"), secret)
                elif source == "vercel":
                    intake.verify_vercel(body, h.get("x-vercel-signature"), secret)
                else:
                    intake.verify_standard(body, h.get("webhook-id"), h.get("webhook-timestamp"), h.get("webhook-signature"), secret)
                try:
                    payload = json.loads(body)
                except ValueError:
                    raise intake.Refused(400, "the body is not JSON") from None
                if not isinstance(payload, dict):
                    raise intake.Refused(400, "the body is not a JSON object")
                if source == "github":
                    req = intake.from_github(fleet, h.get("x-github-event"), h.get("x-github-delivery"), payload)
                elif source == "vercel":
                    req = intake.from_vercel(fleet, payload)
                else:
                    req = intake.from_render(fleet, str(h.get("webhook-id")), payload)
                if req is None:
                    record(source, 202, "nothing to heal in this event")
                    return JSONResponse({"status": "ignored"}, status_code=202)
                outcome = intake.enqueue(redis, fleet, req)
                record(source, 202, f"{outcome}: {req.service} @ {req.commit[:12] or 'branch head'} (delivery {req.delivery})")
                return JSONResponse({"status": outcome, "service": req.service, "commit": req.commit}, status_code=202)
            except intake.Refused as exc:
                record(source, exc.status, str(exc))
                return JSONResponse({"error": str(exc)}, status_code=exc.status)
        return receive

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "services": len(fleet.services)})

    return Starlette(routes=[Route("/webhooks/github", handler("github"), methods=["POST"]),
                             Route("/webhooks/vercel", handler("vercel"), methods=["POST"]),
                             Route("/webhooks/render", handler("render"), methods=["POST"]),
                             Route("/healthz", health)])


def secrets_from_environ() -> dict[str, str]:
    return {k: v for k, v in (("github", os.environ.get("GITHUB_WEBHOOK_SECRET")), ("vercel", os.environ.get("VERCEL_WEBHOOK_SECRET")),
                              ("render", os.environ.get("RENDER_WEBHOOK_SECRET"))) if v}


def run(args: argparse.Namespace) -> int:
    import redis as redis_lib
    import uvicorn

    from memory.errors import ConfigError
    from swarm.fleet import load_fleet
    from swarm.paths import artifacts_root_from_environ

    fleet = load_fleet(Path(args.fleet))
    url = os.environ.get("REDIS_URL")
    if not url:
        raise ConfigError("swarm serve needs REDIS_URL: the heal requests go on a Redis stream the workers read")
    secrets = secrets_from_environ()
    if not secrets:
        raise ConfigError("set at least one of GITHUB_WEBHOOK_SECRET, VERCEL_WEBHOOK_SECRET, RENDER_WEBHOOK_SECRET")
    app = build_app(fleet, redis_lib.Redis.from_url(url), secrets, artifacts_root_from_environ() / "fleet" / "intake.jsonl")
    print(f"swarm serve: {len(fleet.services)} service(s), webhooks for {', '.join(sorted(secrets))} on http://{args.host}:{args.port}; "
          f"heal requests on stream {fleet.stream!r}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
