"""Issue 10, fuzzing with hypothesis: the config loader, the analyzer, the LLM tool-input parsers and the diff
applier never raise anything but the project's own clear errors, whatever they are fed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.analyzer import analyze
from agents.llm_analyst import second_opinion
from agents.policy import Policy, diff_paths
from agents.ports import LLMReply
from agents.rules import load_rulebook
from agents.strategies.llm_patch import check_edits
from memory.errors import SwarmError
from memory.models import FailureReport, FixCandidate
from swarm.config import load_file_config
from swarm.gitws import GitWorkspace
from tests.conftest import make_app

BOOK = load_rulebook()
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SECTIONS = ["service", "deploy", "heal", "safety", "validate", "verify", "llm", "notify", "faults", "command", "render",
            "vercel", "digitalocean", "nosuch"]
KEYS = ["name", "platform", "branch", "env", "pass_env", "max_attempts", "candidates", "protected", "commands", "timeout_s",
        "targets", "health_timeout_s", "push", "branch_mode", "x"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True), st.text(max_size=30))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


def toml_value(v: Any) -> str:
    if v is None:
        return '""'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v) if v == v and abs(v) != float("inf") else "nan"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


@FUZZ
@given(st.dictionaries(st.sampled_from(SECTIONS), st.dictionaries(st.sampled_from(KEYS), values, max_size=5), max_size=5))
def test_config_loader_structured(tmp_path: Path, data: dict[str, dict[str, Any]]) -> None:
    text = "".join(f"[{s}]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in body.items()) for s, body in data.items())
    (tmp_path / "swarm.toml").write_text(text)
    try:
        load_file_config(tmp_path)
    except SwarmError as exc:
        assert str(exc) and "Traceback" not in str(exc)


@FUZZ
@given(st.binary(max_size=400))
def test_config_loader_bytes(tmp_path: Path, raw: bytes) -> None:
    (tmp_path / "swarm.toml").write_bytes(raw)
    try:
        load_file_config(tmp_path)
    except SwarmError:
        pass


error_lines = st.sampled_from([
    "ModuleNotFoundError: No module named 'x'", "Error: Cannot find module 'y'", "npm ERR! code ERESOLVE", "Killed",
    "Traceback (most recent call last):", "GET /q?e=ModuleNotFoundError: No module named 'z' HTTP/1.1",
    "\x1b[31mERROR\x1b[0m", "\r\rprogress 10%\r", "\x00\xff", "SyntaxError: invalid syntax", "KeyError: 'TOKEN'",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=120), error_lines), max_size=40), st.binary(max_size=200))
def test_analyzer_never_raises(lines: list[str], noise: bytes) -> None:
    for source in ("\n".join(lines), "\n".join(lines).encode("utf-8", "surrogatepass") + noise, noise):
        report = analyze(source, BOOK)
        assert report.category and 0 <= report.confidence <= 1


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40)),
                           lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=5)),
                           max_leaves=15)
edit = st.fixed_dictionaries({"path": st.one_of(st.sampled_from(["app.py", "../etc/passwd", "/etc/passwd", ".git/config",
                                                                  "link.py", "missing.py", ""]), st.text(max_size=20)),
                              "old": st.one_of(st.sampled_from(["print(1)", ""]), st.text(max_size=10)),
                              "new": st.text(max_size=20)})


@FUZZ
@given(st.one_of(json_values, st.fixed_dictionaries({"summary": st.text(max_size=20), "confidence": st.floats(),
                                                     "edits": st.lists(st.one_of(edit, json_values), max_size=4)})))
def test_llm_edit_parser_never_raises(tmp_path: Path, data: Any) -> None:
    (tmp_path / "app.py").write_text("print(1)\n")
    if not (tmp_path / "link.py").is_symlink():
        (tmp_path / "link.py").symlink_to("/etc/hostname")
    problems, contents = check_edits(tmp_path, data)
    assert problems or contents
    assert all(str(p).startswith(str(tmp_path.resolve())) for p in contents)


class Scripted:
    model = "fuzz"

    def __init__(self, tool_input: Any) -> None:
        self.tool_input = tool_input

    def call(self, system: str, messages: list[dict[str, Any]], tool: dict[str, Any]) -> LLMReply:
        return LLMReply(tool_input=self.tool_input, tool_use_id="t", text="", usage={})


@FUZZ
@given(st.one_of(json_values, st.fixed_dictionaries({"category": st.one_of(st.sampled_from(["missing_dependency", "unknown"]),
                                                                                              st.text(max_size=10)),
                                                     "entity": json_values, "root_cause_line": json_values,
                                                     "confidence": json_values, "explanation": json_values})))
def test_llm_diagnosis_parser_never_raises(tool_input: Any) -> None:
    report = FailureReport(category="unknown", fingerprint="f", confidence=0.2)
    out = second_opinion(Scripted(tool_input), BOOK, report, [], frozenset())  # type: ignore[arg-type]
    assert out.category


def test_diff_applier_only_raises_its_own_errors(tmp_path: Path) -> None:
    repo, _ = make_app(tmp_path, {"app.py": "print(1)\n", "requirements.txt": "flask\n"})
    ws = GitWorkspace(repo, "origin", "main", tmp_path / "work")
    tree = ws.checkout("fuzz", ws.remote_head())
    diffs = st.one_of(
        st.text(max_size=300),
        st.builds(lambda path, body: f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1 +1,2 @@\n{body}\n",
                  st.sampled_from(["app.py", "../outside.py", ".git/config", "requirements.txt", "x y.py"]), st.text(max_size=80)),
    )

    @FUZZ
    @given(diffs)
    def check(diff: str) -> None:
        try:
            ws.apply(tree, diff)
        except SwarmError:
            pass
        finally:
            ws._git("checkout", "-q", "--", ".", cwd=tree)
            ws._git("clean", "-fdq", cwd=tree)
        assert not (tmp_path / "outside.py").exists()
        paths = diff_paths(diff)
        Policy().check(FixCandidate(id="c", strategy="s", summary="s", diff=diff, files=sorted(paths)), "missing_dependency")

    try:
        check()
    finally:
        ws.discard(tree)


def test_regressions_found_by_fuzzing(tmp_path: Path) -> None:
    """An edit path with an embedded NUL raised ValueError from the path resolver (hypothesis found it)."""
    (tmp_path / "app.py").write_text("print(1)\n")
    problems, contents = check_edits(tmp_path, {"summary": "s", "confidence": 0.5,
                                                 "edits": [{"path": "app\x00.py", "old": "print(1)", "new": "x"}]})
    assert problems and not contents
