"""Heals end to end across each vendor's deploy matrix: autodeploy on/off × the vendor's overlap policy, someone
else's push mid-session, the shapes a vendor's answers take. The fakes (tests/fakes/) run on wall-clock time with a
real push webhook from the bare remote; each fake's docstring cites where the vendor documents what it does, and
each case below names the behaviour it exercises.

Every case checks the cost rule too: a session never deploys a commit twice, and when the platform deploys pushes
by itself swarm triggers no deploy at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from swarm.cli import main
from tests.capture_server import CaptureServer
from tests.conftest import git, make_app, push_config, sample_app, swarm_commits
from tests.fakes.digitalocean import FakeDigitalOcean
from tests.fakes.matrix import TRACE, fixed, prepare
from tests.fakes.render import FakeRender

pytestmark = pytest.mark.slow


def run_heal(tmp_path: Path, site: CaptureServer, monkeypatch: pytest.MonkeyPatch, vendor: str, session: str,
             **kw: Any) -> tuple[int, Path, Path, Any]:
    repo, origin, fake = prepare(tmp_path, site.url, vendor, monkeypatch.setenv, **kw)
    code = main(["deploy", "--session", session, "--repo", str(repo), "--quiet"])
    return code, repo, origin, fake


def session_dir(name: str) -> Path:
    return Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / name


def one_deploy_per_commit(fake: Any) -> None:
    counts = Counter(d.sha for d in fake.sim.deploys if d.trigger != "rollback")
    assert max(counts.values()) == 1, counts


MATRIX = [
    # vendor, autodeploy, overlap policy, deploys triggered by swarm
    pytest.param("render", True, "override", 0, id="render-autodeploy-override"),
    pytest.param("render", True, "wait", 0, id="render-autodeploy-wait"),
    pytest.param("render", False, "override", 2, id="render-manual-override"),
    pytest.param("render", False, "wait", 2, id="render-manual-wait"),
    pytest.param("vercel", True, "both", 0, id="vercel-git-integration-both"),
    pytest.param("vercel", False, "both", 2, id="vercel-api-only-both"),
    pytest.param("digitalocean", True, "supersede", 0, id="digitalocean-deploy-on-push"),
    pytest.param("digitalocean", False, "supersede", 2, id="digitalocean-manual"),
]


@pytest.mark.parametrize("vendor, autodeploy, overlap, by_swarm", MATRIX)
def test_heal_across_the_matrix(tmp_path: Path, site: CaptureServer, monkeypatch: pytest.MonkeyPatch, vendor: str,
                                autodeploy: bool, overlap: str, by_swarm: int) -> None:
    """Render: autoDeploy and the workspace's overlapping-deploy policy (https://render.com/docs/deploys,
    https://render.com/changelog/wait-for-an-in-progress-service-deploy-to-finish-before-starting-a-new-one);
    Vercel: the git integration deploys each push, concurrent builds (https://vercel.com/docs/deployments/git,
    https://vercel.com/docs/builds/build-queues); DigitalOcean: deploy_on_push, a newer deployment supersedes
    (https://docs.digitalocean.com/products/app-platform/reference/app-spec/). With autodeploy the platform builds
    both pushed commits (the broken one and swarm's fix) and swarm triggers nothing; without it swarm deploys each."""
    kw: dict[str, Any] = {"autodeploy": autodeploy}
    if vendor == "render":
        kw["overlap"] = overlap
    code, repo, origin, fake = run_heal(tmp_path, site, monkeypatch, vendor, f"m-{vendor}", **kw)
    try:
        assert code == 0
        assert len(swarm_commits(origin, f"m-{vendor}")) == 1
        assert fake.sim.live_sha() == git(origin, "rev-parse", "main")
        assert len(fake.sim.deploys) == 2 and fake.sim.triggered_by_api() == by_swarm
        one_deploy_per_commit(fake)
        outcome = json.loads((session_dir(f"m-{vendor}") / "final_state.json").read_text())["outcome"]
        assert outcome["kind"] == "healed" and outcome["deploys_by_swarm"] == by_swarm
        assert outcome["deploys_by_push"] == 2 - by_swarm
        assert fake.violations == [], fake.violations[:2]
    finally:
        fake.close()


def test_a_session_started_before_the_autodeploy_appears_waits_for_it(tmp_path: Path, site: CaptureServer,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The push's deploy shows up only after Render has received the git host's webhook and queued it (here 3 s;
    https://render.com/docs/deploys#automatic-deploys). A session
    that looks earlier (``--after-push`` right after the push) waits for it, matched by commit, instead of
    triggering a deploy that the autodeploy would then cancel (Render's default override policy)."""
    code, repo, origin, fake = run_heal(tmp_path, site, monkeypatch, "render", "slow", autodeploy=True, push_latency_s=3.0)
    try:
        assert code == 0 and fake.sim.triggered_by_api() == 0 and len(fake.sim.deploys) == 2
        one_deploy_per_commit(fake)
        assert not any(d.state == "canceled" for d in fake.sim.deploys)
    finally:
        fake.close()


def push_on_top(origin: Path, tmp: Path) -> Callable[[str], None]:
    """Someone else pushes a commit on top of swarm's fix, once, right after swarm's push."""
    done: list[str] = []

    def on_push(sha: str) -> None:
        if done or not git(origin, "log", "-1", "--format=%s", sha).startswith("swarm:"):
            return
        done.append(sha)
        other = tmp / "someone-else"
        subprocess.run(["git", "clone", "-q", str(origin), str(other)], check=True)
        (other / "NOTES.md").write_text("a teammate's change\n")
        git(other, "add", "-A")
        git(other, "-c", "user.name=o", "-c", "user.email=o@l", "commit", "-qm", "docs: a teammate's change")
        git(other, "push", "-q", "origin", "main")

    return on_push


@pytest.mark.parametrize("vendor, kw, outcome", [
    pytest.param("render", {"overlap": "override"}, "superseded", id="render-override"),
    pytest.param("vercel", {}, "healed", id="vercel-both-build"),
    pytest.param("digitalocean", {}, "superseded", id="digitalocean-supersede"),
])
def test_someone_elses_push_mid_session_is_never_fought(tmp_path: Path, site: CaptureServer, monkeypatch: pytest.MonkeyPatch,
                                                        vendor: str, kw: dict[str, Any], outcome: str) -> None:
    """A teammate pushes right after swarm's fix. Render (override) cancels the fix's deploy for the newer one
    (https://render.com/changelog/wait-for-an-in-progress-service-deploy-to-finish-before-starting-a-new-one);
    DigitalOcean supersedes it (https://docs.digitalocean.com/products/app-platform/how-to/manage-deployments/);
    Vercel builds both and gives production to the newer (https://vercel.com/docs/builds/build-queues). Swarm never pushes again and
    never deploys anything itself: it ends ``superseded`` (exit 0) when its deploy was replaced, or verifies its own
    deploy when the vendor let it finish."""
    repo, origin, fake = prepare(tmp_path, site.url, vendor, monkeypatch.setenv, autodeploy=True, build_s=3.0,
                                 on_push=lambda origin: push_on_top(origin, tmp_path), **kw)
    try:
        assert main(["deploy", "--session", "race", "--repo", str(repo), "--quiet"]) == 0
        final = json.loads((session_dir("race") / "final_state.json").read_text())
        assert final["outcome"]["kind"] == outcome, final["outcome"]
        assert len(swarm_commits(origin, "race")) == 1 and fake.sim.triggered_by_api() == 0
        one_deploy_per_commit(fake)
        if outcome == "superseded":
            assert final["outcome"]["final_sha"] == git(origin, "rev-parse", "main")
            assert "newer push" in final["outcome"]["reason"]
        assert fake.violations == [], fake.violations[:2]
    finally:
        fake.close()


@pytest.mark.parametrize("delimiter", [True, False], ids=["delimiter-row", "no-delimiter"])
def test_a_vercel_runtime_log_stream_held_open_for_5_minutes_does_not_hold_the_heal(
        tmp_path: Path, site: CaptureServer, monkeypatch: pytest.MonkeyPatch, delimiter: bool) -> None:
    """Vercel keeps the runtime-log stream open for up to 5 minutes (https://vercel.com/docs/cli/logs) and ends the
    runtime limit with a delimiter row (Vercel's CLI, ``isRuntimeLimitDelimiter``). Swarm closes the stream at the
    delimiter, or after an idle gap, never at the vendor's end: the heal is over long before the 300 s hold."""
    started = time.monotonic()
    code, repo, origin, fake = run_heal(tmp_path, site, monkeypatch, "vercel", "stream", autodeploy=True,
                                        stream_hold_s=300.0, delimiter=delimiter, event_shape="top")
    try:
        assert code == 0
        assert time.monotonic() - started < 240  # a bound, not a speed claim: awaiting the stream takes 300 s
        assert ("GET", "/v1/projects/prj_1/deployments/dpl_0002/runtime-logs") in fake.requests  # read for the READY one
        assert ("GET", "/v1/projects/prj_1/deployments/dpl_0001/runtime-logs") not in fake.requests  # never ran: not read
        assert fake.violations == [], fake.violations[:2]
    finally:
        fake.close()


def test_digitalocean_run_logs_refused_the_build_logs_are_used(tmp_path: Path, site: CaptureServer,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """DigitalOcean refuses the RUN logs of a deployment that never ran with a 400 ("cannot get running logs from
    deployment … in phase final_cleanup", as users report it on https://www.digitalocean.com/community/questions;
    the logs endpoint's 400 in digitalocean.openapi.json). The refusal is noted in the report and the BUILD logs are analysed."""
    repo, origin = sample_app(tmp_path, "do-app")
    fake = FakeDigitalOcean(lambda: git(origin, "rev-parse", "main"),
                            lambda sha: ("ACTIVE", "build ok", "listening") if fixed(origin, sha)
                            else ("ERROR", "\n".join(["Running custom build command: python -c 'import app'", *TRACE]), ""),
                            autodeploy=True, run_logs_refused=True)
    try:
        monkeypatch.setenv("DIGITALOCEAN_TOKEN", fake.token)
        monkeypatch.setenv("DIGITALOCEAN_API_URL", fake.url)
        fake.watch_pushes(origin)
        push_config(repo, f'[service]\nplatform = "digitalocean"\n[digitalocean]\napp_id = "app-1"\n'
                      f'component = "web"\nurl = "{site.url}"\n[heal]\nattempt_timeout_s = 120\n', "do config")
        assert main(["deploy", "--session", "runlogs", "--repo", str(repo), "--quiet"]) == 0
        report = (session_dir("runlogs") / "report.md").read_text()
        assert "refused the RUN logs" in report and "final_cleanup" in report
        assert fake.violations == [], fake.violations[:2]
    finally:
        fake.close()


def test_a_rollback_with_autodeploy_on_follows_swarms_own_revert_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Render keeps autodeploy on after a rollback (https://render.com/docs/rollbacks), so the revert commit swarm
    pushes to keep the branch in step is deployed by Render itself and, under the default override policy, cancels
    the rollback deploy still in progress. That replacement is swarm's own commit: it is followed, not taken for a
    teammate's push, and the session ends rolled back on the good tree."""
    from tests.capture_server import LiveSite

    app = {"app.py": "print('greeting service')\n", "requirements.txt": "PyYAML==6.0.3\n", "greetings.yaml": "en: hello\n"}
    repo, origin = make_app(tmp_path, app, "render-rb-auto")
    fake = FakeRender(lambda sha: ("live", ["greeting service on 0.0.0.0:10000"]), autodeploy=True, build_s=1.0)

    def answer(path: str) -> int:
        sha = fake.live_sha()
        broken = bool(sha) and "BROKEN" in git(origin, "show", f"{sha}:greetings.yaml")
        return 500 if broken and path.startswith("/api/greeting") else 200

    site = LiveSite(answer)
    try:
        monkeypatch.setenv("RENDER_API_KEY", fake.key)
        monkeypatch.setenv("RENDER_API_URL", fake.url)
        fake.watch_pushes(origin)
        push_config(repo, f'[service]\nplatform = "render"\n[render]\nservice_id = "srv-abc"\nowner_id = "tea-xyz"\n'
                      f'url = "{site.url}"\n[verify]\nprobe_paths = ["/api/greeting"]\n[heal]\nattempt_timeout_s = 120\n', "platform config")
        good = git(origin, "rev-parse", "main")
        until(lambda: fake.live_sha() == good)  # Render's own deploy of the good commit went live
        (repo / "greetings.yaml").write_text("en: BROKEN\n")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qam", "new greeting")
        git(repo, "push", "-q", "origin", "main")
        assert main(["deploy", "--session", "rb-auto", "--repo", str(repo), "--quiet"]) == 2
        final = json.loads((session_dir("rb-auto") / "final_state.json").read_text())
        assert final["outcome"]["kind"] == "rolled_back", final["outcome"]
        revert = git(origin, "rev-parse", "main")
        assert any("took over" in n and revert[:12] in n for n in final["platform_notes"]), final["platform_notes"]
        assert git(origin, "rev-parse", f"{revert}^{{tree}}") == git(origin, "rev-parse", f"{good}^{{tree}}")
        assert fake.live_sha() in (good, revert) and fake.sim.triggered_by_api() == 0
        one_deploy_per_commit(fake)
        assert fake.violations == [], fake.violations[:2]
    finally:
        site.close()
        fake.close()


def until(cond: Any, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.05)
