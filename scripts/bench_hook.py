#!/usr/bin/env python3
"""What the pre-push hook costs a push: real `git push` to a real bare remote, with and without
`python -m swarm hook install`, in the same run. Also measures how long after the push the
background session is running (its status file says so). Writes JSON and prints a table.

    .venv/bin/python scripts/bench_hook.py --pushes 10 --json artifacts/bench-hook.json

The sessions the hook starts run against a `command` platform whose commands answer at once, and
each is stopped (`swarm stop`) before the next push, so background work does not skew the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@l", "GIT_COMMITTER_NAME": "bench",
       "GIT_COMMITTER_EMAIL": "b@l", "PYTHONPATH": str(ROOT)}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=ENV).stdout.strip()


def swarm(*args: str, env: dict[str, str]) -> str:
    return subprocess.run([sys.executable, "-m", "swarm", *args], capture_output=True, text=True, env=env, cwd=ROOT).stdout


def make_repo(base: Path) -> Path:
    origin, repo = base / "origin.git", base / "app"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "app.py").write_text("print('hi')\n")
    (repo / "swarm.toml").write_text('[service]\nplatform = "command"\n[command]\ndeploy = "echo d1"\n'
                                     'status = "echo live"\nlogs = "echo booted"\n[heal]\nmax_sessions_per_hour = 0\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    return repo


def push_once(repo: Path, n: int) -> float:
    (repo / "counter.txt").write_text(f"{n}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", f"change {n}")
    t0 = time.perf_counter()
    git(repo, "push", "-q", "origin", "main")
    return time.perf_counter() - t0


def wait_session(repo: Path, sha: str, timeout: float = 30.0) -> tuple[str | None, float | None]:
    """The session started for ``sha`` and the seconds until its status file moved past 'started'."""
    t0 = time.perf_counter()
    status = repo / ".swarm" / "status.json"
    while time.perf_counter() - t0 < timeout:
        try:
            data = json.loads(status.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            data = {}
        if data.get("sha") == sha and data.get("state") not in (None, "started"):
            return str(data["session"]), time.perf_counter() - t0
        time.sleep(0.02)
    return None, None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pushes", type=int, default=10)
    ap.add_argument("--json", dest="json_out", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="swarm-bench-hook-") as tmp:
        base = Path(tmp)
        env = {**ENV, "SWARM_ARTIFACTS": str(base / "artifacts")}
        repo = make_repo(base)
        plain = [push_once(repo, i) for i in range(args.pushes)]
        swarm("hook", "install", "--repo", str(repo), env=env)
        hooked, started = [], []
        for i in range(args.pushes):
            hooked.append(push_once(repo, 1000 + i))
            session, seconds = wait_session(repo, git(repo, "rev-parse", "HEAD"))
            if session is None:
                print(f"push {i}: no background session appeared within 30 s", file=sys.stderr)
                return 1
            started.append(seconds or 0.0)
            swarm("stop", session, "--repo", str(repo), env=env)
        swarm("hook", "uninstall", "--repo", str(repo), env=env)

    def row(name: str, xs: list[float]) -> dict[str, float | str]:
        xs = sorted(xs)
        return {"case": name, "n": len(xs), "median_s": round(statistics.median(xs), 4),
                "p90_s": round(xs[max(0, int(len(xs) * 0.9) - 1)], 4), "max_s": round(xs[-1], 4)}

    rows = [row("git push, no hook", plain), row("git push, swarm hook", hooked),
            row("push → session running", started)]
    added = float(rows[1]["median_s"]) - float(rows[0]["median_s"])
    print(f"{'case':28} {'n':>3} {'median s':>9} {'p90 s':>8} {'max s':>8}")
    for r in rows:
        print(f"{r['case']:28} {r['n']:>3} {r['median_s']:>9} {r['p90_s']:>8} {r['max_s']:>8}")
    print(f"the hook adds {added * 1000:.0f} ms to the median push; the session itself runs after the push returns")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps({"rows": rows, "added_median_ms": round(added * 1000, 1)}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
