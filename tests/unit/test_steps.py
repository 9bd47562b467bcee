"""Steps on fakes: how a fix attempt is judged when the next deploy fails."""

from pathlib import Path

import pytest

from graph.deps import Deps
from graph.routing import Limits
from graph.steps import analyze_step
from memory.artifacts import SessionArtifacts
from memory.models import DeployLogs, Deployment, FixCandidate, SwarmState, TriedFix
from tests.unit.test_agents import ctx


@pytest.mark.parametrize(
    ("next_log", "result"),
    [
        ("ModuleNotFoundError: No module named 'yaml'", "failed"),  # the same error came back
        ("Error: listen EADDRINUSE: address already in use", "healed"),  # a new failure: the fix cured its own
    ],
)
def test_fix_judged_by_the_next_failure(tmp_path: Path, next_log: str, result: str) -> None:
    from agents.analyzer import analyze
    from agents.rules import load_rulebook

    fp = analyze("ModuleNotFoundError: No module named 'yaml'", load_rulebook()).fingerprint
    dep = Deployment(id="d2", sha="b" * 40, status="failed", healthy=False)
    tried = TriedFix(attempt=1, fingerprint=fp, category="missing_dependency", deploy_id="d2",
                     candidate=FixCandidate(id="a1", strategy="add_dependency", summary="add PyYAML"))
    state = SwarmState(session_id="s", service="svc", branch="main", initial_sha="a" * 40, attempt=1,
                       current=dep, logs=DeployLogs(runtime=next_log), tried=[tried], fingerprints=[fp])
    deps = Deps(ctx=ctx(tmp_path), limits=Limits(), artifacts=SessionArtifacts(tmp_path, "s").ensure(), store=None)
    update = analyze_step(state, deps)
    assert update["tried"][-1].result == result


def test_an_unreachable_checkpoint_database_is_a_clear_error() -> None:
    import socket
    from types import SimpleNamespace

    import pytest

    from graph.runner import _checkpointer, has_checkpoint
    from memory.errors import ConfigError

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://postgres@127.0.0.1:{port}/test"
    with pytest.raises(ConfigError, match="cannot reach the checkpoint database"):
        _checkpointer(SimpleNamespace(checkpoint_url=url), serde=None)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="cannot reach the checkpoint database"):
        has_checkpoint("s1", None, url)
