"""`swarm doctor` makes one cheap real call to the LLM API (GET /v1/models?limit=1, no tokens) instead of saying
"configured" for a key and a base URL it never tried; against a fake Messages API over real HTTP."""

from __future__ import annotations

import pytest

from swarm.cli import main
from tests.fakes.anthropic import FakeAnthropic


def llm_line(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("llm "))


def test_doctor_calls_the_llm_api(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeAnthropic()
    try:
        monkeypatch.setenv("ANTHROPIC_API_KEY", fake.key)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        main(["doctor"])
        line = llm_line(capsys.readouterr().out)
        assert " ok " in line and "claude-sonnet-5" in line
        assert fake.requests[-1]["path"].startswith("/v1/models") and fake.requests[-1]["auth_ok"]
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-wrong-key-000000000000")
        assert main(["doctor"]) == 1
        assert "refused" in llm_line(capsys.readouterr().out)
    finally:
        fake.close()


def test_doctor_says_an_unreachable_llm_is_unreachable(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key-0123456789")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    assert main(["doctor"]) == 1
    line = llm_line(capsys.readouterr().out)
    assert "unreachable" in line and "sk-ant" not in line
