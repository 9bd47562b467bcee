"""The deploy behaviour the vendor fakes share, in wall-clock time: pushes that deploy by themselves after a
latency, overlapping deploys under a vendor's policy, builds that take time whether or not anyone polls.

Each vendor fake (render.py, vercel.py, digitalocean.py) maps these records to its own API and cites, in its
docstring, where the vendor documents the behaviour it configures here:

- ``autodeploy``: a push to the deploy branch starts a deploy of the pushed commit, ``push_latency_s`` later
  (Render autoDeploy, Vercel's git integration, DigitalOcean deploy_on_push). Pushes reach the fake the way they
  reach the vendor, as a webhook: a ``post-receive`` hook in the bare remote posts them (:func:`install_push_hook`);
- ``overlap``: what a new deploy does to one in progress: ``override`` (the older ends canceled), ``wait`` (the new
  one waits; only the most recent waiting one runs, older waiting ones end canceled), ``both`` (both build; only a
  newer deployment takes production) or ``supersede`` (the older ends superseded);
- ``on_push``: a callback per push, for a test that wants someone else to push mid-session.
"""

from __future__ import annotations

import json
import stat
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlparse

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from tests import http_util
from tests.conftest import SPECS

Overlap = Literal["override", "wait", "both", "supersede"]
IN_PROGRESS = ("queued", "building", "deploying")


@dataclass
class SimDeploy:
    n: int
    sha: str
    trigger: str
    """"push" (the platform's own, on a push), "api" (someone called the API: swarm), "rollback"."""
    created: float
    state: str = "queued"
    """queued, building, deploying, then live / failed / build_failed, or canceled / superseded when replaced."""
    result: Any = None
    """The vendor fake's verdict for this commit, decided when the build ends."""
    started: float | None = None
    replaced_by: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class DeploySim:
    def __init__(self, verdict: Callable[[str], Any], outcome: Callable[[Any], str], *, autodeploy: bool = False,
                 overlap: Overlap = "override", push_latency_s: float = 0.3, build_s: float = 0.4, deploy_s: float = 0.0,
                 branch: str = "main", on_push: Callable[[str], None] | None = None) -> None:
        self.verdict, self.outcome = verdict, outcome
        """``outcome(result)`` → "live", "failed" or "build_failed"."""
        self.autodeploy, self.overlap, self.push_latency_s, self.build_s = autodeploy, overlap, push_latency_s, build_s
        self.deploy_s = deploy_s
        """With a deploy phase, a build that passed spends this long ``deploying`` before it is live."""
        self.branch, self.on_push = branch, on_push
        self.lock = threading.RLock()
        self.deploys: list[SimDeploy] = []
        self.pushes: list[str] = []
        self._due: list[tuple[float, str]] = []
        self.production: int | None = None
        """The deploy serving traffic."""
        self.pinned = False
        """After a vendor rollback, new deploys do not take production until one is promoted (Vercel)."""

    # -- events ---------------------------------------------------------------------------------
    def push(self, ref: str, sha: str) -> None:
        if ref != f"refs/heads/{self.branch}" or set(sha) == {"0"}:
            return
        with self.lock:
            self.pushes.append(sha)
            if self.autodeploy:
                self._due.append((time.monotonic() + self.push_latency_s, sha))
        if self.on_push is not None:
            threading.Thread(target=self.on_push, args=(sha,), daemon=True).start()

    def create(self, sha: str, trigger: str, state: str = "queued") -> SimDeploy:
        with self.lock:
            d = SimDeploy(n=len(self.deploys) + 1, sha=sha, trigger=trigger, created=time.monotonic(), state=state)
            if state == "live":
                self._go_live(d)
            elif state != "queued":
                pass  # a deploy seeded in a given state: no overlap policy runs
            elif self.overlap in ("override", "supersede"):
                for other in self.deploys:
                    if other.state in IN_PROGRESS:
                        other.state, other.replaced_by = ("canceled" if self.overlap == "override" else "superseded"), d.n
            elif self.overlap == "wait":
                for other in self.deploys:
                    if other.state == "queued":  # only the most recent waiting deploy will run
                        other.state, other.replaced_by = "canceled", d.n
            self.deploys.append(d)
            return d

    def seed(self, sha: str) -> SimDeploy:
        """A deploy made before the session: live and serving."""
        return self.create(sha, "push", state="live")

    def cancel(self, d: SimDeploy) -> None:
        with self.lock:
            if d.state in IN_PROGRESS:
                d.state = "canceled"

    # -- time -----------------------------------------------------------------------------------
    def tick(self) -> None:
        """Bring every deploy to where wall-clock time has taken it."""
        with self.lock:
            now = time.monotonic()
            for due, sha in [x for x in self._due if x[0] <= now]:
                self._due.remove((due, sha))
                self.create(sha, "push")
            for d in self.deploys:
                if d.state == "queued":
                    if self.overlap == "wait" and any(o.state in ("building", "deploying") for o in self.deploys):
                        continue
                    d.state, d.started = "building", now
                if d.state == "building" and d.started is not None and now - d.started >= self.build_s:
                    d.result = self.verdict(d.sha)
                    final = self.outcome(d.result)
                    if final == "live" and self.deploy_s > 0:
                        d.state = "deploying"
                    elif final == "live":
                        self._go_live(d)
                    else:
                        d.state = final
                if d.state == "deploying" and d.started is not None and now - d.started >= self.build_s + self.deploy_s:
                    self._go_live(d)

    def _go_live(self, d: SimDeploy) -> None:
        current = self.get(self.production) if self.production else None
        if self.pinned or (self.overlap == "both" and current is not None and current.n > d.n):
            d.state = "live"  # built and ready; production stays where it is (a newer deployment, or a pin)
            d.extra["staged"] = True
            return
        if current is not None and current is not d:
            current.state = "superseded"
        d.state, self.production = "live", d.n

    # -- queries --------------------------------------------------------------------------------
    def get(self, n: int | None) -> SimDeploy | None:
        return next((d for d in self.deploys if d.n == n), None)

    def newest_first(self) -> list[SimDeploy]:
        return sorted(self.deploys, key=lambda d: d.n, reverse=True)

    def by_sha(self, sha: str) -> list[SimDeploy]:
        return [d for d in self.deploys if d.sha == sha]

    def live_sha(self) -> str | None:
        self.tick()  # time passes for a test that asks, as it does for the API
        d = self.get(self.production)
        return d.sha if d else None

    def triggered_by_api(self) -> int:
        return sum(d.trigger == "api" for d in self.deploys)


def install_push_hook(bare: Path, url: str) -> None:
    """A post-receive hook in the bare remote that posts each pushed ref to ``url`` (the vendor's webhook)."""
    hook = Path(bare) / "hooks" / "post-receive"
    hook.write_text(
        f"#!{sys.executable}\n"
        "import sys, urllib.request\n"
        "for line in sys.stdin:\n"
        "    old, new, ref = line.split()\n"
        f"    urllib.request.urlopen(urllib.request.Request({url + '/_git/push'!r}, data=(ref + ' ' + new).encode(),"
        " method='POST'), timeout=10).read()\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@dataclass
class Stream:
    """An ``application/stream+json`` answer: the records, then the connection held open for ``hold_s``."""

    records: list[dict[str, Any]]
    hold_s: float = 0.0


class VendorFake:
    """The HTTP side every vendor fake shares: spec validation of each request and response, bearer auth, the push
    webhook, scripted faults (one per request, in order), streams, and a request log."""

    spec_file = ""
    server = ""
    prefix = ""
    rate_limit_message = "rate limit exceeded"

    def __init__(self, sim: DeploySim, token: str) -> None:
        self.sim, self.token = sim, token
        self.api = OpenAPI.from_dict(self.patch_spec(json.loads((SPECS / self.spec_file).read_text())))
        self.violations: list[str] = []
        self.faults: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.closing = threading.Event()
        self.streams_open = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", 0) or 0))
                url = urlparse(self.path)
                if url.path == "/_git/push":  # the git host's webhook, not the vendor's API
                    ref, sha = raw.decode().split()
                    fake.sim.push(ref, sha)
                    return self._raw(204, b"")
                if fake.raw_route(self, url.path):
                    return None
                query = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(url.query).items()}
                req = MockRequest(fake.server, self.command.lower(), url.path, args=query, headers=dict(self.headers),
                                  data=raw or None, content_type="application/json")
                try:
                    fake.api.validate_request(req)
                except Exception as exc:
                    fake.violations.append(f"request {self.command} {self.path}: {type(exc).__name__}: {exc}")
                fake.requests.append((self.command, url.path))
                if self.headers.get("authorization") != f"Bearer {fake.token}":
                    return self._send(req, *fake.unauthorized())
                if fake.faults:
                    return fake.fault(self, req, fake.faults.pop(0))
                with fake.sim.lock:
                    fake.sim.tick()
                    status, body = fake.route(self.command, url.path[len(fake.prefix):], query,
                                              json.loads(raw) if raw else {}, f"http://{self.headers.get('host')}")
                self._send(req, status, body)

            do_GET = do_POST = do_PATCH = _handle  # noqa: N815

            def _raw(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
                http_util.send(self, status, data, headers)

            def _send(self, req: MockRequest, status: int, body: Any) -> None:
                if isinstance(body, Stream):
                    return fake.send_stream(self, body)
                http_util.send_validated(self, fake.api, req, status, body, fake.violations)

            def log_message(self, *args: Any) -> None:
                return None

        self.httpd, self.url = http_util.start(Handler, self.prefix)
        self.root = self.url[: len(self.url) - len(self.prefix)] if self.prefix else self.url

    # -- what a vendor fake provides ------------------------------------------------------------------
    def route(self, method: str, path: str, query: dict[str, Any], body: dict[str, Any], base: str) -> tuple[int, Any]:
        raise NotImplementedError

    def patch_spec(self, spec: dict[str, Any]) -> dict[str, Any]:
        """The vendor's spec as the validator reads it (a fake may loosen a documented ambiguity, and says why)."""
        return spec

    def raw_route(self, handler: BaseHTTPRequestHandler, path: str) -> bool:
        """Answer a request outside the API (pre-signed files); True when answered."""
        return False

    def unauthorized(self) -> tuple[int, Any]:
        return 401, {"id": "unauthorized", "message": "unauthorized"}

    def error_body(self, message: str) -> Any:
        return {"id": "error", "message": message}

    def rate_limit_headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}

    # -- shared behaviour ---------------------------------------------------------------------------
    def live_sha(self) -> str | None:
        return self.sim.live_sha()

    def watch_pushes(self, bare: Any) -> None:
        """Pushes to ``bare`` reach this fake as the vendor's git webhook."""
        install_push_hook(bare, self.root)

    @staticmethod
    def _public(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if not k.startswith("_")}

    def fault(self, handler: Any, req: MockRequest, kind: str) -> None:
        """A documented failure instead of the real answer: ``429`` with the vendor's rate-limit headers, ``500`` or
        ``503`` with its error body. ``malformed`` (a body cut short) and ``wrong-shape`` are hostile input for the
        adapter's boundary, not vendor behaviour."""
        if kind in ("500", "503"):
            return http_util.send_validated(handler, self.api, req, int(kind), self.error_body("an unexpected server error has occurred"), [])
        if kind == "429":
            data = json.dumps(self.error_body(self.rate_limit_message)).encode()
            return handler._raw(429, data, {"content-type": "application/json", **self.rate_limit_headers()})
        data = b'{"id": "dep-1", "commit": {"id' if kind == "malformed" else b'[{"unexpected": true}]'
        return handler._raw(200, data, {"content-type": "application/json"})

    def send_stream(self, handler: BaseHTTPRequestHandler, stream: Stream) -> None:
        """Records as JSON lines with no length (the body ends when the connection closes), then the connection
        held open for ``hold_s`` with nothing more to say, as a live log stream is."""
        handler.send_response(200)
        handler.send_header("content-type", "application/stream+json")
        handler.end_headers()
        self.streams_open += 1
        try:
            for record in stream.records:
                handler.wfile.write((json.dumps(record) + "\n").encode())
            handler.wfile.flush()
            self.closing.wait(stream.hold_s)
        except OSError:
            pass  # the client closed the stream: what a client with a deadline does
        finally:
            self.streams_open -= 1
        handler.close_connection = True

    def close(self) -> None:
        self.closing.set()
        http_util.stop(self.httpd)

