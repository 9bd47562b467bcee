"""The large-file scanners give the Python engine's report: every corpus log, cut into blocks and ranges far smaller
than the real ones so that every boundary case (a line across blocks, a range split, a repeated line in two
ranges) happens many times. The ranges after the first are scanned by real helper processes."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

from agents.analyzer import analyze
from agents.rules import load_rulebook
from swarm import fastscan
from swarm.fastscan import analyze_path

BOOK = load_rulebook()
DATA = Path(__file__).resolve().parents[1] / "data"


def _logs() -> list[Path]:
    out = []
    for corpus in ("corpus", "real_logs"):
        labels = [json.loads(x) for x in (DATA / corpus / "labels.jsonl").read_text().splitlines() if x.strip()]
        out += [DATA / corpus / "logs" / lab["file"] for lab in labels]
    return out


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    from swarm import scanrange

    monkeypatch.setattr(scanrange, "BLOCK", 512)
    monkeypatch.setenv("SWARM_SCAN_BLOCK", "512")  # the helper processes read it
    monkeypatch.setattr(fastscan, "_workers", lambda size: 3 if size > 1024 else 1)


@pytest.mark.parametrize("engine", ["hyperscan", "grep"])
def test_every_corpus_log_gets_the_python_engines_report(engine: str, small_blocks: None, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    if engine == "hyperscan":
        pytest.importorskip("hyperscan")
    monkeypatch.setenv("SWARM_SCANNER", engine)
    rng = random.Random(5)
    logs = _logs()
    noise = [line for p in rng.sample(logs, 20) for line in p.read_bytes().splitlines(keepends=True)
             if analyze(line, BOOK).category == "unknown"]
    for log in rng.sample(logs, 30):
        body = log.read_bytes()
        padded = tmp_path / "padded.log"  # the cause after repeated noise: lines judged once, numbers still right
        padded.write_bytes(b"".join(rng.choices(noise, k=300)) + body)
        for path in (log, padded):
            data = path.read_bytes()
            slow = analyze(io.BytesIO(data), BOOK)
            fast = analyze_path(path, BOOK, force_fast=True)
            assert (fast.category, fast.entity, fast.fingerprint, fast.root_line) == \
                (slow.category, slow.entity, slow.fingerprint, slow.root_line), (engine, log.name, path.name)
            if slow.rule_id not in (None, "keyword-fallback"):
                assert [e.line for e in fast.evidence] == [e.line for e in slow.evidence], (engine, log.name)


def test_scanner_choice_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWARM_SCANNER", "python")
    assert fastscan.scanner() == "python"
    monkeypatch.setenv("SWARM_SCANNER", "grep")
    assert fastscan.scanner() == "grep"


@pytest.mark.parametrize("engine", ["hyperscan", "grep"])
def test_a_line_longer_than_a_block_is_judged_by_its_head_as_the_line_reader_keeps_it(
        engine: str, small_blocks: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if engine == "hyperscan":
        pytest.importorskip("hyperscan")
    monkeypatch.setenv("SWARM_SCANNER", engine)
    from agents.logsource import MAX_LINE

    cases = {
        "cause at the head": "ModuleNotFoundError: No module named 'yaml' " + "x" * 20_000 + "\nnext line\n",
        "cause past the cut": "y" * (MAX_LINE + 10) + " ModuleNotFoundError: No module named 'yaml'\nnext line\n",
        "cause on the line after": "z" * 5_000 + "\nModuleNotFoundError: No module named 'yaml'\n",
    }
    for name, text in cases.items():
        path = tmp_path / "long.log"
        path.write_text(text)
        fast = analyze_path(path, BOOK, force_fast=True)
        slow = analyze(text, BOOK)
        assert (fast.category, fast.entity, fast.root_line) == (slow.category, slow.entity, slow.root_line), name
