"""The analyzer never raises, whatever the bytes, and the fast path agrees with the Python engine."""

import io
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.analyzer import analyze
from agents.logsource import MAX_LINE, iter_lines, lines_from_binary
from agents.rules import load_rulebook
from swarm.fastscan import analyze_path

BOOK = load_rulebook()
FRAGMENTS = [b"ModuleNotFoundError: No module named 'x'\n", b"\r\n", b"\x1b[31m", b"\x00", b"\xff\xfe", b"\r",
             b"npm ERR! code ECONNRESET\n", b"KeyError: 'SECRET_KEY'\n", b"\n", b"EADDRINUSE :::3000\n"]
log_bytes = st.lists(st.one_of(st.binary(max_size=200), st.sampled_from(FRAGMENTS)), max_size=40).map(b"".join)


@settings(max_examples=200, deadline=None)
@given(log_bytes)
def test_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    r = analyze(io.BytesIO(data), BOOK)
    assert r.category and len(r.fingerprint) == 16 and len(r.evidence) <= 20


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(log_bytes)
def test_fast_path_agrees_with_python_engine(tmp_path: Path, data: bytes) -> None:
    f = tmp_path / "log.bin"
    f.write_bytes(data)
    slow = analyze(io.BytesIO(data), BOOK)
    for engine in ("hyperscan", "grep"):  # each pre-filter the machine has gives the Python engine's report
        os.environ["SWARM_SCANNER"] = engine
        try:
            fast = analyze_path(f, BOOK, force_fast=True)
        finally:
            del os.environ["SWARM_SCANNER"]
        assert (fast.category, fast.entity, fast.fingerprint) == (slow.category, slow.entity, slow.fingerprint), engine


def test_chunk_boundaries_and_long_lines() -> None:
    data = ("é" * 10 + "\n").encode() * 3 + b"x" * (5 * MAX_LINE) + b"\nlast"
    lines = list(lines_from_binary(io.BytesIO(data), chunk=7))  # splits multi-byte chars across chunks
    assert lines[:3] == ["é" * 10] * 3 and len(lines[3]) == MAX_LINE and lines[4] == "last"
    assert list(iter_lines("a\r\nb")) == ["a\r", "b"]


def test_crlf_redraws_and_colour_do_not_change_the_diagnosis() -> None:
    plain = analyze("Collecting x\nModuleNotFoundError: No module named 'yaml'\n", BOOK)
    noisy = analyze(b"Collecting x\r\n\x1b[1;31mModuleNotFoundError\x1b[0m: No module named 'yaml'\r\n", BOOK)
    assert (noisy.category, noisy.entity, noisy.fingerprint) == (plain.category, plain.entity, plain.fingerprint)
