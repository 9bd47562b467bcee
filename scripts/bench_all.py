#!/usr/bin/env python3
"""Every benchmark, one after the other, into artifacts/bench/summary.json (the README's numbers come from it):

- start-up (scripts/bench_startup.py),
- the analyzer on a large log against grep (scripts/bench_analyzer.py),
- the vendor deploy matrix (scripts/bench_platforms.py),
- the development scenarios in swarm and loop mode (`swarm bench --mode both --deploy-cost`): wall time on the local
  platform with the defaults, and again with `--rehearse on`, the rehearsals `auto` runs on a hosted platform, which is
  what the cost model prices (`scenarios_hosted`),
- the fleet: services x workers with a worker killed at random (scripts/bench_fleet.py; needs Redis).

    .venv/bin/python scripts/bench_all.py [--size-mb 1024] [--deploy-cost 180] [--skip scenarios]

Each part writes its own JSON under artifacts/bench/ and prints its table; a part that fails is recorded with its
exit code and the others still run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench")
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--deploy-cost", type=float, default=180.0)
    ap.add_argument("--scenarios", default=str(ROOT / "scripts" / "scenarios-dev"))
    ap.add_argument("--skip", action="append", default=[], choices=["startup", "analyzer", "platforms", "scenarios", "scenarios_hosted", "fleet"])
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    parts = {
        "startup": [py, "scripts/bench_startup.py", "--json", str(args.out / "startup.json")],
        "analyzer": [py, "scripts/bench_analyzer.py", "--size-mb", str(args.size_mb), "--json", str(args.out / "analyzer.json")],
        "platforms": [py, "scripts/bench_platforms.py", "--json", str(args.out / "platforms.json")],
        "scenarios": [py, "-m", "swarm", "bench", args.scenarios, "--mode", "both", "--deploy-cost", str(args.deploy_cost),
                      "--json", str(args.out / "scenarios.json")],
        "scenarios_hosted": [py, "-m", "swarm", "bench", args.scenarios, "--mode", "both", "--deploy-cost",
                             str(args.deploy_cost), "--rehearse", "on", "--json", str(args.out / "scenarios_hosted.json")],
        "fleet": [py, "scripts/bench_fleet.py", "--json", str(args.out / "fleet.json")],
    }
    summary: dict[str, object] = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "parts": {}}
    for name, cmd in parts.items():
        if name in args.skip:
            continue
        print(f"\n== {name}: {' '.join(cmd[1:])}", flush=True)
        started = time.monotonic()
        code = subprocess.run(cmd, cwd=ROOT, check=False).returncode
        result_file = args.out / f"{name}.json"
        try:
            data = json.loads(result_file.read_text())
        except (OSError, ValueError):
            data = None
        summary["parts"][name] = {"exit": code, "seconds": round(time.monotonic() - started, 1),  # type: ignore[index]
                                  "file": str(result_file), "result": data}
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"\nwrote {args.out / 'summary.json'}")
    return 0 if all(p["exit"] == 0 for p in summary["parts"].values()) else 1  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
