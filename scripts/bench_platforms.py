#!/usr/bin/env python3
"""The vendor deploy matrix as a benchmark: one heal of the sample app (missing PyYAML) per vendor × autodeploy ×
overlap policy against the stateful fakes in tests/fakes/ (wall-clock builds, a real post-receive webhook from the
bare remote), plus Vercel heals whose runtime-log stream closes at once or is held open for 5 minutes. Each row
says what the session ended with, how many deploys the platform ran, how many swarm triggered, and the seconds.
Writes JSON and prints a table.

    .venv/bin/python scripts/bench_platforms.py --json artifacts/bench-platforms.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swarm.cli import main  # noqa: E402
from tests.capture_server import CaptureServer  # noqa: E402
from tests.fakes.matrix import prepare  # noqa: E402

ROWS: list[tuple[str, bool, str, dict[str, Any]]] = [
    ("render", True, "override", {}), ("render", True, "wait", {}), ("render", False, "override", {}),
    ("render", False, "wait", {}), ("vercel", True, "both", {}), ("vercel", False, "both", {}),
    ("digitalocean", True, "supersede", {}), ("digitalocean", False, "supersede", {}),
    ("vercel", True, "both (runtime-log stream closes at once)", {"stream_hold_s": 0.0, "delimiter": False}),
    ("vercel", True, "both (stream held 300 s, delimiter row)", {"stream_hold_s": 300.0, "delimiter": True}),
    ("vercel", True, "both (stream held 300 s, no delimiter)", {"stream_hold_s": 300.0, "delimiter": False}),
]


def heal(base: Path, site: CaptureServer, vendor: str, autodeploy: bool, policy: str, extra: dict[str, Any]) -> dict[str, Any]:
    kw = {**extra, **({"overlap": policy} if vendor == "render" else {})}
    repo, _, fake = prepare(base, site.url, vendor, os.environ.__setitem__, autodeploy=autodeploy, **kw)
    try:
        started = time.monotonic()
        code = main(["deploy", "--session", "bench", "--repo", str(repo), "--quiet"])
        seconds = time.monotonic() - started
        final = json.loads((Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / "bench" / "final_state.json").read_text())
        per_commit = Counter(d.sha for d in fake.sim.deploys)
        return {"vendor": vendor, "autodeploy": autodeploy, "policy": policy, "exit": code,
                "outcome": final["outcome"]["kind"], "deploys": len(fake.sim.deploys),
                "by_swarm": fake.sim.triggered_by_api(), "max_deploys_per_commit": max(per_commit.values()),
                "seconds": round(seconds, 2), "violations": len(fake.violations)}
    finally:
        fake.close()


def main_bench() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", default="artifacts/bench-platforms.json")
    args = ap.parse_args()
    rows = []
    site = CaptureServer()
    site.default = (200, {"content-type": "application/json"}, b'{"status": "ok"}')
    try:
        for i, (vendor, autodeploy, policy, extra) in enumerate(ROWS):
            with tempfile.TemporaryDirectory(prefix="bench-platforms-") as tmp:
                os.environ["SWARM_ARTIFACTS"] = str(Path(tmp) / "artifacts")
                os.environ.pop("REDIS_URL", None)  # the embedded store, as in the tests
                os.environ.pop("ANTHROPIC_API_KEY", None)  # rules only: no network
                (Path(tmp) / f"row{i}").mkdir()
                rows.append(heal(Path(tmp) / f"row{i}", site, vendor, autodeploy, policy, extra))
    finally:
        site.close()
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"rows": rows}, indent=2))
    print(f"{'vendor':<13} {'autodeploy':<10} {'policy':<42} {'outcome':<10} {'deploys':>7} {'by swarm':>8} "
          f"{'max/commit':>10} {'seconds':>8}")
    for r in rows:
        print(f"{r['vendor']:<13} {'on' if r['autodeploy'] else 'off':<10} {r['policy']:<42} {r['outcome']:<10} "
              f"{r['deploys']:>7} {r['by_swarm']:>8} {r['max_deploys_per_commit']:>10} {r['seconds']:>8.2f}")
    print(f"wrote {out}")
    return 0 if all(r["outcome"] == "healed" and r["max_deploys_per_commit"] == 1 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main_bench())
