"""Issue 10, the secret canary: one value of every secret shape, planted in swarm's environment (also under innocent
names), in the app's ``[deploy] env`` and in the app's own log output; a heal runs with the LLM stand-in, every
notifier and a real Redis. Then every byte swarm wrote is scanned: artifacts (the local platform's own store of the
app's env and output excepted, as a hosting platform keeps those), checkpoints, Redis keys, captured prompts and
notifications, commits and their messages. Zero hits. The app never sees swarm's own credentials."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from swarm.cli import main
from tests.capture_server import CaptureServer
from tests.conftest import make_app, swarm_commits
from tests.fakes.anthropic import FakeAnthropic, tool_reply
from tests.unit.test_secrets import CANARIES

pytestmark = pytest.mark.slow

SWARM_SECRETS = {  # swarm's own credentials: never handed to the app, never stored
    "ANTHROPIC_API_KEY": "sk-ant-" + "api03-C4n4ryAnthropicKey-0001",
    "GITHUB_TOKEN": "ghp_" + "C4n4ryGitHubTokenC4n4ryGitHubT0k",
    "TELEGRAM_BOT_TOKEN": "123456789:AA" + "C4n4ryTelegramBotTokenC4n4ryTel3",
    "RENDER_API_KEY": "rnd_" + "C4n4ryRenderKey00001",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiC4n4ryAWS00",
}
INNOCENT_ENV = {  # secrets in swarm's environment under names that say nothing
    "BUILD_FLAVOUR": CANARIES["stripe"], "REGION_HINT": CANARIES["jwt"], "SUPPORT_CONTACT": CANARIES["dsn"],
}
APP_ENV = {  # the app's own variables ([deploy] env), innocent names, secret values
    "GREETING_SEED": "q8Zr2LmPw4Xn7Vb1Kc9Td3", "PAYMENT_THING": CANARIES["google"], "CACHE_URL": CANARIES["url_password"],
}


def _split(value: str) -> str:
    """Python source that builds ``value`` at run time, so the literal never sits in the repository."""
    mid = len(value) // 2
    return f"{value[:mid]!r} + {value[mid:]!r}"


APP = "\n".join([
    "import os",
    "from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer",
    "print('config:', os.environ.get('GREETING_SEED'), os.environ.get('PAYMENT_THING'), os.environ.get('CACHE_URL'))",
    "print('env names:', ','.join(sorted(os.environ)))",
    *[f"print('loaded {name}:', {_split(value)})" for name, value in CANARIES.items() if name != "pem"],
    f"print({_split(CANARIES['pem'])})",
    "from broken import handler",
    "class H(BaseHTTPRequestHandler):",
    "    def do_GET(self):",
    "        self.send_response(200)",
    "        self.send_header('content-type', 'application/json')",
    "        self.end_headers()",
    "        self.wfile.write(b'{\"ok\": %d}' % handler())",
    "ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()",
    "",
])
BROKEN = "def handler(:\n    return 1\n"
FIX = {"summary": "close the parameter list of handler()", "confidence": 0.9,
       "edits": [{"path": "broken.py", "old": "def handler(:", "new": "def handler():"}]}


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch, real_redis_url: str) -> Iterator[tuple[FakeAnthropic, CaptureServer, str]]:
    llm, cap = FakeAnthropic(key=SWARM_SECRETS["ANTHROPIC_API_KEY"]), CaptureServer()
    cap.default = (201, {"content-type": "application/json"},
                   b'{"ok": true, "result": {"message_id": 1}, "html_url": "https://github.test/i/1", "number": 1, "id": 1}')
    prefix = f"canary-{os.getpid()}:"
    env = {**SWARM_SECRETS, **INNOCENT_ENV, "ANTHROPIC_BASE_URL": llm.url, "REDIS_URL": real_redis_url,
           "SWARM_REDIS_PREFIX": prefix, "SLACK_WEBHOOK_URL": f"{cap.url}/slack/T0C4N/B0C4N/c4n4rySlackHookPath",
           "DISCORD_WEBHOOK_URL": f"{cap.url}/discord/api/webhooks/123/c4n4ryDiscordHookPath",
           "TELEGRAM_CHAT_ID": "42", "TELEGRAM_API_BASE": cap.url, "SWARM_WEBHOOK_URL": f"{cap.url}/hook/c4n4ryHookPath",
           "GITHUB_REPOSITORY": "acme/app", "GITHUB_API_URL": cap.url}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield llm, cap, prefix
    import redis

    client = redis.Redis.from_url(real_redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    llm.close()
    cap.close()


def redis_dump(url: str, prefix: str) -> str:
    import redis

    client = redis.Redis.from_url(url)
    parts = []
    for key in client.scan_iter(f"{prefix}*"):
        kind = client.type(key).decode()
        if kind == "string":
            parts.append(client.get(key) or b"")
        elif kind == "hash":
            parts += [k + b"=" + v for k, v in client.hgetall(key).items()]
        elif kind == "stream":
            parts += [json.dumps({k.decode(): v.decode() for k, v in f.items()}).encode() for _, f in client.xrange(key)]
        elif kind == "set":
            parts += list(client.smembers(key))
        assert client.ttl(key) > 0, f"{key!r} never expires"
    return b"\n".join(parts).decode(errors="replace")


def test_no_secret_reaches_anything_swarm_stores_or_sends(tmp_path: Path, services: tuple[FakeAnthropic, CaptureServer, str],
                                                          real_redis_url: str, reliability) -> None:  # type: ignore[no-untyped-def]
    llm, cap, prefix = services
    llm.default = lambda body: tool_reply("propose_fix", FIX)
    toml = "[deploy]\n" + "".join(f"env.{k} = {json.dumps(v)}\n" for k, v in APP_ENV.items()) + \
        '[notify]\ntargets = ["slack", "discord", "telegram", "webhook", "github"]\n'
    repo, origin = make_app(tmp_path, {"app.py": APP, "broken.py": BROKEN, "Procfile": "web: python app.py\n",
                                       "requirements.txt": "", "swarm.toml": toml})
    assert main(["deploy", "--session", "canary", "--repo", str(repo), "--quiet"]) == 0
    assert len(swarm_commits(origin, "canary")) == 1
    assert llm.requests, "the model was asked"
    artifacts = Path(os.environ["SWARM_ARTIFACTS"])

    # the app ran with its own env, never swarm's (read from the platform's own store of its output)
    runtime = "\n".join(p.read_text(errors="replace") for p in (artifacts / "platform").rglob("runtime.log"))
    names_line = next(line for line in runtime.splitlines() if line.startswith("env names:"))
    leaked_names = [n for n in (*SWARM_SECRETS, *INNOCENT_ENV, "REDIS_URL", "SLACK_WEBHOOK_URL") if n in names_line.split(":", 1)[1].split(",")]
    assert leaked_names == [], leaked_names
    assert "GREETING_SEED" in names_line

    stored: dict[str, str] = {}
    for path in artifacts.rglob("*"):
        if path.is_file() and "platform" not in path.relative_to(artifacts).parts:
            stored[str(path.relative_to(artifacts))] = path.read_bytes().decode("latin-1")
    stored["redis"] = redis_dump(real_redis_url, prefix)
    stored["prompts"] = json.dumps([r["body"] for r in llm.requests])
    stored["notifications"] = json.dumps([r["body"] for r in cap.requests])
    for sha in swarm_commits(origin, "canary"):  # what swarm committed (the user's own commits hold their swarm.toml)
        stored[f"commit {sha[:12]}"] = subprocess.run(["git", "show", "--format=%H%n%B", sha], cwd=origin,
                                                      capture_output=True, text=True, check=True).stdout
    assert any(k.endswith("checkpoints.sqlite") for k in stored)
    assert cap.requests, "the notifiers sent something"

    secrets = {**{f"canary:{k}": v for k, v in CANARIES.items()}, **SWARM_SECRETS, **INNOCENT_ENV, **APP_ENV}
    secrets["url_password"] = "C4n4ryP4ss"
    hits = [(where, name) for where, text in stored.items() for name, value in secrets.items()
            if value in text or (name == "canary:pem" and "MIIC4n4ry" in text)]
    reliability.record(f"secret canary: {len(secrets)} values of {len(CANARIES)} shapes, scanned in {len(stored)} places",
                       completed=True, secrets_found=len(hits))
    assert hits == [], hits
    # and the prose survived: the report still reads as a report
    report = (artifacts / "sessions" / "canary" / "report.md").read_text()
    assert "healed" in report and "broken.py" in report
