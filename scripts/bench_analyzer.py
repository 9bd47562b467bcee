#!/usr/bin/env python3
"""Analyzer throughput: a large log of corpus noise with the real cause at the end.

Times `python -m swarm analyze --json FILE` and `grep -ciE '<error words>' FILE` on the same file in
the same run, records peak RSS of the analyzer, checks the diagnosis, writes JSON, prints a table.

    .venv/bin/python scripts/bench_analyzer.py --size-mb 1024 --json artifacts/bench-analyzer.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents.analyzer import _match_uncached  # noqa: E402
from agents.logsource import clean_line  # noqa: E402
from agents.rules import load_rulebook  # noqa: E402

GREP = "(error|fail|fatal|exception|killed|denied|refused|timeout|not found)"


def noise_lines(corpus: Path) -> list[str]:
    book = load_rulebook()
    lines = []
    for log in sorted((corpus / "logs").glob("*.log")):
        for raw in log.read_bytes().decode("utf-8", "replace").splitlines():
            line = clean_line(raw)
            if line.strip() and _match_uncached(line, book.rules) is None:
                lines.append(line)
    return lines


def build(path: Path, size_mb: int, corpus: Path, cause_file: str, seed: int = 7) -> None:
    rng = random.Random(seed)
    lines = noise_lines(corpus)
    target = size_mb * 1024 * 1024
    with open(path, "w", encoding="utf-8") as out:
        written = 0
        while written < target:
            block = "\n".join(rng.choices(lines, k=20000)) + "\n"
            out.write(block)
            written += len(block.encode())
        out.write((corpus / "logs" / cause_file).read_text(encoding="utf-8", errors="replace"))


def timed(cmd: list[str]) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in MB, stdout) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    out = proc.stdout.read() if proc.stdout else b""  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_maxrss // 1024, out.decode()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "corpus")
    ap.add_argument("--cause", default="009.log", help="corpus log appended at the end (the real cause)")
    ap.add_argument("--file", type=Path, default=Path("/tmp/swarm-bench-analyzer.log"))
    ap.add_argument("--json", type=Path, default=ROOT / "artifacts" / "bench-analyzer.json")
    ap.add_argument("--keep", action="store_true", help="keep the generated log")
    args = ap.parse_args()
    labels = {json.loads(x)["file"]: json.loads(x) for x in (args.corpus / "labels.jsonl").read_text().splitlines() if x.strip()}
    t0 = time.perf_counter()
    build(args.file, args.size_mb, args.corpus, args.cause)
    size = args.file.stat().st_size
    print(f"built {size / 2**20:.0f} MiB of corpus noise + {args.cause} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    try:
        subprocess.run(["cat", str(args.file)], stdout=subprocess.DEVNULL, check=True)  # same page-cache state for both
        g_wall, g_rss, g_out = timed(["grep", "-ciE", GREP, str(args.file)])
        a_wall, a_rss, a_out = timed([sys.executable, "-m", "swarm", "analyze", "--json", str(args.file)])
    finally:
        if not args.keep:
            args.file.unlink(missing_ok=True)
    report = json.loads(a_out.strip().splitlines()[-1])
    expect = labels[args.cause]
    result = {
        "size_mb": round(size / 2**20, 1), "cause": args.cause,
        "expected": {"category": expect["category"], "entity": expect["entity"]},
        "got": {"category": report["category"], "entity": report["entity"]},
        "correct": report["category"] == expect["category"] and (report["entity"] or "").lower() == (expect["entity"] or "").lower(),
        "analyze_seconds": round(a_wall, 2), "analyze_mb_s": round(size / 2**20 / a_wall, 1), "analyze_peak_rss_mb": a_rss,
        "grep_seconds": round(g_wall, 2), "grep_mb_s": round(size / 2**20 / g_wall, 1), "grep_count": int(g_out.strip() or 0),
        "ratio_vs_grep": round(a_wall / g_wall, 2),
        "targets": {"ratio_max": 3.0, "rss_max_mb": 150},
    }
    result["pass"] = result["correct"] and result["ratio_vs_grep"] <= 3.0 and a_rss < 150
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'':10} {'seconds':>8} {'MB/s':>8} {'peak RSS':>9}")
    print(f"{'analyze':10} {a_wall:8.2f} {result['analyze_mb_s']:8.1f} {a_rss:7d}MB")
    print(f"{'grep -ciE':10} {g_wall:8.2f} {result['grep_mb_s']:8.1f} {g_rss:7d}MB")
    print(f"ratio {result['ratio_vs_grep']}x (target <= 3x); diagnosis {report['category']}/{report['entity']} "
          f"({'correct' if result['correct'] else 'WRONG'}); {'PASS' if result['pass'] else 'FAIL'}")
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
