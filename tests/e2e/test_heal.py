"""End to end on the real local platform: real builds (venv + pip), real processes, real git."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from swarm.cli import main
from tests.conftest import ROOT, git, make_app, sample_app, swarm_commits

pytestmark = pytest.mark.slow


def artifacts() -> Path:
    return Path(os.environ["SWARM_ARTIFACTS"])


def test_demo_heals_in_two_deploys_and_learns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, origin = sample_app(tmp_path)
    assert main(["deploy", "--session", "demo", "--repo", str(repo), "--quiet"]) == 0
    sdir = artifacts() / "sessions" / "demo"
    for name in ("deployment_plan.json", "swarm_output.log", "events.jsonl", "final_state.json", "report.md"):
        assert (sdir / name).is_file(), name
    for agent in ("monitor", "analyzer", "optimizer", "fixer", "validator", "deploy"):
        assert (sdir / "agents" / f"{agent}_output.json").is_file(), agent
    final = json.loads((sdir / "final_state.json").read_text())
    assert final["outcome"]["kind"] == "healed" and len(final["deploys"]) == 2
    assert "fast-forwarded" in (sdir / "report.md").read_text()  # the user's clean checkout: said, not silent
    assert git(repo, "rev-parse", "HEAD") == git(origin, "rev-parse", "main")
    plan = json.loads((sdir / "deployment_plan.json").read_text())
    assert plan["health_window_s"] == 30 and plan["options"]["probe_timeout_s"] == 10
    assert not (sdir / "work").exists()  # no empty scratch folder left behind
    assert len(swarm_commits(origin, "demo")) == 1
    assert "PyYAML" in git(origin, "show", "main:requirements.txt")
    learned = json.loads((artifacts() / "deploy_learning_state.json").read_text())
    fp = final["report"]["fingerprint"]
    assert learned["known_fixes"][fp]["strategy"] == "add_dependency"

    # a second run under the same session id is refused with a hint; the healed session's artifacts stay as they were
    report = (sdir / "report.md").read_text()
    capsys.readouterr()
    assert main(["deploy", "--session", "demo", "--repo", str(repo), "--quiet"]) == 1
    err = capsys.readouterr()
    assert "already ran (healed)" in err.out + err.err and "another --session id" in err.out + err.err
    assert (sdir / "report.md").read_text() == report
    assert json.loads((sdir / "final_state.json").read_text())["outcome"]["kind"] == "healed"

    # the same failure again, in another repo: the recorded fix is proposed first, with the reason
    repo2, _ = sample_app(tmp_path, "app2")
    assert main(["deploy", "--session", "demo2", "--repo", str(repo2), "--quiet"]) == 0
    opt = json.loads((artifacts() / "sessions" / "demo2" / "agents" / "optimizer_output.json").read_text())
    assert opt["strategies"][0] == "add_dependency"
    assert any("healed this exact failure before" in r for r in opt["reasons"])
    assert not list((artifacts() / "platform").rglob("meta.json")) or all(
        json.loads(p.read_text())["status"] != "live" for p in (artifacts() / "platform").rglob("meta.json"))


def test_a_checkout_with_uncommitted_edits_is_left_and_told_what_to_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, origin = sample_app(tmp_path)
    (repo / "requirements.txt").write_text((repo / "requirements.txt").read_text() + "# my local note\n")
    before = git(repo, "rev-parse", "HEAD")
    assert main(["deploy", "--session", "dirty", "--repo", str(repo), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert git(repo, "rev-parse", "HEAD") == before and "# my local note" in (repo / "requirements.txt").read_text()
    assert "your checkout: your checkout of main has uncommitted changes (requirements.txt)" in out
    assert "git stash && git pull --ff-only && git stash pop" in out and "expect a conflict" in out
    report = (artifacts() / "sessions" / "dirty" / "report.md").read_text()
    assert "uncommitted changes" in report and "Nothing." not in report


def test_missing_env_var_escalates_without_pushing(tmp_path: Path) -> None:
    app = ("import os\nTOKEN = os.environ['PAYMENTS_API_TOKEN']\n")
    repo, origin = make_app(tmp_path, {"app.py": app, "Procfile": "web: python app.py\n", "requirements.txt": ""})
    before = git(origin, "rev-parse", "main")
    assert main(["deploy", "--session", "envvar", "--repo", str(repo), "--quiet"]) == 2
    assert git(origin, "rev-parse", "main") == before
    report = (artifacts() / "sessions" / "envvar" / "report.md").read_text()
    assert "missing_env_var" in report and "PAYMENTS_API_TOKEN" in report and "What a person must do" in report


def _wait_for_event(path: Path, pred, proc=None, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"swarm exited early ({proc.returncode}): {proc.stdout.read().decode()}")
        if path.exists():
            for line in path.read_text().splitlines():
                try:
                    if pred(json.loads(line)):
                        return
                except json.JSONDecodeError:
                    continue
        time.sleep(0.1)
    raise AssertionError(f"event not seen in {path}")


def _spawn(repo: Path, session: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "swarm", "deploy", "--session", session, "--repo", str(repo), "--quiet"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def test_sigkill_during_second_deploy_then_resume(tmp_path: Path) -> None:
    repo, origin = sample_app(tmp_path)
    env = {**os.environ}
    proc = _spawn(repo, "killme", env)
    events = artifacts() / "sessions" / "killme" / "events.jsonl"
    _wait_for_event(events, lambda e: e.get("kind") == "deploy_started" and e.get("attempt") == 1, proc)
    proc.stdout.close()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert main(["deploy", "--session", "killme", "--repo", str(repo), "--resume", "--quiet"]) == 0
    assert len(swarm_commits(origin, "killme")) == 1
    final = json.loads((artifacts() / "sessions" / "killme" / "final_state.json").read_text())
    assert final["outcome"]["kind"] == "healed"


def test_second_session_on_same_service_exits_1(tmp_path: Path, real_redis_url: str, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from memory.store import open_store

    monkeypatch.setenv("REDIS_URL", real_redis_url)
    monkeypatch.setenv("SWARM_REDIS_PREFIX", f"swarmtest-{os.getpid()}:")
    repo, _ = sample_app(tmp_path, "locked-svc")
    store = open_store(real_redis_url, prefix=f"swarmtest-{os.getpid()}:")
    token = store.acquire_lock("service:locked-svc", 30_000, "first-session")
    try:
        assert main(["deploy", "--session", "second", "--repo", str(repo), "--quiet"]) == 1
        assert "already being healed by session 'first-session'" in capsys.readouterr().err
    finally:
        assert token and store.release_lock("service:locked-svc", token)


def test_guards_refuse_bot_loops_and_runaway_healing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, origin = make_app(tmp_path, {"a.txt": "1\n"})
    for i in range(3):
        (repo / "a.txt").write_text(f"{i}\n")
        git(repo, "-c", "user.name=swarm", "-c", "user.email=s@l", "commit", "-qam", f"fix {i}\n\nSwarm-Session: s{i}\nSwarm-Attempt: 1")
    git(repo, "push", "-q", "origin", "main")
    assert main(["deploy", "--session", "loop", "--repo", str(repo), "--quiet"]) == 1
    assert "bot-loop guard" in capsys.readouterr().err
    (repo / "swarm.toml").write_text("[heal]\nmax_sessions_per_hour = 1\nbot_loop_commits = 0\n")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=p", "-c", "user.email=p@l", "commit", "-qm", "config")
    git(repo, "push", "-q", "origin", "main")
    main(["deploy", "--session", "first", "--repo", str(repo), "--quiet"])  # no Procfile: fails, but it counts
    assert main(["deploy", "--session", "second", "--repo", str(repo), "--quiet"]) == 1
    assert "max_sessions_per_hour=1" in capsys.readouterr().err


def test_two_processes_never_heal_one_service_without_redis(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from swarm.compose import FileLock

    repo, _ = sample_app(tmp_path, "solo")
    held = FileLock(artifacts() / "locks" / "solo.lock", "other-session", 0)
    try:
        assert main(["deploy", "--session", "second", "--repo", str(repo), "--quiet"]) == 1
        assert "held by 'other-session'" in capsys.readouterr().err
    finally:
        held.release()


def test_pr_mode_pushes_a_branch_and_opens_a_pull_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.capture_server import CaptureServer

    cap = CaptureServer()
    cap.default = (201, {"content-type": "application/json"}, b'{"html_url": "https://github.test/acme/app/pull/7", "number": 7}')
    try:
        monkeypatch.setenv("GITHUB_TOKEN", "ghs_test_token_abcdefghijklmnop")
        monkeypatch.setenv("GITHUB_REPOSITORY", "acme/app")
        monkeypatch.setenv("GITHUB_API_URL", cap.url)
        repo, origin = sample_app(tmp_path, "prapp")
        (repo / "swarm.toml").write_text('[heal]\nbranch_mode = "pr"\n')
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "pr mode")
        git(repo, "push", "-q", "origin", "main")
        before = git(origin, "rev-parse", "main")
        assert main(["deploy", "--session", "prs", "--repo", str(repo), "--quiet"]) == 2
        assert git(origin, "rev-parse", "main") == before  # the deploy branch is untouched
        assert "PyYAML" in git(origin, "show", "swarm/heal-prs:requirements.txt")
        pr = cap.to("/repos/acme/app/pulls")[0]
        assert pr["body"]["head"] == "swarm/heal-prs" and pr["body"]["base"] == "main"
        assert pr["headers"]["Authorization"] == "Bearer ghs_test_token_abcdefghijklmnop"
        assert "pull/7" in (artifacts() / "sessions" / "prs" / "report.md").read_text()
    finally:
        cap.close()


def test_a_stacked_fix_tells_one_story(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing package, and behind it a hard-coded port that only the fixed app's start-up reveals (issue 14,
    defect 2): the report shows the platform's failure, what the first fix's start-up check found, and one shipped
    section with the combined diff; the progress never calls the first fix FAILED."""
    app = ROOT / "scripts" / "scenarios-dev" / "py-yaml-missing-port-5000" / "app"
    repo, origin = make_app(tmp_path, {p.name: p.read_text() for p in app.iterdir() if p.is_file()}, "stacked")
    assert main(["deploy", "--session", "stacked", "--repo", str(repo)]) == 0
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "cures its failure; its start-up check found the next one: port_binding" in out
    assert "a1-add_dependency FAILED" not in out
    report = (artifacts() / "sessions" / "stacked" / "report.md").read_text()
    failed = report.split("## What failed", 1)[1].split("## Deploys", 1)[0]
    assert "`missing_dependency`, entity: `PyYAML`" in failed and "ModuleNotFoundError" in failed
    assert "### Found by the start-up check of the first fix" in failed and "`port_binding`" in failed
    tried = report.split("## What was tried", 1)[1]
    assert tried.count("### attempt") == 1 and "`add_dependency` + `bind_port`: healed" in tried and "rejected" not in tried
    assert len(swarm_commits(origin, "stacked")) == 1


def test_sessions_stats_and_clean_after_real_heals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = sample_app(tmp_path)
    capsys.readouterr()
    assert main(["deploy", "--session", "one", "--repo", str(repo), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)  # one machine-readable result, nothing else on stdout
    assert result["outcome"] == "healed" and result["deploys"] == 2 and result["changed"] == ["requirements.txt"]
    assert len(result["commits"]) == 1 and result["report"].endswith("report.md")
    assert main(["sessions", "list", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["session"] == "one" and row["outcome"] == "healed" and row["deploys"] == 2 and row["seconds"] > 0
    assert row["category"] == "missing_dependency" and row["strategies"] == ["add_dependency"]
    assert main(["sessions", "list"]) == 0
    assert "one" in capsys.readouterr().out
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["heal_rate"] == 1.0 and stats["deploys_per_heal"] == 2 and stats["top_categories"] == {"missing_dependency": 1}
    assert stats["strategies"]["missing_dependency/add_dependency"]["successes"] == 1
    builds = sorted((artifacts() / "platform").glob("*/deploys/*"))
    assert len(builds) == 2
    assert main(["clean", "--keep-builds", "1", "--dry-run"]) == 0
    assert "would remove" in capsys.readouterr().out and len(sorted((artifacts() / "platform").glob("*/deploys/*"))) == 2
    assert main(["clean", "--keep-builds", "1", "--older-than", "0"]) == 0
    out = capsys.readouterr().out
    assert "build beyond the last 1" in out and "finished session older than 0 days" in out
    assert len(sorted((artifacts() / "platform").glob("*/deploys/*"))) == 1 and not (artifacts() / "sessions" / "one").exists()


def test_no_push_saves_the_patch_and_says_how_to_apply_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, origin = sample_app(tmp_path)
    before = git(origin, "rev-parse", "main")
    assert main(["deploy", "--session", "nopush", "--repo", str(repo), "--no-push", "--quiet"]) == 2
    out = capsys.readouterr().out
    patch = artifacts() / "sessions" / "nopush" / "fix-attempt-1.patch"
    assert patch.is_file() and "PyYAML" in patch.read_text() and git(origin, "rev-parse", "main") == before
    assert f"git apply {patch}" in out
