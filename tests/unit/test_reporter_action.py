"""What a person must do, when swarm prepared a fix its safety policy does not let it apply."""

from __future__ import annotations

from agents.reporter import action_required
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
