"""What a person must do, when swarm prepared a fix its safety policy does not let it apply."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agents.analyzer import analyze
from agents.reporter import action_required, render
from agents.rules import load_rulebook
from memory.models import FailureReport, FixCandidate, Outcome, SwarmState, TriedFix, ValidationResult


def test_a_fix_the_policy_refused_is_offered_to_the_person() -> None:
    cand = FixCandidate(id="a1-fix_import_path", strategy="fix_import_path", summary="import ./stripe-client instead of ./stripe-clinet",
                        diff="diff --git a/src/payments/charge.js b/src/payments/charge.js\n")
    val = ValidationResult(candidate_id=cand.id, passed=False, policy_ok=False,
                           policy_reasons=["src/payments/charge.js: protected by '**/payment*/**'"])
    state = SwarmState(session_id="s", service="shop", branch="main", initial_sha="a" * 40,
                       report=FailureReport(category="import_error", entity="./stripe-clinet"),
                       tried=[TriedFix(attempt=1, fingerprint="f", category="import_error", candidate=cand, validation=val, result="rejected")],
                       outcome=Outcome(kind="escalated", reason="no candidate passed validation"))
    text = action_required(state)
    assert "./stripe-clinet" in text and "safety policy keeps for a person" in text and "protected by '**/payment*/**'" in text
    assert "git apply" in text


def test_a_syntax_error_names_the_file_to_fix() -> None:
    state = SwarmState(session_id="s", service="cat", branch="main", initial_sha="a" * 40,
                       report=FailureReport(category="syntax_error", entity="config.json"),
                       outcome=Outcome(kind="escalated", reason="syntax_error is LLM only"))
    assert "Fix the syntax error in `config.json`" in action_required(state)
    state = state.model_copy(update={"report": FailureReport(category="syntax_error")})
    assert "`?`" not in action_required(state)


def _stacked(shipped: bool) -> SwarmState:
    platform = FailureReport(category="runtime_error", entity="app.py", fingerprint="p1",
                             root_cause="AttributeError: module 'jwt' has no attribute 'encode'")
    revealed = FailureReport(category="missing_dependency", entity="setuptools", fingerprint="r1", summary="rule py-module-not-found")
    bottom = FixCandidate(id="a1-cap_new_major", strategy="cap_new_major", summary="declare jwt<1 in requirements.txt")
    top = FixCandidate(id="a1-cap_new_major+add_dependency", strategy="add_dependency", summary="add setuptools")
    val = ValidationResult(candidate_id=top.id, passed=shipped)
    tried = ([TriedFix(attempt=1, fingerprint="p1", category="runtime_error", candidate=bottom, commit="c" * 40),
              TriedFix(attempt=1, fingerprint="r1", category="missing_dependency", candidate=top, validation=val, commit="c" * 40)]
             if shipped else
             [TriedFix(attempt=1, fingerprint="r1", category="missing_dependency", candidate=top, validation=val, result="rejected")])
    return SwarmState(session_id="s", service="web", branch="main", initial_sha="b" * 40, report=revealed,
                      platform_report=platform, stack=bottom, stack_report=platform, tried=tried,
                      outcome=Outcome(kind="healed" if shipped else "escalated", reason="-"))


def test_a_stacked_fix_that_did_not_ship_is_reported_as_not_pushed() -> None:
    state = _stacked(shipped=False)
    text = action_required(state)
    assert "category `runtime_error`" in text  # the failure the deploy showed, not the one the sandbox found
    assert "declare jwt<1 in requirements.txt" in text and "then failed with `missing_dependency` (`setuptools`)" in text
    report = render(state, "off")
    assert "neither was pushed" in report and "Both fixes went out" not in report


def test_a_stacked_fix_that_shipped_says_both_went_out() -> None:
    state = _stacked(shipped=True)
    assert action_required(state) == "Nothing."
    assert "Both fixes went out in one commit." in render(state, "off")


REAL = Path(__file__).resolve().parents[1] / "data" / "real_logs" / "logs"
BOOK = load_rulebook()


def _escalated(log: str) -> str:
    report = analyze((REAL / log).read_bytes(), BOOK)
    assert report.category == "permission_denied" and not report.auto_fixable
    state = SwarmState(session_id="s", service="web", branch="main", initial_sha="b" * 40, report=report,
                       outcome=Outcome(kind="escalated", reason="permission_denied is never fixed automatically"))
    return action_required(state)


@pytest.mark.parametrize(("log", "expected"), [
    ("785.log", "may not bind port 80"),     # Node: listen EACCES: permission denied 0.0.0.0:80
    ("786.log", "may not bind port 80"),     # Node 0.x: listen EACCES 0.0.0.0:80
    ("1100.log", "may not bind port 80"),    # Render's log prefix
    ("1232.log", "git update-index --chmod=+x gradlew"),
    ("1229.log", "git update-index --chmod=+x gradlew"),  # Travis: "failed and exited with 126"
    ("327.log", "The installed command `vite` has lost its executable bit"),
    ("685.log", "The installed command `react-scripts` has lost its executable bit"),
    ("257.log", "git credentials were refused"),
    ("255.log", "git credentials were refused"),
    ("929.log", "git credentials were refused"),
    ("983.log", "Docker daemon's socket (`/var/run/docker.sock`)"),
    ("1016.log", "npm may not write `/usr/local/share/man/man7`"),
    ("392.log", "npm may not write `/.npm`"),
])
def test_a_permission_failure_gets_instructions_from_its_evidence(log: str, expected: str) -> None:
    """Real logs from public threads (tests/data/real_logs): swarm never fixes permission_denied itself
    (safety.never_autofix), so the report must say exactly what the person has to do."""
    assert expected in _escalated(log)


def test_a_port_above_1024_or_a_file_the_app_writes_keeps_the_general_instruction() -> None:
    assert "may not bind" not in _escalated("787.log")  # EACCES on 8080 is not the privileged-port rule
    assert _escalated("191.log").startswith("Fix the file or directory permissions")


def _bind_as_unprivileged(cmd: list[str]) -> str:
    """Run a real bind of port 80 as an unprivileged user (``nobody`` via setpriv when the tests run as root)."""
    if cmd[0] == "python3":  # the system's interpreter: a user's own build may sit under root's home
        cmd = [shutil.which("python3", path="/usr/bin:/bin") or sys.executable, *cmd[1:]]
    if os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/")
    if proc.returncode == 0:
        pytest.skip("this machine lets unprivileged users bind port 80 (net.ipv4.ip_unprivileged_port_start)")
    return proc.stdout + proc.stderr


@pytest.mark.parametrize("cmd", [
    ["python3", "-c", "import http.server as h; h.HTTPServer(('0.0.0.0', 80), h.SimpleHTTPRequestHandler)"],
    ["node", "-e", "require('http').createServer().listen(80, () => process.exit(0))"],
])
def test_a_real_bind_of_port_80_by_an_unprivileged_app_is_explained(cmd: list[str], tmp_path: Path) -> None:
    log = tmp_path / "deploy.log"
    log.write_text(_bind_as_unprivileged(cmd))
    report = analyze(log.read_bytes(), BOOK)
    assert report.category == "permission_denied"
    state = SwarmState(session_id="s", service="web", branch="main", initial_sha="b" * 40, report=report,
                       outcome=Outcome(kind="escalated", reason="permission_denied is never fixed automatically"))
    text = action_required(state)
    assert "may not bind" in text and "`$PORT`" in text
