#!/usr/bin/env python3
"""Reliability report: runs the chaos suite and the hypothesis fuzzing for real, then tabulates what each test
recorded (faults injected, sessions completed, duplicate pushes, secrets found, orphans left) into
``artifacts/reliability.json`` and a table. Exits 1 when a test failed or a must-be-zero column is not zero.

    python scripts/reliability_report.py [--out artifacts/reliability.json] [-k EXPR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = ["tests/chaos", "tests/integration/test_fuzz.py", "tests/integration/test_symlinks.py", "tests/integration/test_pids.py"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "artifacts" / "reliability.json")
    ap.add_argument("-k", dest="select", help="pytest -k expression (a subset, for a quick look)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        log, junit = Path(tmp) / "records.jsonl", Path(tmp) / "junit.xml"
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *SUITES]
        if args.select:
            cmd += ["-k", args.select]
        start = time.monotonic()
        proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "SWARM_RELIABILITY_LOG": str(log)}, text=True,
                              capture_output=True)
        seconds = round(time.monotonic() - start, 1)
        rows = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        tests = _junit_counts(junit)
    summary = {
        "faults_injected": len(rows),
        "sessions_completed": sum(1 for r in rows if r["completed"]),
        "duplicate_pushes": sum(r["duplicate_pushes"] for r in rows),
        "secrets_found": sum(r["secrets_found"] for r in rows),
        "orphans_left": sum(r["orphans_left"] for r in rows),
        "tests": tests, "seconds": seconds, "pytest_exit": proc.returncode,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "faults": rows}, indent=2) + "\n")
    _table(rows, summary)
    print(f"\nwritten: {args.out}")
    bad = proc.returncode != 0 or summary["duplicate_pushes"] or summary["secrets_found"] or summary["orphans_left"] \
        or summary["sessions_completed"] != summary["faults_injected"]
    if proc.returncode != 0:
        print(proc.stdout[-4000:], file=sys.stderr)
    return 1 if bad else 0


def _junit_counts(path: Path) -> dict[str, int]:
    import xml.etree.ElementTree as ET

    if not path.exists():
        return {}
    suite = ET.parse(path).getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    return {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")}


def _table(rows: list[dict[str, object]], summary: dict[str, object]) -> None:
    head = ("fault injected", "completed", "dup pushes", "secrets", "orphans")
    width = max([len(head[0]), *(len(str(r["fault"])) for r in rows)])
    print(f"{head[0]:<{width}}  {head[1]:>9}  {head[2]:>10}  {head[3]:>7}  {head[4]:>7}")
    print("-" * (width + 43))
    for r in rows:
        print(f"{str(r['fault']):<{width}}  {'yes' if r['completed'] else 'NO':>9}  {r['duplicate_pushes']:>10}  "
              f"{r['secrets_found']:>7}  {r['orphans_left']:>7}")
    print("-" * (width + 43))
    print(f"{'total: ' + str(summary['faults_injected']) + ' faults':<{width}}  {summary['sessions_completed']:>9}  "
          f"{summary['duplicate_pushes']:>10}  {summary['secrets_found']:>7}  {summary['orphans_left']:>7}")
    print(f"tests: {summary['tests']}, {summary['seconds']} s, pytest exit {summary['pytest_exit']}")


if __name__ == "__main__":
    sys.exit(main())
