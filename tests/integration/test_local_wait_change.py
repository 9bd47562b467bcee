"""The local platform's ``wait_change``: the monitor waits on the deploy's record, not on a backoff step."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from memory.atomic import write_atomic
from swarm.platforms.local import LocalPlatform


def record(tmp_path: Path, status: str) -> tuple[LocalPlatform, Path]:
    plat = LocalPlatform(repo=tmp_path, state_dir=tmp_path / "state")
    ddir = tmp_path / "state" / "deploys" / "dep-0001-abc1234"
    ddir.mkdir(parents=True)
    meta = ddir / "meta.json"
    meta.write_text(json.dumps({"id": ddir.name, "sha": "abc1234", "status": status}))
    return plat, meta


def test_a_status_change_ends_the_wait(tmp_path: Path) -> None:
    plat, meta = record(tmp_path, "building")
    started = threading.Event()

    def worker() -> None:  # what the deploy worker does when the build ends
        started.wait(30)
        write_atomic(meta, json.dumps({"id": "dep-0001-abc1234", "sha": "abc1234", "status": "build_failed"}))

    t = threading.Thread(target=worker)
    t.start()
    began = time.monotonic()
    started.set()
    plat.wait_change("dep-0001-abc1234", 120.0)
    waited = time.monotonic() - began
    t.join()
    assert plat.status("dep-0001-abc1234").status == "build_failed"
    assert waited < 120.0  # it returned on the change, not at the end of the window


def test_without_a_change_the_wait_ends_at_its_limit(tmp_path: Path) -> None:
    plat, _ = record(tmp_path, "building")
    began = time.monotonic()
    plat.wait_change("dep-0001-abc1234", 0.1)
    assert time.monotonic() - began >= 0.1
