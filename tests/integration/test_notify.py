"""Notifiers against a real HTTP capture server: formats, retries, exactly one message per outcome."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from memory.redact import Redactor
from swarm.cli import main
from swarm.notify import DiscordTarget, FanOutNotifier, SlackTarget, TelegramTarget, WebhookTarget
from tests.capture_server import CaptureServer
from tests.conftest import make_app

PAYLOAD = {"session": "s1", "service": "api", "category": "missing_env_var", "entity": "API_TOKEN", "fingerprint": "fp",
           "outcome": {"kind": "escalated", "reason": "missing_env_var is not auto-fixable", "final_sha": "a" * 40,
                       "deploys": 1, "action_required": "Set API_TOKEN=sk-ant-api03-secretsecretsecret on the platform"}}


@pytest.fixture
def cap() -> Iterator[CaptureServer]:
    c = CaptureServer()
    yield c
    c.close()


def test_formats_follow_the_vendor_docs(cap: CaptureServer, tmp_path: Path) -> None:
    client = httpx.Client()
    targets = [SlackTarget(client, f"{cap.url}/slack"), DiscordTarget(client, f"{cap.url}/discord"),
               TelegramTarget(client, "123:ABC", "-100", base=f"{cap.url}/tg"), WebhookTarget(client, f"{cap.url}/hook")]
    cap.scripts["/discord"] = [(204, {}, b"")]
    cap.scripts["/tg"] = [(200, {}, b'{"ok": true, "result": {"message_id": 1}}')]
    n = FanOutNotifier(tmp_path / "n.jsonl", Redactor(), targets)
    n.notify("outcome", PAYLOAD)
    n.notify("outcome", PAYLOAD)  # a repeat (resumed session) sends nothing
    n.close()
    slack = cap.to("/slack")[0]["body"]
    assert "text" in slack and slack["blocks"][0]["text"]["type"] == "mrkdwn"
    discord = cap.to("/discord")[0]["body"]
    assert discord["allowed_mentions"] == {"parse": []} and discord["embeds"][0]["color"] == 0xD29922
    tg = cap.to("/tg/bot123:ABC/sendMessage")[0]["body"]
    assert tg["chat_id"] == "-100" and tg["parse_mode"] == "HTML" and tg["text"].startswith("<b>")
    assert cap.to("/hook")[0]["body"]["event"] == "swarm.outcome"
    assert len(cap.requests) == 4
    assert all("secretsecretsecret" not in json.dumps(r["body"]) for r in cap.requests)  # redacted
    results = [json.loads(x) for x in (tmp_path / "n.jsonl").read_text().splitlines() if "delivery" in x]
    assert sorted(r["result"] for r in results) == ["sent"] * 4


def test_429_retry_after_then_success_and_4xx_gives_up(cap: CaptureServer) -> None:
    client = httpx.Client()
    cap.scripts["/slack"] = [(429, {"Retry-After": "0"}, b"rate_limited"), (200, {}, b"ok")]
    assert SlackTarget(client, f"{cap.url}/slack").send(PAYLOAD, sleep=lambda s: None) == "sent"
    cap.scripts["/tg"] = [(429, {}, b'{"ok": false, "error_code": 429, "parameters": {"retry_after": 0}}'),
                          (200, {}, b'{"ok": true}')]
    assert TelegramTarget(client, "t", "c", base=f"{cap.url}/tg").send(PAYLOAD, sleep=lambda s: None) == "sent"
    cap.scripts["/slack"] = [(404, {}, b"channel_not_found")]
    assert "404" in SlackTarget(client, f"{cap.url}/slack").send(PAYLOAD, sleep=lambda s: None)
    assert len(cap.to("/slack")) == 3


def test_session_sends_exactly_one_message_per_target(cap: CaptureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_WEBHOOK_URL", f"{cap.url}/slack")
    monkeypatch.setenv("SWARM_WEBHOOK_URL", f"{cap.url}/hook")
    app = "import os\nTOKEN = os.environ['PAYMENTS_API_TOKEN']\n"
    repo, _ = make_app(tmp_path, {"app.py": app, "Procfile": "web: python app.py\n", "requirements.txt": "",
                                  "swarm.toml": '[notify]\ntargets = ["slack", "webhook"]\n'})
    assert main(["deploy", "--session", "notify", "--repo", str(repo), "--quiet"]) == 2
    assert len(cap.to("/slack")) == 1 and len(cap.to("/hook")) == 1
    assert cap.to("/hook")[0]["body"]["outcome"]["kind"] == "escalated"
    monkeypatch.delenv("SLACK_WEBHOOK_URL")
    assert main(["deploy", "--session", "notify2", "--repo", str(repo), "--quiet"]) == 1  # clear config error
    assert os.environ.get("SWARM_WEBHOOK_URL")


def test_github_issue_deduplicated_by_fingerprint_all_traffic_valid(tmp_path: Path) -> None:
    from swarm.notify import GitHubTarget
    from tests.fakes.github import FakeGitHub

    gh = FakeGitHub()
    try:
        target = GitHubTarget(httpx.Client(), gh.token, "acme/api", tmp_path / "github_issues.json", api=gh.url)
        assert target.send(PAYLOAD).startswith("sent: issue #1")
        again = {**PAYLOAD, "session": "s2"}
        assert target.send(again).startswith("sent: comment on #1")
        other = {**PAYLOAD, "fingerprint": "fp-other"}
        assert target.send(other).startswith("sent: issue #2")
        assert len(gh.issues) == 2 and gh.issues[1]["labels"][0]["name"] == "auto-heal"
        assert len(gh.comments) == 1 and len(gh.commit_comments) == 3
        assert gh.violations == []
    finally:
        gh.close()


def test_the_fake_github_really_validates_against_the_spec() -> None:
    from tests.fakes.github import FakeGitHub

    gh = FakeGitHub()
    try:
        httpx.post(f"{gh.url}/repos/acme/api/issues", json={"body": "no title"},
                   headers={"Authorization": f"Bearer {gh.token}"}, timeout=10)
        assert any("request /repos/acme/api/issues" in v for v in gh.violations)
    finally:
        gh.close()
