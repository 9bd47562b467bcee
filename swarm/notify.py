"""Notifiers: Slack, Discord, Telegram and a generic JSON webhook, in the formats of the vendors' docs.

One message per session outcome (deduplicated), redacted, sent from a background thread with retries
(honouring 429 Retry-After / retry_after) so a slow chat service never blocks the heal. Each result
is recorded in the session's notifications.jsonl.
"""

from __future__ import annotations

import html
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from memory.redact import Redactor, redact_obj

log = logging.getLogger(__name__)
COLORS = {"healed": 0x2EA043, "healthy": 0x2EA043, "escalated": 0xD29922, "rolled_back": 0xD29922, "failed": 0xCF222E}


def summary(payload: dict[str, Any]) -> tuple[str, str]:
    o = payload.get("outcome") or {}
    title = f"swarm: {payload.get('service')} {o.get('kind', '?')} (session {payload.get('session')})"
    lines = [str(o.get("reason", ""))]
    if payload.get("category"):
        lines.append(f"failure: {payload['category']}" + (f" ({payload['entity']})" if payload.get("entity") else ""))
    if o.get("final_sha"):
        lines.append(f"commit: {str(o['final_sha'])[:12]}; deploys: {o.get('deploys')}")
    if o.get("action_required") and o.get("kind") not in ("healed", "healthy"):
        lines.append(f"action required: {o['action_required']}")
    return title, "\n".join(lines)


class Target:
    name = "target"

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def request(self, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def ok(self, resp: httpx.Response) -> bool:
        return 200 <= resp.status_code < 300

    def send(self, payload: dict[str, Any], attempts: int = 4, sleep: Callable[[float], None] = time.sleep) -> str:
        url, body = self.request(payload)
        last = ""
        for i in range(attempts):
            try:
                resp = self.client.post(url, json=body, timeout=10)
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}"
                sleep(min(8.0, 0.5 * 2**i))
                continue
            if self.ok(resp):
                return "sent"
            last = f"HTTP {resp.status_code}: {resp.text[:200]}"
            if resp.status_code == 429 or resp.status_code >= 500:
                sleep(min(30.0, self._retry_after(resp) if resp.status_code == 429 else 0.5 * 2**i))
                continue
            break  # a 4xx other than 429 will not get better
        return f"failed: {last}"

    @staticmethod
    def _retry_after(resp: httpx.Response) -> float:
        for value in (resp.headers.get("retry-after"), _json_field(resp, "retry_after"),
                      (_json_field(resp, "parameters") or {}).get("retry_after") if isinstance(_json_field(resp, "parameters"), dict) else None):
            try:
                if value is not None:
                    return max(0.0, float(value))
            except (TypeError, ValueError):
                continue
        return 1.0


def _json_field(resp: httpx.Response, key: str) -> Any:
    try:
        data = resp.json()
    except ValueError:
        return None
    return data.get(key) if isinstance(data, dict) else None


class WebhookTarget(Target):
    name = "webhook"

    def __init__(self, client: httpx.Client, url: str) -> None:
        super().__init__(client)
        self.url = url

    def request(self, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return self.url, {"event": "swarm.outcome", **payload}


class SlackTarget(WebhookTarget):
    name = "slack"

    def request(self, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        title, text = summary(payload)
        return self.url, {"text": f"{title}\n{text}",
                          "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*\n{text}"}}]}

    def ok(self, resp: httpx.Response) -> bool:
        return resp.status_code == 200


class DiscordTarget(WebhookTarget):
    name = "discord"

    def request(self, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        title, text = summary(payload)
        kind = (payload.get("outcome") or {}).get("kind", "")
        return self.url, {"content": title[:2000], "allowed_mentions": {"parse": []},
                          "embeds": [{"title": title[:256], "description": text[:4000], "color": COLORS.get(kind, 0x808080)}]}


class TelegramTarget(Target):
    name = "telegram"

    def __init__(self, client: httpx.Client, token: str, chat_id: str, base: str = "https://api.telegram.org") -> None:
        super().__init__(client)
        self.url, self.chat_id = f"{base.rstrip('/')}/bot{token}/sendMessage", chat_id

    def request(self, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        title, text = summary(payload)
        body = f"<b>{html.escape(title)}</b>\n{html.escape(text)}"[:4096]
        return self.url, {"chat_id": self.chat_id, "text": body, "parse_mode": "HTML",
                          "link_preview_options": {"is_disabled": True}}


class FanOutNotifier:
    """The Notifier port: record once, then deliver to every target in the background."""

    def __init__(self, path: Path, redactor: Redactor, targets: list[Target]) -> None:
        self.path, self.redact, self.targets = Path(path), redactor, targets
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def _record(self, record: dict[str, Any]) -> None:
        with self._lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")

    def notify(self, kind: str, payload: dict[str, Any]) -> None:
        key = json.dumps([kind, payload.get("session"), payload.get("fingerprint")])
        existing = self.path.read_text().splitlines() if self.path.exists() else []
        if any(json.loads(line).get("key") == key for line in existing if line.strip()):
            return  # one message per outcome, also when a resumed session gets here again
        clean = redact_obj(payload, self.redact)
        assert isinstance(clean, dict)
        self._record({"ts": round(time.time(), 3), "kind": kind, "key": key, "payload": clean})
        for target in self.targets:
            t = threading.Thread(target=self._deliver, args=(target, clean, key), name=f"notify-{target.name}", daemon=True)
            t.start()
            self._threads.append(t)

    def _deliver(self, target: Target, payload: dict[str, Any], key: str) -> None:
        try:
            result = target.send(payload)
        except Exception as exc:  # a notifier must never break the session
            result = f"failed: {type(exc).__name__}: {exc}"
        self._record({"ts": round(time.time(), 3), "delivery": target.name, "key": key, "result": self.redact(result)})

    def close(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
