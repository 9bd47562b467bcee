#!/usr/bin/env python3
"""Fleet benchmark: S services x W workers (W = 1, 2, 4) on a real Redis, the `command` platform with short deploys.

Each service is a real git repository (a bare remote) whose pushed commit fails to deploy (the `command` platform's
scripts report FAILED and a Python traceback until requirements.txt names PyYAML). S heal requests are queued; W real
`swarm worker` processes heal them. With --kill (the default) one worker is SIGKILLed at a random moment of each run
and a replacement started, so a claimed session must be resumed. Measured per W: sessions per minute, queue latency
(request queued -> its session started) p50/p99, lost sessions (no outcome; must be 0), duplicate pushes (a session
with more than one fix commit; must be 0). Then a footprint simulation for 1,000 services x 30 days from what the runs
stored: Redis bytes per session and per service (MEMORY USAGE of the keys), checkpoint rows per session (PostgreSQL
when --postgres, else SQLite). Writes artifacts/bench/fleet.json and prints a table.

    .venv/bin/python scripts/bench_fleet.py [--services 8] [--workers 1 2 4] [--postgres URL] [--no-kill]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swarm.fleet import Fleet, HealRequest, Service, enqueue  # noqa: E402

TRACE = "Traceback (most recent call last):\n  File \"/srv/app/app.py\", line 6, in <module>\n    import yaml\nModuleNotFoundError: No module named 'yaml'\n"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def site() -> tuple[ThreadingHTTPServer, str]:
    """The deployed services' stand-in: every path answers 200 with a JSON body."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = b'{"status": "ok"}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def make_service(root: Path, name: str, url: str) -> Service:
    """A bare remote with one pushed commit that the command platform reports as failed (no PyYAML)."""
    origin, repo, ops, state = root / f"{name}.git", root / name, root / f"{name}-ops", root / f"{name}-state"
    for d in (ops, state):
        d.mkdir(parents=True)
    git(root, "init", "-q", "--bare", "-b", "main", str(origin))
    git(root, "init", "-q", "-b", "main", str(repo))
    for p in (ROOT / "scripts" / "sample_app").iterdir():
        if p.is_file():
            (repo / p.name).write_text(p.read_text())
    broken = f'git -C "{origin}" show "$(cat "{state}/sha-$1")":requirements.txt | grep -q PyYAML'
    (ops / "deploy.sh").write_text(f'n=$(($(cat "{state}/n" 2>/dev/null || echo 0)+1)); echo $n > "{state}/n"; '
                                   f'echo "$1" > "{state}/sha-dep-$n"; echo "dep-$n"\n')
    (ops / "status.sh").write_text(f'{broken} && echo Live || echo FAILED\n')
    (ops / "logs.sh").write_text(f'{broken} && echo booted || printf %s {json.dumps(TRACE)}\n')
    (repo / "swarm.toml").write_text(
        f'[service]\nplatform = "command"\n[command]\ndeploy = "sh {ops}/deploy.sh {{sha}}"\n'
        f'status = "sh {ops}/status.sh {{deploy_id}}"\nlogs = "sh {ops}/logs.sh {{deploy_id}}"\nurl = "{url}"\n')
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "app")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "-u", "origin", "main")
    return Service(name=name, repo=str(origin), platform="command", branch="main")


def fix_commits(origin: Path, session: str) -> int:
    out = git(origin, "log", "--format=%(trailers:key=Swarm-Session,valueonly,separator=)", "main")
    return sum(1 for line in out.splitlines() if line.strip() == session)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_one(redis: Any, url_site: str, services: int, workers: int, kill: bool, postgres: str | None,
            redis_url: str, base: Path, rng: random.Random) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    root = base / f"w{workers}-{tag}"
    root.mkdir(parents=True)
    stream, prefix = f"swarm-bench-fleet-{tag}", f"swarm-bench-fleet-{tag}:"
    svc = [make_service(root, f"s{i:02d}", url_site) for i in range(services)]
    fleet = Fleet(svc, stream=stream)
    fleet_file = root / "fleet.toml"
    fleet_file.write_text(f'[fleet]\nstream = "{stream}"\n' + "".join(
        f'\n[[service]]\nname = "{s.name}"\nrepo = "{s.repo}"\nplatform = "command"\nbranch = "main"\n' for s in svc))
    artifacts = root / "artifacts"
    env = {**os.environ, "REDIS_URL": redis_url, "SWARM_ARTIFACTS": str(artifacts), "SWARM_REDIS_PREFIX": prefix,
           "SWARM_LOCK_TTL_S": "4"}
    if postgres:
        env["SWARM_CHECKPOINT_URL"] = postgres
    queued: dict[str, float] = {}
    for s in svc:
        sha = git(Path(s.repo), "rev-parse", "main")
        queued[f"fleet-{s.name}-{sha[:12]}"] = time.time()
        enqueue(redis, fleet, HealRequest(s.name, sha, "bench", f"bench:{tag}:{s.name}"))

    def start(name: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "swarm", "worker", "--fleet", str(fleet_file), "--name", name,
                                 "--claim-idle", "5"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    procs = {f"w{i}": start(f"w{i}") for i in range(workers)}
    started = time.time()
    kill_at = started + rng.uniform(3, 12) if kill else None
    killed = None
    deadline = started + 900
    done: dict[str, dict[str, Any]] = {}
    while time.time() < deadline and len(done) < services:
        for sid in queued:
            final = artifacts / "sessions" / sid / "final_state.json"
            if sid not in done and final.is_file():
                try:
                    done[sid] = json.loads(final.read_text())
                    done[sid]["_ended"] = final.stat().st_mtime
                except ValueError:
                    pass  # being written
        if kill_at and time.time() >= kill_at and killed is None:
            killed = rng.choice(sorted(procs))
            os.killpg(procs[killed].pid, signal.SIGKILL)  # a worker dies mid-run...
            procs[killed].wait()
            procs[f"{killed}-replacement"] = start(f"{killed}-replacement")  # ...and the fleet replaces it
        time.sleep(0.2)
    for p in procs.values():
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs.values():
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
    latencies = []
    for sid in queued:
        fields = redis.hgetall(f"{prefix}session:{sid}")
        begun = fields.get(b"started")
        if begun:
            latencies.append(float(begun) - queued[sid])
    duplicate = sum(max(0, fix_commits(Path(s.repo), sid) - 1) for s in svc for sid in queued if sid.startswith(f"fleet-{s.name}-"))
    healed = sum(1 for d in done.values() if (d.get("outcome") or {}).get("kind") == "healed")
    wall = (max((d["_ended"] for d in done.values()), default=time.time()) - started) or 1.0
    footprint = measure(redis, prefix, stream, list(queued), artifacts, postgres)
    for key in redis.scan_iter(f"{prefix}*"):
        redis.delete(key)
    redis.delete(stream)
    return {"workers": workers, "services": services, "healed": healed, "lost": services - len(done),
            "duplicate_pushes": duplicate, "killed_worker": killed, "seconds": round(wall, 1),
            "sessions_per_minute": round(len(done) / wall * 60, 2),
            "queue_latency_p50_s": round(percentile(latencies, 0.5), 2), "queue_latency_p99_s": round(percentile(latencies, 0.99), 2),
            "footprint": footprint}


def measure(redis: Any, prefix: str, stream: str, sessions: list[str], artifacts: Path, postgres: str | None) -> dict[str, Any]:
    """What the runs stored, per session and per service: Redis bytes (MEMORY USAGE) and checkpoint rows."""
    per_session, other = [], 0
    for sid in sessions:
        total = 0
        for key in redis.scan_iter(f"{prefix}*{sid}*"):
            total += int(redis.memory_usage(key) or 0)
        per_session.append(total)
    for key in redis.scan_iter(f"{prefix}*"):
        name = key.decode()
        if not any(sid in name for sid in sessions):
            other += int(redis.memory_usage(key) or 0)
    stream_bytes = int(redis.memory_usage(stream) or 0)
    rows = []
    for sid in sessions:
        if postgres:
            import psycopg

            with psycopg.Connection.connect(postgres) as pg:
                n = 0
                for table in ("checkpoints", "checkpoint_writes", "checkpoint_blobs"):
                    got = pg.execute(f"SELECT count(*) FROM {table} WHERE thread_id = %s", (sid,)).fetchone()  # noqa: S608
                    n += int(got[0]) if got else 0
                    pg.execute(f"DELETE FROM {table} WHERE thread_id = %s", (sid,))  # noqa: S608
                pg.commit()
            rows.append(n)
        else:
            db = artifacts / "sessions" / sid / "checkpoints.sqlite"
            if db.is_file():
                with sqlite3.connect(db) as conn:
                    rows.append(sum(int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # noqa: S608
                                    for t in ("checkpoints", "writes")))
    return {"redis_bytes_per_session": int(statistics.mean(per_session)) if per_session else 0,
            "redis_bytes_shared": other, "stream_bytes": stream_bytes,
            "checkpoint_rows_per_session": round(statistics.mean(rows), 1) if rows else 0,
            "checkpoint_store": "postgresql" if postgres else "sqlite"}


def simulate(footprint: dict[str, Any], services: int = 1000, days: int = 30, failures_per_day: float = 2.0,
             ttl_days: float = 7.0) -> dict[str, Any]:
    """1,000 services x 30 days at ``failures_per_day`` heal sessions per service per day: Redis holds the sessions of
    the last ``ttl_days`` (SWARM_REDIS_TTL_S); checkpoint rows are never expired by swarm (they grow with time)."""
    sessions_total = services * days * failures_per_day
    live_sessions = services * min(days, ttl_days) * failures_per_day
    redis_bytes = live_sessions * footprint["redis_bytes_per_session"] + services * 200  # lock + dedup keys per service
    return {"services": services, "days": days, "sessions_per_service_per_day": failures_per_day,
            "sessions_total": int(sessions_total), "redis_ttl_days": ttl_days,
            "redis_mb_steady_state": round(redis_bytes / 2**20, 1),
            "checkpoint_rows_after_30_days": int(sessions_total * footprint["checkpoint_rows_per_session"])}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--services", type=int, default=8)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--postgres", help="PostgreSQL URL for the checkpoints (default: SQLite in the session folders)")
    ap.add_argument("--no-kill", dest="kill", action="store_false")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--json", type=Path, default=ROOT / "artifacts" / "bench" / "fleet.json")
    args = ap.parse_args()
    import redis as redis_lib

    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    redis = redis_lib.Redis.from_url(redis_url)
    redis.ping()
    server, url = site()
    rng = random.Random(args.seed)
    rows = []
    with tempfile.TemporaryDirectory(prefix="swarm-bench-fleet-") as tmp:
        for w in args.workers:
            rows.append(run_one(redis, url, args.services, w, args.kill, args.postgres, redis_url, Path(tmp), rng))
            print(f"W={w}: {rows[-1]['healed']}/{args.services} healed in {rows[-1]['seconds']}s", file=sys.stderr, flush=True)
    server.shutdown()
    biggest = max(rows, key=lambda r: r["footprint"]["redis_bytes_per_session"])["footprint"]
    out = {"runs": rows, "simulation": simulate(biggest),
           "pass": all(r["lost"] == 0 and r["duplicate_pushes"] == 0 for r in rows)}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=2) + "\n")
    print(f"{'workers':>7} {'services':>8} {'healed':>6} {'lost':>4} {'dup pushes':>10} {'killed':>10} {'seconds':>7} "
          f"{'sess/min':>8} {'queue p50':>9} {'queue p99':>9} {'redis B/sess':>12} {'ckpt rows/sess':>14}")
    for r in rows:
        f = r["footprint"]
        print(f"{r['workers']:>7} {r['services']:>8} {r['healed']:>6} {r['lost']:>4} {r['duplicate_pushes']:>10} "
              f"{str(r['killed_worker'] or '-'):>10} {r['seconds']:>7} {r['sessions_per_minute']:>8} "
              f"{r['queue_latency_p50_s']:>8}s {r['queue_latency_p99_s']:>8}s {f['redis_bytes_per_session']:>12} "
              f"{f['checkpoint_rows_per_session']:>14}")
    sim = out["simulation"]
    print(f"1,000 services x 30 days at {sim['sessions_per_service_per_day']} sessions/service/day: Redis ~"
          f"{sim['redis_mb_steady_state']} MB steady state (keys expire after {sim['redis_ttl_days']} days); "
          f"{sim['checkpoint_rows_after_30_days']:,} checkpoint rows after 30 days (not expired by swarm)")
    print("PASS" if out["pass"] else "FAIL: sessions lost or pushed twice")
    return 0 if out["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
