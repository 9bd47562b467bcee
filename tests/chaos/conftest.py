"""The chaos suite's shared recorder: each test says what fault it injected and what it found, so that
``scripts/reliability_report.py`` can tabulate real runs (set SWARM_RELIABILITY_LOG to collect them)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Recorder:
    test: str

    def record(self, fault: str, completed: bool, duplicate_pushes: int = 0, secrets_found: int = 0,
               orphans_left: int = 0) -> None:
        path = os.environ.get("SWARM_RELIABILITY_LOG")
        if not path:
            return
        row = {"test": self.test, "fault": fault, "completed": completed, "duplicate_pushes": duplicate_pushes,
               "secrets_found": secrets_found, "orphans_left": orphans_left}
        with open(Path(path), "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")


@pytest.fixture
def reliability(request: pytest.FixtureRequest) -> Recorder:
    return Recorder(request.node.nodeid)
