import json
import logging
import multiprocessing
from pathlib import Path

import pytest

from memory.learning import LearningState, LearningStore, StrategyStats


def _bump(path: str, n: int) -> None:
    store = LearningStore(Path(path))
    for _ in range(n):
        store.update(lambda s: s.strategy_stats.setdefault("c", {}).setdefault("retry", StrategyStats()).__setattr__(
            "tries", s.strategy_stats["c"]["retry"].tries + 1))


def test_concurrent_processes_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "deploy_learning_state.json"
    procs = [multiprocessing.get_context("fork").Process(target=_bump, args=(str(path), 25)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert LearningStore(path).load().stats("c", "retry").tries == 100
    assert not list(tmp_path.glob("*.tmp"))


def test_corrupt_file_is_moved_aside_and_named(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "deploy_learning_state.json"
    path.write_text("{not json")
    with caplog.at_level(logging.WARNING):
        state = LearningStore(path).load()
    assert state == LearningState()
    aside = list(tmp_path.glob("deploy_learning_state.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    assert str(aside[0]) in caplog.text


def test_unknown_keys_are_corrupt_not_silently_dropped(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"version": 1, "surprise": 1}))
    LearningStore(path).load()
    assert list(tmp_path.glob("s.json.corrupt-*"))


@pytest.mark.parametrize("content", [b"\xff\xfe\x00{not utf-8", b'{"version": 1, "known_fixes": "\xe9"}', b"[" * 100_000, b"[]"])
def test_any_unreadable_state_is_moved_aside_not_a_crash(tmp_path: Path, content: bytes) -> None:
    """Issue 10 #6: a non-UTF-8 (or absurdly nested, or wrongly shaped) learning state crashed every session."""
    path = tmp_path / "deploy_learning_state.json"
    path.write_bytes(content)
    state = LearningStore(path).load()
    assert state.known_fixes == {}
    aside = list(tmp_path.glob("deploy_learning_state.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == content  # nothing lost


def test_a_directory_in_place_of_the_state_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "deploy_learning_state.json"
    path.mkdir()
    LearningStore(path).update(lambda s: s.performance_map.update({"x": 1.0}))
    assert LearningStore(path).load().performance_map == {"x": 1.0}
    assert list(tmp_path.glob("deploy_learning_state.json.corrupt-*"))
