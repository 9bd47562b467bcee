"""Issue 10 #5: text a client sent (a URL, a request line, an access log's path) never outranks the real
exception, and the evidence holds the winning line's whole traceback."""

from __future__ import annotations

import pytest

from agents.analyzer import analyze
from agents.rules import load_rulebook
from swarm.fastscan import analyze_path

BOOK = load_rulebook()
TRACE = [
    "Traceback (most recent call last):",
    *[f'  File "/app/views/level{i}.py", line {i + 3}, in handler{i}\n    return handler{i + 1}(request)' for i in range(14)],
    '  File "/app/views/stats.py", line 9, in ratio',
    "    return hits / total",
    "ZeroDivisionError: division by zero",
]
ECHOES = [
    '127.0.0.1 - - [30/Nov/2026 10:00:00] "GET /search?q=ModuleNotFoundError: No module named \'colorama\' HTTP/1.1" 200 -',
    "INFO:     127.0.0.1:50412 - \"GET /q?x=Error: Cannot find module 'left-pad' HTTP/1.1\" 404 Not Found",
    'at=info method=GET path="/?err=ModuleNotFoundError: No module named \'colorama\'" host=app.example status=200',
    "GET /search?q=ModuleNotFoundError: No module named 'colorama' 200 3.1 ms - 12",
    "fetching https://example.invalid/ModuleNotFoundError:%20No%20module%20named%20colorama",
]


@pytest.mark.parametrize("echo", ECHOES)
def test_an_echoed_error_does_not_beat_the_real_traceback(echo: str) -> None:
    log = "\n".join(["booting", echo, "serving", *"\n".join(TRACE).splitlines()]) + "\n"
    report = analyze(log, BOOK)
    assert report.category == "runtime_error", report.summary
    assert "colorama" not in (report.entity or "") and "left-pad" not in (report.entity or "")
    texts = [e.text for e in report.evidence]
    assert texts[0] == "Traceback (most recent call last):" and texts[-1].startswith("ZeroDivisionError") or \
        "Traceback (most recent call last):" in texts and any("ZeroDivisionError" in t for t in texts)


def test_an_echo_alone_is_not_a_diagnosis() -> None:
    log = ECHOES[0] + "\nserver stopped\n"
    assert analyze(log, BOOK).category == "unknown"


def test_a_real_error_naming_a_url_still_counts() -> None:
    log = ("npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/left-padx - Not found\n"
           "npm error 404  'left-padx@*' is not in this registry.\n")
    assert analyze(log, BOOK).rule_id == "npm-registry-404"  # the rule hit starts before the URL: it counts


def test_evidence_reaches_back_to_the_traceback_head_on_both_engines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = "\n".join(["noise"] * 50 + "\n".join(TRACE).splitlines() + ["after"] * 3) + "\n"
    path = tmp_path / "big.log"
    path.write_text(log)
    slow = analyze(log, BOOK)
    fast = analyze_path(path, BOOK, force_fast=True)
    assert slow.evidence == fast.evidence
    assert slow.evidence[0].text == "Traceback (most recent call last):"
