"""Small adapters: the HTTP prober, the real clock, the session notifier."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from memory.models import ProbeResult
from memory.redact import Redactor, redact_obj


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


class SessionNotifier:
    """Records each outcome notification once in ``notifications.jsonl`` of the session folder.

    Chat and GitHub notifiers join with the real-platforms work; this one is always on.
    """

    def __init__(self, path: Path, redactor: Redactor) -> None:
        self.path, self.redact = Path(path), redactor

    def notify(self, kind: str, payload: dict[str, Any]) -> None:
        record = {"ts": round(time.time(), 3), "kind": kind, "payload": redact_obj(payload, self.redact)}
        key = json.dumps([kind, payload.get("session"), payload.get("fingerprint")])
        existing = self.path.read_text().splitlines() if self.path.exists() else []
        if any(json.loads(line).get("key") == key for line in existing if line.strip()):
            return
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({**record, "key": key}) + "\n")
