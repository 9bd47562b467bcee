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
        if result.startswith("failed"):
            log.warning("notification to %s failed: %s", target.name, self.redact(result))
        self._record({"ts": round(time.time(), 3), "delivery": target.name, "key": key, "result": self.redact(result)})

    def close(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))


class GitHubTarget(Target):
    """An issue on escalation (label ``auto-heal``), deduplicated by failure fingerprint: a repeat adds a
    comment to the issue already opened. Every outcome also gets a commit comment on the commit it concerns."""

    name = "github"

    def __init__(self, client: httpx.Client, token: str, repo: str, state_file: Path, api: str = "https://api.github.com") -> None:
        super().__init__(client)
        self.token, self.repo, self.api, self.state_file = token, repo, api.rstrip("/"), Path(state_file)
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
                        "X-GitHub-Api-Version": "2022-11-28"}

    def _post(self, path: str, body: dict[str, Any], sleep: Callable[[float], None]) -> httpx.Response | str:
        last = ""
        for i in range(4):
            try:
                resp = self.client.post(f"{self.api}{path}", json=body, headers=self.headers, timeout=15)
            except httpx.HTTPError as exc:
                last = type(exc).__name__
                sleep(min(8.0, 0.5 * 2**i))
                continue
            if resp.status_code < 300:
                return resp
            last = f"HTTP {resp.status_code}: {resp.text[:200]}"
            limited = resp.status_code == 429 or (resp.status_code == 403 and (
                resp.headers.get("retry-after") or resp.headers.get("x-ratelimit-remaining") == "0"))
            if limited or resp.status_code >= 500:
                wait = float(resp.headers.get("retry-after") or 0) or (
                    max(0.0, float(resp.headers.get("x-ratelimit-reset", 0)) - time.time()) if resp.headers.get("x-ratelimit-remaining") == "0" else 2.0 ** i)
                sleep(min(60.0, wait))
                continue
            break
        return f"failed: {last}"

    def _issues(self) -> dict[str, int]:
        try:
            return json.loads(self.state_file.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def send(self, payload: dict[str, Any], attempts: int = 4, sleep: Callable[[float], None] = time.sleep) -> str:
        title, text = summary(payload)
        o = payload.get("outcome") or {}
        results = []
        if o.get("kind") in ("escalated", "rolled_back", "failed"):
            fp = str(payload.get("fingerprint") or payload.get("session"))
            issues = self._issues()
            if fp in issues:
                r = self._post(f"/repos/{self.repo}/issues/{issues[fp]}/comments",
                               {"body": f"Happened again (session `{payload.get('session')}`).\n\n{text}"}, sleep)
                results.append(f"comment on #{issues[fp]}" if not isinstance(r, str) else r)
            else:
                r = self._post(f"/repos/{self.repo}/issues", {"title": title[:250], "body": f"{text}\n\nfingerprint: `{fp}`",
                                                               "labels": ["auto-heal"]}, sleep)
                if isinstance(r, str):
                    results.append(r)
                else:
                    issues[fp] = int(r.json()["number"])
                    self.state_file.parent.mkdir(parents=True, exist_ok=True)
                    self.state_file.write_text(json.dumps(issues, indent=2))
                    results.append(f"issue #{issues[fp]}")
        sha = o.get("final_sha")
        if sha:
            r = self._post(f"/repos/{self.repo}/commits/{sha}/comments", {"body": f"**{title}**\n\n{text}"}, sleep)
            results.append("commit comment" if not isinstance(r, str) else r)
        failed = [x for x in results if x.startswith("failed")]
        return "sent: " + ", ".join(results) if not failed else "; ".join(failed)


class GitHubPulls:
    """ChangeRequests over GitHub REST ``POST /repos/{owner}/{repo}/pulls`` (PR mode)."""

    def __init__(self, client: httpx.Client, token: str, repo: str, api: str = "https://api.github.com") -> None:
        self.client, self.repo, self.api = client, repo, api.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
                        "X-GitHub-Api-Version": "2022-11-28"}

    def open(self, branch: str, base: str, title: str, body: str) -> str:
        resp = self.client.post(f"{self.api}/repos/{self.repo}/pulls", headers=self.headers, timeout=15,
                                json={"title": title[:250], "head": branch, "base": base, "body": body})
        if resp.status_code >= 300:
            from memory.errors import PlatformError

            raise PlatformError(f"GitHub refused the pull request ({resp.status_code}): {resp.text[:300]}")
        return str(resp.json().get("html_url", ""))
