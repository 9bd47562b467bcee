"""The Anthropic adapter and the LLM strategies against a real HTTP fake of the Messages API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agents.llm_analyst import second_opinion
from agents.rules import load_rulebook
from agents.strategies import StrategyDeclined, Tools
from agents.strategies.llm_patch import TOOL, llm_patch
from memory.errors import LLMError
from memory.models import EvidenceLine, FailureReport
from memory.redact import Redactor
from swarm.llm import AnthropicLLM, TokenBudget
from tests.fakes.anthropic import FakeAnthropic, error_reply, tool_reply

BOOK = load_rulebook()


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    f = FakeAnthropic()
    yield f
    f.close()


def make_llm(fake: FakeAnthropic, tmp_path: Path, budget: int = 100_000, secrets: tuple[str, ...] = ()) -> AnthropicLLM:
    return AnthropicLLM(fake.key, "claude-sonnet-test", 1024, TokenBudget(budget), tmp_path / "llm_calls.jsonl",
                        Redactor(secrets), base_url=fake.url, max_retries=2)


def test_call_records_usage_caches_system_and_redacts(fake: FakeAnthropic, tmp_path: Path) -> None:
    fake.script = [tool_reply("propose_fix", {"category": "syntax_error"})]
    llm = make_llm(fake, tmp_path, secrets=("hunter2-db-password",))
    reply = llm.call("system prompt with hunter2-db-password", [{"role": "user", "content": "token ghp_" + "a" * 36}], TOOL)
    assert reply.tool_input == {"category": "syntax_error"}
    req = fake.requests[0]
    assert req["auth_ok"] and req["body"]["tool_choice"] == {"type": "tool", "name": "propose_fix"}
    assert req["body"]["system"][0]["cache_control"] == {"type": "ephemeral"}
    sent = json.dumps(req["body"])
    assert "hunter2-db-password" not in sent and "ghp_aaaa" not in sent and "[REDACTED]" in sent
    rec = json.loads((tmp_path / "llm_calls.jsonl").read_text().splitlines()[0])
    assert rec["input_tokens"] == 120 and rec["output_tokens"] == 40 and rec["cache_read_input_tokens"] == 80 and rec["cost_usd"] > 0


@pytest.mark.parametrize("status", [429, 529])
def test_retries_on_429_and_529_honouring_retry_after(fake: FakeAnthropic, tmp_path: Path, status: int) -> None:
    fake.script = [error_reply(status, "slow down", {"retry-after": "0"}), tool_reply("propose_fix", {"x": 1})]
    assert make_llm(fake, tmp_path).call("s", [{"role": "user", "content": "u"}], TOOL).tool_input == {"x": 1}
    assert len(fake.requests) == 2


def test_budget_exhausted_is_an_llm_error_without_a_request(fake: FakeAnthropic, tmp_path: Path) -> None:
    with pytest.raises(LLMError, match="budget"):
        make_llm(fake, tmp_path, budget=100).call("s", [{"role": "user", "content": "u"}], TOOL)
    assert fake.requests == []


def test_api_errors_become_llm_errors(fake: FakeAnthropic, tmp_path: Path) -> None:
    fake.script = [error_reply(400, "bad request")]
    with pytest.raises(LLMError, match="400"):
        make_llm(fake, tmp_path).call("s", [{"role": "user", "content": "u"}], TOOL)


def broken_app(tmp_path: Path) -> tuple[Path, FailureReport]:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "app.py").write_text("import os\n\ndef main(:\n    print('hi')\n")
    (tree / "requirements.txt").write_text("")
    report = FailureReport(category="syntax_error", entity="app.py", root_cause="SyntaxError: invalid syntax",
                           evidence=[EvidenceLine(line=3, text='  File "/app/app.py", line 3'),
                                     EvidenceLine(line=4, text="SyntaxError: invalid syntax")])
    return tree, report


GOOD = {"summary": "fix the def", "confidence": 0.9, "edits": [{"path": "app.py", "old": "def main(:", "new": "def main():"}]}


def test_llm_patch_applies_a_good_fix_and_sends_the_named_file(fake: FakeAnthropic, tmp_path: Path) -> None:
    tree, report = broken_app(tmp_path)
    fake.script = [tool_reply("propose_fix", GOOD)]
    result = llm_patch(report, tree, Tools(None, llm=make_llm(fake, tmp_path)))  # type: ignore[arg-type]
    assert "def main():" in (tree / "app.py").read_text() and result.params["files"] == ["app.py"]
    assert "def main(:" in fake.requests[0]["body"]["messages"][0]["content"]  # the file named in the evidence was sent
    assert "untrusted data" in fake.requests[0]["body"]["system"][0]["text"]


def test_bad_edit_then_good_one_with_the_reason_told(fake: FakeAnthropic, tmp_path: Path) -> None:
    tree, report = broken_app(tmp_path)
    bad = {"summary": "x", "confidence": 0.5, "edits": [{"path": "app.py", "old": "def mian(:", "new": "def main():"}]}
    outside = {"summary": "x", "confidence": 0.5, "edits": [{"path": "../etc/passwd", "old": "a", "new": "b"}]}
    fake.script = [tool_reply("propose_fix", bad), tool_reply("propose_fix", outside), tool_reply("propose_fix", GOOD)]
    llm_patch(report, tree, Tools(None, llm=make_llm(fake, tmp_path)))  # type: ignore[arg-type]
    turn2 = fake.requests[1]["body"]["messages"][-1]["content"][0]
    assert turn2["is_error"] and "occurs 0 times in app.py" in turn2["content"]
    assert "outside the repository" in fake.requests[2]["body"]["messages"][-1]["content"][0]["content"]
    assert "def main():" in (tree / "app.py").read_text()


def test_malformed_input_three_times_is_declined_and_nothing_written(fake: FakeAnthropic, tmp_path: Path) -> None:
    tree, report = broken_app(tmp_path)
    fake.default = lambda body: tool_reply("propose_fix", {"summary": "no edits"})
    with pytest.raises(StrategyDeclined, match="2 repair turns"):
        llm_patch(report, tree, Tools(None, llm=make_llm(fake, tmp_path)))  # type: ignore[arg-type]
    assert len(fake.requests) == 3 and "def main(:" in (tree / "app.py").read_text()


def test_no_llm_or_no_budget_declines_cleanly(fake: FakeAnthropic, tmp_path: Path) -> None:
    tree, report = broken_app(tmp_path)
    with pytest.raises(StrategyDeclined, match="ANTHROPIC_API_KEY"):
        llm_patch(report, tree, Tools(None))  # type: ignore[arg-type]
    with pytest.raises(StrategyDeclined, match="budget"):
        llm_patch(report, tree, Tools(None, llm=make_llm(fake, tmp_path, budget=10)))  # type: ignore[arg-type]


def test_analyzer_second_opinion_keeps_both(fake: FakeAnthropic, tmp_path: Path) -> None:
    rules = FailureReport(category="unknown", confidence=0.2, summary="no rule matched",
                          evidence=[EvidenceLine(line=7, text="Worker failed to boot: missing STRIPE_KEY")])
    fake.script = [tool_reply("report_failure", {"category": "missing_env_var", "entity": "STRIPE_KEY", "root_cause_line": 7,
                                                 "confidence": 0.8, "explanation": "the worker needs STRIPE_KEY"})]
    r = second_opinion(make_llm(fake, tmp_path), BOOK, rules, [], frozenset({"missing_env_var"}))
    assert (r.category, r.entity, r.source, r.auto_fixable) == ("missing_env_var", "STRIPE_KEY", "llm", False)
    assert [o["source"] for o in r.opinions] == ["rules", "llm"] and r.decision.startswith("llm")
    fake.script = [tool_reply("report_failure", {"category": "not-a-category", "entity": None, "root_cause_line": 1,
                                                 "confidence": 2, "explanation": ""}),
                   tool_reply("report_failure", {"category": "disk_space", "entity": None, "root_cause_line": 7,
                                                 "confidence": 0.1, "explanation": "guess"})]
    r = second_opinion(make_llm(fake, tmp_path), BOOK, rules, [], frozenset())
    assert r.category == "unknown" and r.decision.startswith("rules") and len(fake.requests) == 3
