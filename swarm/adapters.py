"""Small adapters: the HTTP prober, the real clock, the session notifier."""

from __future__ import annotations

import time

import httpx

from memory.models import ProbeResult


class HttpProber:
    def __init__(self, client: httpx.Client | None = None) -> None:
        self._client = client or httpx.Client(follow_redirects=False)

    def get(self, url: str, timeout: float) -> ProbeResult:
        path = httpx.URL(url).raw_path.decode() or "/"
        try:
            resp = self._client.get(url, timeout=timeout)
        except httpx.HTTPError as exc:
            return ProbeResult(path=path, status=None, ok=False, detail=f"no answer: {type(exc).__name__}: {exc}")
        try:
            resp.json()
            is_json = True
        except ValueError:
            is_json = False
        ok = resp.status_code == 200 and is_json
        detail = f"HTTP {resp.status_code}" + ("" if is_json else " (body is not JSON)")
        return ProbeResult(path=path, status=resp.status_code, ok=ok, detail=detail)

    def close(self) -> None:
        self._client.close()


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))
