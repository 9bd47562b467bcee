"""Issue 10: secrets never stored in clear (shapes, values under innocent names, prose left alone), the app
never gets swarm's credentials, stored files are private, Redis keys expire, checkpoints are redacted or encrypted."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import fakeredis
import pytest

from memory.artifacts import SessionArtifacts
from memory.redact import MASK, Redactor, looks_secret
from memory.store import RedisCoordinationStore
from swarm.appenv import app_environment
from swarm.compose import app_env, build_redactor, secret_values
from swarm.config import EnvSettings, FileConfig

# one value of every shape the issue names (fake values, built so no scanner takes them for real ones)
CANARIES = {
    "stripe": "sk_live_" + "51Hc4nAry0000zzTest1234",
    "slack_webhook": "https://hooks.slack.com/services/" + "T0CANARY1/B0CANARY2/c4n4ryc4n4ryc4n4ry",
    "github": "ghp_" + "C4n4ryTokenC4n4ryTokenC4n4ryTok3n00",
    "anthropic": "sk-ant-" + "api03-c4n4ry-c4n4ry-c4n4ry",
    "aws_id": "AKIA" + "C4N4RYC4N4RY0000",
    "aws_secret": "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiC4n4ryKEY0",
    "google": "AIza" + "SyC4n4ry-C4n4ry_C4n4ry0123456789abc",
    "jwt": "eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiJjNG40cnkifQ." + "c4n4ry_SiGnAtUrE_0123456789",
    "pem": "-----BEGIN PRIVATE KEY-----\nMIIC4n4ryC4n4ryC4n4ry\n-----END PRIVATE KEY-----",
    "dsn": "https://" + "c4n4ryc4n4ryc4n4ry0123456789ab" + "@o12345.ingest.sentry.io/678",
    "url_password": "postgres://app:" + "C4n4ryP4ss" + "@db.internal:5432/app",
}


@pytest.mark.parametrize("name", sorted(CANARIES))
def test_every_secret_shape_is_masked_without_knowing_its_value(name: str) -> None:
    value = CANARIES[name]
    line = f"2026-11-30 app started with {value} loaded"
    out = Redactor()(line)
    secret_part = "C4n4ryP4ss" if name == "url_password" else value
    assert secret_part not in out and MASK in out, out


@pytest.mark.parametrize("line, secret", [
    ("STRIPE_KEY=sk_live_abcdefghij0123456789", "sk_live_abcdefghij0123456789"),
    ("DB_PASS=hunter2", "hunter2"),
    ("SESSION_SIGNING=9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c", "9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"),
    ('{"password": "hunter2xx"}', "hunter2xx"),
    ("apiKey: xYz12345AbC", "xYz12345AbC"),
    ("password: correct-horse-battery", "correct-horse-battery"),
    ("using signing key Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA=="),
    ("KeyError: 'sk_live_abcdefghij0123456789'", "sk_live_abcdefghij0123456789"),  # a value, not a constant's name
])
def test_key_like_names_mask_their_values(line: str, secret: str) -> None:
    assert secret not in Redactor()(line)


@pytest.mark.parametrize("prose", [
    "(a secret: never commit it)",
    "password: never",
    "the token is expired",
    "SyntaxError: Unexpected token 'export'",
    "KeyError: 'WEATHER_API_TOKEN'",
    "KeyError: 'PROVIDE_AUTOMATIC_OPTIONS'",  # a config key a library looked up, not a value under "Key"
    "raise KeyError(key) from None\nKeyError: 'SQLALCHEMY_DATABASE_URI_OPTIONS'",
    "set SECRET_KEY: required",
    "deploy dep-0001-abc1234 of 3f2a1b0c9d8e7f6a5b4c3f2a1b0c9d8e7f6a5b4c",
    "fingerprint: 3f2a1b0c9d8e7f6a",
    "ModuleNotFoundError: No module named 'yaml'",
    "npm error 404 Not Found - GET https://registry.npmjs.org/left-pad",
    "    SECRET_KEY = os_env['SOLARPI_SECRET']",
    "a1-llm_patch: auth/tokens.py: protected by 'auth/**'",
    "secrets.yaml: 3 keys",
    "const apiKey = process.env.API_KEY;",
    "npm ERR!     /home/travis/.npm/_logs/2019-07-24T21_35_45_914Z-debug.log",
    '  File "/home/travis/virtualenv/python3.4.2/lib/python3.4/site-packages/yapsy/PluginManager.py", line 488',
])
def test_prose_and_identifiers_are_not_mangled(prose: str) -> None:
    assert Redactor()(prose) == prose


def test_looks_secret_rejects_words_numbers_paths_and_shas() -> None:
    for plain in ("production", "12345678", "/usr/local/bin/python", "3f2a1b0c9d8e7f6a5b4c3f2a1b0c9d8e7f6a5b4c"):
        assert not looks_secret(plain)
    assert looks_secret("Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA")


def test_values_under_innocent_names_are_masked_by_value() -> None:
    environ = {"MY_THING": "q8Zr2LmPw4Xn7Vb1Kc9Td3", "SLACK_WEBHOOK_URL": "https://example.invalid/hook/abc123def",
               "DB_PASS": "hunter2", "HOME": "/root", "LANG": "C.UTF-8"}
    cfg = FileConfig.model_validate({"deploy": {"env": {"GREETING_SALT": "pepper-and-salt-42", "MODE": "production",
                                                        "WORKERS": "4"}, "pass_env": ["DB_PASS"]}})
    env = EnvSettings(SLACK_WEBHOOK_URL="https://example.invalid/hook/abc123def")  # type: ignore[arg-type]
    values = secret_values(env, cfg, environ)
    for v in ("q8Zr2LmPw4Xn7Vb1Kc9Td3", "https://example.invalid/hook/abc123def", "hunter2", "pepper-and-salt-42"):
        assert v in values
    assert "production" not in values and "4" not in values and "/root" not in values
    assert app_env(cfg, environ) == {"DB_PASS": "hunter2", "GREETING_SALT": "pepper-and-salt-42", "MODE": "production",
                                     "WORKERS": "4"}


def test_build_redactor_masks_swarms_own_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENDER_API_KEY", "render-key-value-123")
    monkeypatch.setenv("GITHUB_TOKEN", "plain-looking-token")
    env = EnvSettings()
    red = build_redactor(env, FileConfig())
    assert red("key render-key-value-123 and plain-looking-token") == f"key {MASK} and {MASK}"


def test_the_app_never_receives_swarms_credentials() -> None:
    environ = {"PATH": "/usr/bin", "HOME": "/home/u", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PIP_INDEX_URL": "http://idx",
               "ANTHROPIC_API_KEY": "a", "GITHUB_TOKEN": "b", "RENDER_API_KEY": "c", "AWS_ACCESS_KEY_ID": "d",
               "AWS_SECRET_ACCESS_KEY": "e", "REDIS_URL": "redis://x", "PIP_PASSWORD": "f", "DATABASE_URL": "g"}
    out = app_environment({"APP_MODE": "prod"}, passthrough=["DATABASE_URL"], environ=environ)
    assert out == {"PATH": "/usr/bin", "HOME": "/home/u", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                   "PIP_INDEX_URL": "http://idx", "DATABASE_URL": "g", "APP_MODE": "prod"}


def test_session_files_are_private(tmp_path: Path) -> None:
    art = SessionArtifacts(tmp_path, "s1").ensure()
    art.write_json("final_state.json", {"a": 1})
    art.append_event({"kind": "x"})
    art.append_log("swarm_output.log", "line")
    db = art.private_file("checkpoints.sqlite")
    assert stat.S_IMODE(os.stat(art.dir).st_mode) == 0o700
    for name in ("final_state.json", "events.jsonl", "swarm_output.log"):
        assert stat.S_IMODE(os.stat(art.path(name)).st_mode) == 0o600, name
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600


def test_store_keys_expire() -> None:
    client = fakeredis.FakeRedis()
    store = RedisCoordinationStore(client, prefix="t:", ttl_s=120)
    store.put_session("s", {"status": "x"})
    store.put_agent_output("s", "monitor", {"log": "y"})
    store.append_event("s", {"kind": "z"})
    for key in ("t:session:s", "t:session:s:agent:monitor", "t:session:s:events", "t:sessions"):
        assert 0 < client.ttl(key) <= 120, key
    client.delete("t:session:s")
    assert store.list_sessions() == []  # an expired session leaves the index


def test_checkpoints_are_redacted_and_encrypted_when_a_key_is_set() -> None:
    from graph.serde import checkpoint_serde
    from memory.models import DeployLogs

    red = Redactor(["the-app-secret-value"])
    logs = DeployLogs(build="ok", runtime="boot with the-app-secret-value and " + CANARIES["stripe"])
    plain_serde = checkpoint_serde(red)
    _, data = plain_serde.dumps_typed({"logs": logs, "notes": ["the-app-secret-value"]})
    assert b"the-app-secret-value" not in data and CANARIES["stripe"].encode() not in data
    back = plain_serde.loads_typed(plain_serde.dumps_typed({"logs": logs}))
    assert isinstance(back["logs"], DeployLogs) and MASK in back["logs"].runtime
    enc = checkpoint_serde(red, key="00" * 32)
    kind, blob = enc.dumps_typed({"logs": logs})
    assert "aes" in kind and b"boot with" not in blob
    assert enc.loads_typed((kind, blob))["logs"].runtime == back["logs"].runtime


def test_a_bad_checkpoint_key_is_a_clear_error() -> None:
    from graph.serde import checkpoint_serde
    from memory.errors import ConfigError

    with pytest.raises(ConfigError, match="16, 24 or 32 bytes"):
        checkpoint_serde(Redactor(), key="short")


def test_the_working_directory_is_not_a_password() -> None:
    """PWD names the shell's working directory; masking it hid every path under the repository in reports."""
    from swarm.compose import secret_values
    from swarm.config import FileConfig, load_env

    values = secret_values(load_env(), FileConfig(), {"PWD": "/work/main", "OLDPWD": "/home/me", "DB_PWD": "hunter2-long-enough"})
    assert "/work/main" not in values and "/home/me" not in values
    assert "hunter2-long-enough" in values


def test_the_command_that_started_swarm_and_relative_paths_are_not_secrets() -> None:
    """The shell puts the command's path in ``_`` (``.venv/bin/python``): masking it turned every interpreter path in
    a build log into [REDACTED]."""
    from swarm.compose import secret_values
    from swarm.config import FileConfig, load_env

    values = secret_values(load_env(), FileConfig(), {"_": ".venv/bin/python", "TOOL": "node_modules/.bin/vite-plugin",
                                                       "AWS_SECRET": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})
    assert ".venv/bin/python" not in values and "node_modules/.bin/vite-plugin" not in values
    assert "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" in values
    assert looks_secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") and not looks_secret(".venv/bin/python")
