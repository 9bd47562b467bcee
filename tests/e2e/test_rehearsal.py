"""Rehearsals (graph/rehearsal.py) on the real local platform: real builds, real processes, real git."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from swarm.bench import modelled
from swarm.cli import main
from tests.conftest import git, make_app, sample_app, swarm_commits

pytestmark = pytest.mark.slow
ON = '[validate]\nrehearse = "on"\n'


def server(port: str) -> str:
    """A stdlib web app answering JSON health on ``port`` (a Python expression)."""
    return ("import os\nfrom http.server import BaseHTTPRequestHandler, HTTPServer\n\n"
            "class H(BaseHTTPRequestHandler):\n    def do_GET(self):\n        self.send_response(200)\n"
            "        self.send_header('Content-Type', 'application/json')\n        self.end_headers()\n"
            "        self.wfile.write(b'{\"ok\": true}')\n\n"
            f"HTTPServer(('0.0.0.0', {port}), H).serve_forever()\n")


def session_dir(name: str) -> Path:
    return Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / name


def events(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (session_dir(name) / "events.jsonl").read_text().splitlines()]


def test_the_fix_is_proposed_and_proven_while_the_platform_deploys_and_then_pushed(tmp_path: Path) -> None:
    files = {p.name: p.read_text() for p in sample_app(tmp_path, "probe")[0].iterdir() if p.is_file()}
    repo, origin = make_app(tmp_path, {**files, "swarm.toml": ON})  # the local platform rehearses only when asked
    assert main(["deploy", "--session", "rehearsed", "--repo", str(repo), "--quiet"]) == 0
    seen = events("rehearsed")
    kinds = [e["kind"] for e in seen]
    # started with the first deploy, before the platform's verdict was monitored
    assert kinds.index("rehearsal_started") < kinds.index("monitored") < kinds.index("rehearsal_used")
    used = next(e for e in seen if e["kind"] == "rehearsal_used")
    assert used["candidates"] and used["head_start_s"] > 0
    validated = [e for e in seen if e["kind"] == "validated"]
    assert validated and all(e.get("rehearsed") for e in validated)  # nothing proven twice
    timings = json.loads((session_dir("rehearsed") / "timings.json").read_text())
    first = timings["rehearsals"][0]
    assert first["used"] and first["outcome"] == "prepared" and first["category"] == "missing_dependency"
    # the fix deploy's commit was proven by the sandbox already: it is not rehearsed again
    assert len(timings["rehearsals"]) == 1
    final = json.loads((session_dir("rehearsed") / "final_state.json").read_text())
    assert final["outcome"]["kind"] == "healed" and len(final["deploys"]) == 2
    assert len(swarm_commits(origin, "rehearsed")) == 1 and "PyYAML" in git(origin, "show", "main:requirements.txt")
    # the validator's result of the rehearsal is the one the session recorded and the commit message quotes
    assert any(v["passed"] and any(c["name"] == "start-and-health" for c in v["checks"]) for v in final["validations"])


def test_a_failure_only_the_platform_shows_discards_the_rehearsal(tmp_path: Path) -> None:
    """The platform's build hits a registry error the sandbox does not: the platform's diagnosis decides."""
    repo, origin = make_app(tmp_path, {"app.py": server("int(os.environ['PORT'])"), "Procfile": "web: python app.py\n", "requirements.txt": "",
                                       "swarm.toml": ON + "[faults]\nbuild_network_errors = 1\n"})
    assert main(["deploy", "--session", "flaky", "--repo", str(repo), "--quiet"]) == 0
    kinds = [e["kind"] for e in events("flaky")]
    assert "rehearsal_started" in kinds and "rehearsal_used" not in kinds
    final = json.loads((session_dir("flaky") / "final_state.json").read_text())
    assert final["outcome"]["kind"] == "healed" and final["report"]["category"] == "network_transient"
    timings = json.loads((session_dir("flaky") / "timings.json").read_text())
    assert [r["used"] for r in timings["rehearsals"]] == [False]
    assert timings["rehearsals"][0]["outcome"] in ("healthy", "canceled")  # it never stopped the redeploy


def test_by_default_a_deploy_on_this_machine_is_not_rehearsed(tmp_path: Path) -> None:
    """``auto``: the local platform's deploy is itself the build a rehearsal would run, on the same cores."""
    repo, _ = sample_app(tmp_path)
    assert main(["deploy", "--session", "plain", "--repo", str(repo), "--quiet"]) == 0
    kinds = [e["kind"] for e in events("plain")]
    assert "rehearsal_started" not in kinds and "validated" in kinds
    final = json.loads((session_dir("plain") / "final_state.json").read_text())
    assert final["outcome"]["kind"] == "healed"


def test_the_cost_model_counts_only_the_wait_a_hosted_deploy_would_not_hide() -> None:
    row = {"swarm_seconds": 3.0, "deploys": 2, "rehearsals": [{"wait_s": 2.0, "head_start_s": 1.0}]}
    assert modelled(row, 180) == 361.0  # the 2 s wait fits in a 180 s deploy
    assert modelled(row, 2.5) == 6.5  # a 2.5 s deploy hides 1.5 s of the wait: 3 - 2 + 0.5 + 2 × 2.5
    assert modelled({"swarm_seconds": 3.0, "deploys": 2}, 180) == 363.0


def test_on_the_platforms_own_host_the_rehearsal_starts_no_app_before_the_verdict(tmp_path: Path) -> None:
    """An app with a hard-coded port: a rehearsal starting it while the local platform runs it would take the port
    from the platform's app (a port_conflict swarm caused). The platform must see the app's own failure."""
    repo, origin = make_app(tmp_path, {"app.py": server("18473"), "Procfile": "web: python app.py\n", "requirements.txt": "",
                                       "swarm.toml": ON})
    assert main(["deploy", "--session", "hardport", "--repo", str(repo), "--quiet"]) == 0
    final = json.loads((session_dir("hardport") / "final_state.json").read_text())
    assert final["outcome"]["kind"] == "healed" and len(final["deploys"]) == 2
    analyzed = [e for e in events("hardport") if e["kind"] == "analyzed"]
    assert [e["category"] for e in analyzed] == ["port_binding"]
    assert "rehearsal_used" in [e["kind"] for e in events("hardport")]
