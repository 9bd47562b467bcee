"""What the vendor adapters share: authenticated JSON calls with retries, and deploys remembered per key."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from memory.atomic import write_atomic
from memory.errors import PlatformError


class VendorClient:
    def __init__(self, vendor: str, client: httpx.Client, base_url: str, headers: dict[str, str], state_file: Path,
                 sleep: Callable[[float], None] = time.sleep, params: dict[str, str] | None = None,
                 reset_headers: tuple[str, ...] = ("ratelimit-reset", "x-ratelimit-reset")) -> None:
        self.vendor, self.client, self.base_url = vendor, client, base_url.rstrip("/")
        self.headers, self.params, self.sleep = headers, params or {}, sleep
        self.state_file, self.reset_headers = Path(state_file), reset_headers
        self.state_file.parent.mkdir(parents=True, exist_ok=True)

    # -- http ---------------------------------------------------------------------------------
    def request(self, method: str, path: str, absolute: bool = False, **kw: Any) -> httpx.Response:
        """Retries connection errors, 429 and 5xx (honouring Retry-After and the reset headers); a 4xx is a
        PlatformError carrying the vendor's message. ``absolute`` URLs (pre-signed files) get no auth."""
        url = path if absolute else f"{self.base_url}{path}"
        headers = {} if absolute else self.headers
        params = {**kw.pop("params", {}), **({} if absolute else self.params)}
        last = ""
        for attempt in range(5):
            try:
                resp = self.client.request(method, url, headers=headers, params=params or None, timeout=30, **kw)
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
                self.sleep(min(30.0, 2.0 ** attempt))
                continue
            if resp.status_code == 429 or resp.status_code >= 500:
                last = f"HTTP {resp.status_code}: {self.message(resp)}"
                self.sleep(self.wait(resp, attempt))
                continue
            if resp.status_code >= 400:
                raise PlatformError(f"{self.vendor} {method} {path} → {resp.status_code}: {self.message(resp)}")
            return resp
        raise PlatformError(f"{self.vendor} {method} {path} failed after retries: {last}")

    def stream_records(self, path: str, deadline_s: float, idle_s: float,
                       end: Callable[[dict[str, Any]], bool] = lambda _r: False, **kw: Any) -> list[dict[str, Any]]:
        """Read a stream of JSON lines (``application/stream+json``) for at most ``deadline_s``, closing it when
        no record came for ``idle_s`` or a record satisfies ``end``. A stream is never awaited to its end: a
        vendor may keep it open for minutes. One try: a refusal is a PlatformError for the caller to note."""
        params = {**kw.pop("params", {}), **self.params}
        started = time.monotonic()
        out: list[dict[str, Any]] = []
        timeout = httpx.Timeout(10.0, read=max(0.1, min(idle_s, deadline_s)))
        try:
            with self.client.stream("GET", f"{self.base_url}{path}", headers=self.headers, params=params or None,
                                    timeout=timeout, **kw) as resp:
                if resp.status_code >= 400:
                    resp.read()
                    raise PlatformError(f"{self.vendor} GET {path} → {resp.status_code}: {self.message(resp)}")
                for raw in resp.iter_lines():
                    try:
                        record = json.loads(raw) if raw.strip() else None
                    except json.JSONDecodeError:
                        record = None
                    if isinstance(record, dict):
                        if end(record):
                            break
                        out.append(record)
                    if time.monotonic() - started >= deadline_s:
                        break
        except httpx.ReadTimeout:
            pass  # idle: the vendor holds the stream open with nothing more to say
        except httpx.HTTPError as exc:
            if not out:
                raise PlatformError(f"{self.vendor} GET {path}: {type(exc).__name__}: {exc}") from exc
        return out

    @staticmethod
    def source(name: str, read: Callable[[], str], refused: list[str]) -> str:
        """One log source: what the vendor refuses is noted in ``refused`` and read as empty, so the others count."""
        try:
            return read()
        except PlatformError as exc:
            refused.append(f"{name}: {str(exc)[:300]}")
            return ""

    def wait(self, resp: httpx.Response, attempt: int) -> float:
        """Retry-After seconds; else a reset header (a delta when small, an epoch otherwise); else backoff."""
        for header in ("retry-after", *self.reset_headers):
            value = resp.headers.get(header)
            if value:
                try:
                    v = float(value)
                except ValueError:
                    continue
                return min(60.0, max(0.0, v if v < 1e9 else v - time.time()))
        return min(30.0, 2.0 ** attempt)

    @staticmethod
    def message(resp: httpx.Response) -> str:
        try:
            data = resp.json()
        except ValueError:
            return resp.text[:300]
        if isinstance(data, dict):
            err = data.get("error")
            return str(data.get("message") or (err.get("message") if isinstance(err, dict) else err) or data)[:300]
        return resp.text[:300]

    # -- deploys per idempotency key --------------------------------------------------------------
    def keys(self) -> dict[str, Any]:
        try:
            return json.loads(self.state_file.read_text())
        except FileNotFoundError:
            return {}

    def remember(self, key: str, meta: dict[str, Any]) -> None:
        data = self.keys()
        data[key] = meta
        write_atomic(self.state_file, json.dumps(data, indent=2))

    def update_meta(self, deploy_id: str, **fields: Any) -> None:
        """Add ``fields`` to the latest record of ``deploy_id``."""
        data = self.keys()
        key = next((k for k in reversed(list(data)) if data[k].get("id") == deploy_id), None)
        if key is not None:
            self.remember(key, {**data[key], **fields})

    def meta_for(self, deploy_id: str) -> dict[str, Any]:
        """What swarm last recorded about a deploy (a rollback to an old deploy records it again)."""
        return next((m for m in reversed(list(self.keys().values())) if m.get("id") == deploy_id), {})
