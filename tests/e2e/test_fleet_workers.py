"""A fleet for real: a signed GitHub push webhook into `swarm serve` (uvicorn), a real Redis stream and consumer group,
real `swarm worker` processes healing a real app on the local platform from a bare remote. A worker SIGKILLed after
its push leaves the request pending; another worker claims it and resumes the session from its checkpoint: healed,
exactly one push, nothing left pending. A redelivered webhook and a second event for the same commit queue nothing;
a forged one is refused with nothing queued."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from swarm.commands.serve import build_app
from swarm.fleet import load_fleet
from swarm.worker import GROUP
from tests.conftest import ROOT, git, sample_app, swarm_commits
from tests.http_util import uvicorn_app

pytestmark = pytest.mark.slow
SECRET = "fleet-test-webhook-secret"


def push_event(url: str, sha: str, delivery: str, secret: str = SECRET) -> httpx.Response:
    body = json.dumps({"ref": "refs/heads/main", "after": sha, "repository": {"full_name": "acme/app"}}).encode()
    sig = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return httpx.post(f"{url}/webhooks/github", content=body, timeout=10,
                      headers={"x-github-event": "push", "x-github-delivery": delivery, "x-hub-signature-256": sig,
                               "content-type": "application/json"})


@pytest.fixture
def fleet_env(real_redis_url: str, tmp_path: Path) -> Any:
    import redis

    repo, origin = sample_app(tmp_path)
    stream = f"swarm-test-fleet-{uuid.uuid4().hex[:8]}"
    fleet_file = tmp_path / "fleet.toml"
    fleet_file.write_text(f'[fleet]\nstream = "{stream}"\n\n[[service]]\nname = "app"\nrepo = "{origin}"\n'
                          'platform = "local"\nbranch = "main"\ngithub = "acme/app"\n')
    r = redis.Redis.from_url(real_redis_url)
    app = build_app(load_fleet(fleet_file), r, {"github": SECRET}, tmp_path / "intake.jsonl")
    artifacts = tmp_path / "artifacts"
    env = {**os.environ, "REDIS_URL": real_redis_url, "SWARM_ARTIFACTS": str(artifacts), "SWARM_LOCK_TTL_S": "4",
           "SWARM_REDIS_PREFIX": f"{stream}:"}
    with uvicorn_app(app) as url:
        yield {"url": url, "redis": r, "stream": stream, "fleet": fleet_file, "origin": origin, "repo": repo,
               "env": env, "artifacts": artifacts}
    from swarm.platforms.local import LocalPlatform

    for state in sorted((artifacts / "platform").glob("*")):  # healed releases keep serving after a fleet session
        if state.is_dir():
            LocalPlatform(repo=repo, state_dir=state).close()
    for key in r.scan_iter(f"{stream}*"):
        r.delete(key)


def worker(env: dict[str, str], fleet: Path, name: str, **extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "swarm", "worker", "--fleet", str(fleet), "--name", name,
                             "--claim-idle", "2", "--once"], cwd=ROOT, env={**env, **extra},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.mark.parametrize("checkpoints", ["sqlite", "postgres"])
def test_a_killed_workers_session_is_resumed_by_another_with_exactly_one_push(fleet_env: dict[str, Any], checkpoints: str,
                                                                               request: pytest.FixtureRequest) -> None:
    f = fleet_env
    if checkpoints == "postgres":  # LangGraph's Postgres checkpointer: what workers on other machines resume from
        f["env"]["SWARM_CHECKPOINT_URL"] = request.getfixturevalue("real_postgres_url")
    sha = git(f["origin"], "rev-parse", "main")
    assert push_event(f["url"], sha, "d-forged", secret="not-the-secret").status_code == 401
    assert f["redis"].xlen(f["stream"]) == 0  # nothing queued for a forgery
    assert push_event(f["url"], sha, "d-1").json()["status"] == "queued"
    assert push_event(f["url"], sha, "d-1").json()["status"] == "duplicate"  # a redelivery
    assert push_event(f["url"], sha, "d-2").json()["status"] == "duplicate"  # another event for the same commit
    assert f["redis"].xlen(f["stream"]) == 1

    first = worker(f["env"], f["fleet"], "w-a", SWARM_FAULT_KILL_BEFORE="verify")  # dies after its push
    out, _ = first.communicate(timeout=600)
    assert first.returncode == -signal.SIGKILL, out.decode()[-3000:]
    session = f"fleet-app-{sha[:12]}"
    assert len(swarm_commits(f["origin"], session)) == 1  # it pushed the fix before it died
    pending = f["redis"].xpending(f["stream"], GROUP)
    assert pending["pending"] == 1  # the request was not acknowledged

    second = worker(f["env"], f["fleet"], "w-b")
    out, _ = second.communicate(timeout=600)
    assert second.returncode == 0, out.decode()[-3000:]
    final = json.loads((f["artifacts"] / "sessions" / session / "final_state.json").read_text())
    assert final["outcome"]["kind"] == "healed", final["outcome"]
    assert len(swarm_commits(f["origin"], session)) == 1  # resumed, not restarted: still exactly one push
    assert f["redis"].xpending(f["stream"], GROUP)["pending"] == 0
    records = [json.loads(x) for x in (f["artifacts"] / "fleet" / "worker.jsonl").read_text().splitlines()]
    assert [(r["worker"], r["result"], r.get("resumed")) for r in records] == [("w-b", "healed", True)]
    fleet_meta = json.loads((f["artifacts"] / "sessions" / session / "fleet.json").read_text())
    assert fleet_meta["resumed"] is True and fleet_meta["delivery"] == "d-1"
    elsewhere = {**f["env"], "SWARM_ARTIFACTS": str(f["artifacts"].parent / "another-machine")}
    listed = subprocess.run([sys.executable, "-m", "swarm", "sessions", "list", "--json"], cwd=ROOT, env=elsewhere,
                            capture_output=True, text=True, timeout=60, check=True)
    row = next(r for r in json.loads(listed.stdout) if r["session"] == session)  # a machine with no session folder
    assert row["outcome"] == "healed" and row["service"] == "app" and row["host"] and row["deploys"] == 2
    shown = subprocess.run([sys.executable, "-m", "swarm", "sessions", "show", session], cwd=ROOT, env=elsewhere,
                           capture_output=True, text=True, timeout=60, check=True)
    assert "healed" in shown.stdout.lower()  # the report, read from the store by a machine that did not run it
    stats = subprocess.run([sys.executable, "-m", "swarm", "stats", "--json"], cwd=ROOT, env=elsewhere,
                           capture_output=True, text=True, timeout=60, check=True)
    fleet_stats = json.loads(stats.stdout)  # the fleet's numbers and its shared learning, seen from that machine
    assert fleet_stats["outcomes"].get("healed") == 1 and fleet_stats["heal_rate"] == 1.0
    assert any(v["successes"] >= 1 for v in fleet_stats["strategies"].values())
    sqlite_file = f["artifacts"] / "sessions" / session / "checkpoints.sqlite"
    if checkpoints == "postgres":
        import psycopg

        assert not sqlite_file.exists()  # the checkpoint B resumed from was in PostgreSQL, not in the shared folder
        with psycopg.Connection.connect(f["env"]["SWARM_CHECKPOINT_URL"], autocommit=True) as pg:
            rows = pg.execute("SELECT count(*) FROM checkpoints WHERE thread_id = %s", (session,)).fetchone()
            assert rows is not None and rows[0] > 0
            for table in ("checkpoint_writes", "checkpoint_blobs", "checkpoints"):
                pg.execute(f"DELETE FROM {table} WHERE thread_id = %s", (session,))  # noqa: S608 - fixed table names
    else:
        assert sqlite_file.exists()


def test_a_request_for_a_commit_the_branch_moved_past_is_acknowledged_as_superseded(fleet_env: dict[str, Any]) -> None:
    f = fleet_env
    old = git(f["origin"], "rev-parse", "main")
    (f["repo"] / "NOTES.md").write_text("a newer commit\n")
    git(f["repo"], "add", "-A")
    git(f["repo"], "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "newer")
    git(f["repo"], "push", "-q", "origin", "main")
    assert push_event(f["url"], old, "d-old").json()["status"] == "queued"
    proc = worker(f["env"], f["fleet"], "w-c")
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out.decode()[-3000:]
    records = [json.loads(x) for x in (f["artifacts"] / "fleet" / "worker.jsonl").read_text().splitlines()]
    assert [r["result"] for r in records] == ["superseded"]
    assert f["redis"].xpending(f["stream"], GROUP)["pending"] == 0
    assert not (f["artifacts"] / "sessions" / f"fleet-app-{old[:12]}" / "final_state.json").exists()  # nothing healed


def test_concurrency_heals_two_services_at_once_and_sigterm_lets_the_session_finish(fleet_env: dict[str, Any]) -> None:
    """`--concurrency 2` runs two worker processes (two services healed side by side); a SIGTERM to a worker in the
    middle of a session lets that session finish, acknowledged, before the worker exits."""
    f = fleet_env
    repo2, origin2 = sample_app(f["origin"].parent, "app2")
    fleet_text = f["fleet"].read_text() + (f'\n[[service]]\nname = "app2"\nrepo = "{origin2}"\nplatform = "local"\n'
                                          'branch = "main"\ngithub = "acme/app2"\n')
    f["fleet"].write_text(fleet_text)
    from swarm.fleet import HealRequest, enqueue

    fleet = load_fleet(f["fleet"])
    shas = {"app": git(f["origin"], "rev-parse", "main"), "app2": git(origin2, "rev-parse", "main")}
    for name, sha in shas.items():
        assert enqueue(f["redis"], fleet, HealRequest(name, sha, "ci", f"ci:{name}")) == "queued"
    proc = subprocess.Popen([sys.executable, "-m", "swarm", "worker", "--fleet", str(f["fleet"]), "--name", "pool",
                             "--concurrency", "2", "--claim-idle", "30"], cwd=ROOT, env=f["env"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    sessions = {f"fleet-{name}-{sha[:12]}" for name, sha in shas.items()}
    deadline = time.monotonic() + 300
    while not all((f["artifacts"] / "sessions" / sid / "deployment_plan.json").exists() for sid in sessions):
        assert time.monotonic() < deadline and proc.poll() is None, "both sessions did not start"
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)  # both sessions are running: they finish, then the workers exit
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out.decode()[-3000:]
    for sid in sessions:
        final = json.loads((f["artifacts"] / "sessions" / sid / "final_state.json").read_text())
        assert final["outcome"]["kind"] == "healed", (sid, final["outcome"])
    records = [json.loads(x) for x in (f["artifacts"] / "fleet" / "worker.jsonl").read_text().splitlines()]
    assert sorted(r["worker"] for r in records) == ["pool", "pool-1"] and {r["result"] for r in records} == {"healed"}
    assert f["redis"].xpending(f["stream"], GROUP)["pending"] == 0
