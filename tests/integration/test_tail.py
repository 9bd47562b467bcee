"""`swarm tail` follows a session as it runs: from events.jsonl, and from the coordination store's stream on a real
Redis (a session of another machine); it is never silent for more than 5 s and ends at the session's outcome."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from swarm.cli import main
from swarm.procs import write_pid_record


def session_folder(name: str) -> Path:
    folder = Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / name
    folder.mkdir(parents=True)
    return folder


EVENTS = [
    {"kind": "deploy_started", "deploy": "dep-1", "sha": "a" * 40, "deploy_kind": "initial"},
    {"kind": "analyzed", "category": "missing_dependency", "entity": "PyYAML", "auto_fixable": True},
    {"kind": "done", "outcome": "healed", "reason": "live and healthy", "deploys": 2, "by_swarm": 1, "by_push": 1},
]


def test_tail_follows_a_running_session_from_its_events_file(capsys: pytest.CaptureFixture[str]) -> None:
    folder = session_folder("live")
    write_pid_record(folder / "pid", os.getpid(), session="live")  # "running": this very process
    (folder / "events.jsonl").write_text("")

    def writer() -> None:
        for event in EVENTS:
            time.sleep(0.3)  # the session's pace, not the test's: tail waits on the file's growth
            with open(folder / "events.jsonl", "a") as fh:
                fh.write(json.dumps({"ts": time.time(), **event}) + "\n")

    thread = threading.Thread(target=writer)
    thread.start()
    assert main(["tail", "live", "--timeout", "60", "--poll", "0.05"]) == 0
    thread.join()
    out = capsys.readouterr().out
    assert "analyzer: missing_dependency (PyYAML)" in out and "done: healed after 2 deploys" in out


def test_tail_says_when_a_session_stopped_without_an_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    folder = session_folder("dead")
    (folder / "events.jsonl").write_text(json.dumps({"ts": time.time(), **EVENTS[0]}) + "\n")
    (folder / "ended.json").write_text(json.dumps({"how": "crashed: RuntimeError"}))
    assert main(["tail", "dead", "--poll", "0.05"]) == 1
    out = capsys.readouterr().out
    assert "ended without an outcome (crashed: RuntimeError)" in out and "--resume" in out


def test_tail_reads_another_machines_session_from_the_store(real_redis_url: str, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from memory.store import open_store

    prefix = f"swarm-test-tail-{os.getpid()}:"
    monkeypatch.setenv("REDIS_URL", real_redis_url)
    monkeypatch.setenv("SWARM_REDIS_PREFIX", prefix)
    store = open_store(real_redis_url, prefix=prefix)
    for event in EVENTS:
        store.append_event("elsewhere", {"ts": time.time(), **event})
    assert main(["tail", "elsewhere", "--timeout", "60", "--poll", "0.05"]) == 0  # no session folder here at all
    out = capsys.readouterr().out
    assert "from the coordination store" in out and "done: healed" in out
