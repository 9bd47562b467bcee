#!/usr/bin/env python3
"""How long the CLI takes to start and answer: `analyze` on a small log, `sessions list`, `--help`, each run N times
in a fresh interpreter, against a bare `python -c pass` measured in the same run. Writes JSON and prints a table.

    .venv/bin/python scripts/bench_startup.py --runs 21 --json artifacts/bench-startup.json

The first `analyze` of a rulebook validates every table and caches the parsed tables (per user, keyed by their
bytes); the runs measured here come after that warm-up, as every run after the first does.
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
LOG = ("Collecting flask\nInstalling collected packages: flask\nTraceback (most recent call last):\n"
       '  File "app.py", line 3, in <module>\n    import yaml\nModuleNotFoundError: No module named \'yaml\'\n')
TARGETS_MS = {"analyze small.log": 150.0, "sessions list": 150.0, "--help": 100.0}


def timed(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--json", default="artifacts/bench-startup.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        log = Path(tmp) / "small.log"
        log.write_text(LOG)
        env = {**os.environ, "SWARM_ARTIFACTS": str(Path(tmp) / "artifacts"), "PYTHONPATH": str(ROOT)}
        py = sys.executable
        commands = {"python -c pass": [py, "-c", "pass"], "analyze small.log": [py, "-m", "swarm", "analyze", str(log)],
                    "sessions list": [py, "-m", "swarm", "sessions", "list"], "--help": [py, "-m", "swarm", "--help"]}
        timed(commands["analyze small.log"], env, 1)  # the first run validates and caches the tables
        rows = []
        for name, cmd in commands.items():
            ms = timed(cmd, env, args.runs)
            rows.append({"command": name, "median_ms": round(statistics.median(ms), 1), "min_ms": round(min(ms), 1),
                         "max_ms": round(max(ms), 1), "target_ms": TARGETS_MS.get(name)})
    base = rows[0]["median_ms"]
    for r in rows:
        r["x_python"] = round(r["median_ms"] / base, 1) if base else None
        r["meets_target"] = r["target_ms"] is None or r["median_ms"] <= r["target_ms"]
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runs": args.runs, "rows": rows}, indent=2))
    print(f"{'command':20} {'median ms':>9} {'min':>7} {'max':>7} {'× python':>8} {'target':>7}")
    for r in rows:
        print(f"{r['command']:20} {r['median_ms']:>9.1f} {r['min_ms']:>7.1f} {r['max_ms']:>7.1f} {r['x_python']:>8} "
              f"{r['target_ms'] or '-':>7}{'' if r['meets_target'] else '  MISSED'}")
    print(f"wrote {out}")
    return 0 if all(r["meets_target"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
