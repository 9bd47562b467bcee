from pathlib import Path

from agents import monitor, optimizer
from agents.context import AgentContext, Options
from agents.policy import Policy
from agents.rules import load_rulebook
from memory.learning import KnownFix, LearningStore, StrategyStats
from memory.models import Deployment, FailureReport, FixCandidate, TriedFix
from tests.fakes import FakeClock, FakePlatform, FakeProber, ListNotifier, NullWorkspace


def ctx(tmp_path: Path, platform: FakePlatform | None = None, prober: FakeProber | None = None, **opts: object) -> AgentContext:
    return AgentContext(platform=platform or FakePlatform(), workspace=NullWorkspace(), prober=prober or FakeProber(),  # type: ignore[arg-type]
                        clock=FakeClock(), notifier=ListNotifier(), rules=load_rulebook(), policy=Policy(),
                        learning=LearningStore(tmp_path / "learn.json"), options=Options(**opts))  # type: ignore[arg-type]


def test_monitor_polls_with_backoff_until_terminal(tmp_path: Path) -> None:
    c = ctx(tmp_path, FakePlatform(["queued", "building", "building", "building", "live"]))
    dep = c.platform.deploy("abc", "k")
    final, _ = monitor.watch(c, dep)
    assert final.status == "live" and final.healthy
    sleeps = c.clock.sleeps  # type: ignore[attr-defined]
    assert len(sleeps) == 4 and sleeps == sorted(sleeps) and sleeps[-1] > sleeps[0]


def test_monitor_times_out_and_cancels(tmp_path: Path) -> None:
    plat = FakePlatform(["building"])
    c = ctx(tmp_path, plat, attempt_timeout_s=30.0)
    final, logs = monitor.watch(c, plat.deploy("abc", "k"))
    assert final.status == "timed_out" and plat.canceled == [final.id]
    assert "attempt_timeout_s" in logs.build


def test_live_but_unhealthy_is_a_failure(tmp_path: Path) -> None:
    c = ctx(tmp_path, FakePlatform(["live"]), FakeProber({"/healthz": 503}))
    final, logs = monitor.watch(c, c.platform.deploy("abc", "k"))
    assert final.status == "failed" and final.healthy is False and "health check failed" in logs.runtime


def test_verify_detects_new_5xx_and_treats_missing_as_inconclusive(tmp_path: Path) -> None:
    dep = Deployment(id="d1", sha="a", status="live")
    c = ctx(tmp_path, prober=FakeProber({"/api/items": 500}), probe_paths=("/api/items",))
    ok, probes, why = monitor.verify(c, dep, baseline=[])
    assert ok is False and "500" in why
    c2 = ctx(tmp_path, prober=FakeProber(), probe_paths=("/api/items",))
    assert monitor.verify(c2, dep)[0] is True

    class Silent(FakeProber):
        def get(self, url, timeout):  # type: ignore[no-untyped-def]
            r = super().get(url, timeout)
            return r.model_copy(update={"status": None, "ok": False})

    assert monitor.verify(ctx(tmp_path, prober=Silent()), dep)[0] is None


def test_optimizer_prefers_the_recorded_fix_and_drops_failed_ones(tmp_path: Path) -> None:
    c = ctx(tmp_path)
    rep = FailureReport(category="network_transient", fingerprint="fp1", auto_fixable=True)
    assert optimizer.plan(c, rep, []).strategies == ["retry"]

    def seed(s):  # type: ignore[no-untyped-def]
        s.known_fixes["fp2"] = KnownFix(category="missing_dependency", strategy="add_dependency", successes=2)
        s.strategy_stats["missing_dependency"] = {"add_dependency": StrategyStats(tries=2, successes=2)}
        s.failed_strategies["fp1"] = ["retry"]

    c.learning.update(seed)
    plan = optimizer.plan(c, FailureReport(category="missing_dependency", fingerprint="fp2"), [])
    assert plan.strategies[0] == "add_dependency" and "healed this exact failure before" in " ".join(plan.reasons)
    assert optimizer.plan(c, rep, []).strategies == []
    tried = [TriedFix(attempt=1, fingerprint="fp3", category="network_transient",
                      candidate=FixCandidate(id="x", strategy="retry", summary=""), result="failed")]
    assert optimizer.plan(c, rep.model_copy(update={"fingerprint": "fp3"}), tried).strategies == []


def test_a_session_that_lost_its_lock_never_pushes(tmp_path: Path) -> None:
    """The fencing check runs right before every push (fix and rollback): a lost lock stops the push before the
    workspace is touched, and the deploy step turns it into a stop with the fix saved."""
    import pytest

    from agents import deploy
    from memory.errors import PushRefused

    class Untouchable(NullWorkspace):
        def publish(self, *a: object, **k: object) -> None:
            raise AssertionError("pushed although the lock was lost")

        revert_to = publish

    events: list[tuple[str, dict[str, object]]] = []
    c = ctx(tmp_path)
    c.workspace = Untouchable()  # type: ignore[assignment]
    c.fence = lambda: "the lock on service:web is no longer this session's"
    c.emit = lambda kind, data: events.append((kind, data))
    failed = Deployment(id="d1", sha="a" * 40, status="failed")
    report = FailureReport(category="missing_dependency", fingerprint="f" * 16)
    cand = FixCandidate(id="c1", strategy="add_dependency", summary="add x", diff="--- a/x\n+++ b/x\n", files=["x"])
    with pytest.raises(PushRefused, match="not pushing: the lock"):
        deploy.ship(c, "s1", 1, report, cand, None, failed)
    with pytest.raises(PushRefused):
        deploy.rollback(c, "s1", 1, "b" * 40, failed, "regression")
    assert [k for k, _ in events] == ["fenced", "fenced"]


def test_the_lock_keeper_reports_a_lock_taken_by_another_session() -> None:
    import fakeredis

    from memory.store import RedisCoordinationStore
    from swarm.compose import LockKeeper

    store = RedisCoordinationStore(fakeredis.FakeRedis(decode_responses=True))
    token = store.acquire_lock("service:web", 30_000, "s1")
    assert token
    keeper = LockKeeper(store, "service:web", token)
    assert keeper.check() is None
    store.release_lock("service:web", token)  # it expired...
    assert store.acquire_lock("service:web", 30_000, "s2")  # ...and another healer took it
    why = keeper.check()
    assert why and "s2" in why


class _Signalling(FakePlatform):
    """A platform that can say when a deploy changes (the local platform's ``wait_change``)."""

    def __init__(self, script: list[str]) -> None:
        super().__init__(script)
        self.waits: list[float] = []

    def wait_change(self, deploy_id: str, timeout_s: float) -> None:
        self.waits.append(timeout_s)


def test_monitor_waits_on_the_platform_signal_instead_of_sleeping(tmp_path: Path) -> None:
    plat = _Signalling(["queued", "building", "live"])
    c = ctx(tmp_path, plat)
    final, _ = monitor.watch(c, plat.deploy("abc", "k"))
    assert final.status == "live"
    assert c.clock.sleeps == []  # type: ignore[attr-defined]
    assert len(plat.waits) == 2 and plat.waits[0] == c.options.poll_initial_s and plat.waits[1] > plat.waits[0]
