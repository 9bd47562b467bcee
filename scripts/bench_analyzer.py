#!/usr/bin/env python3
"""Analyzer throughput: a large log of real log lines with the real cause at the end, on two kinds of noise.

- ``dense``: lines drawn at random from both corpora (tests/data/corpus, tests/data/real_logs) that no rule
  matches; about one in thirteen holds one of grep's error words (error, fail, denied, not found...);
- ``quiet``: only the lines that hold none of those words (build output without errors).

Times `python -m swarm analyze --json FILE` and `grep -ciE '<error words>' FILE` on the same file in the same
run (page cache warmed for both), records the analyzer's peak RSS (its scanning workers included), checks the
diagnosis, writes JSON, prints a table. Targets (issue 13): analyze <= 1.0x grep, peak RSS <= 100 MB.

    .venv/bin/python scripts/bench_analyzer.py --size-mb 1024 --json artifacts/bench/analyzer.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
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


def noise_lines(corpora: list[Path], quiet: bool) -> list[str]:
    book = load_rulebook()
    words = re.compile(GREP, re.I)
    lines = []
    for corpus in corpora:
        for log in sorted((corpus / "logs").glob("*.log")):
            for raw in log.read_bytes().decode("utf-8", "replace").splitlines():
                line = clean_line(raw)
                if line.strip() and _match_uncached(line, book.rules) is None and not (quiet and words.search(line)):
                    lines.append(line)
    return lines


def build(path: Path, size_mb: int, corpus: Path, cause_file: str, noise: str, seed: int = 7) -> None:
    rng = random.Random(seed)
    lines = noise_lines([corpus, ROOT / "tests" / "data" / "real_logs"], quiet=noise == "quiet")
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


def one(args: argparse.Namespace, noise: str, expect: dict[str, object]) -> dict[str, object]:
    t0 = time.perf_counter()
    build(args.file, args.size_mb, args.corpus, args.cause, noise)
    size = args.file.stat().st_size
    print(f"built {size / 2**20:.0f} MiB of {noise} noise + {args.cause} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    try:
        subprocess.run(["cat", str(args.file)], stdout=subprocess.DEVNULL, check=True)  # same page-cache state for both
        g_wall, g_rss, g_out = timed(["grep", "-ciE", GREP, str(args.file)])
        a_wall, a_rss, a_out = timed([sys.executable, "-m", "swarm", "analyze", "--json", str(args.file)])
    finally:
        if not args.keep:
            args.file.unlink(missing_ok=True)
    report = json.loads(a_out.strip().splitlines()[-1])
    result: dict[str, object] = {
        "noise": noise, "size_mb": round(size / 2**20, 1), "cause": args.cause,
        "expected": {"category": expect["category"], "entity": expect["entity"]},
        "got": {"category": report["category"], "entity": report["entity"]},
        "correct": report["category"] == expect["category"] and (report["entity"] or "").lower() == str(expect["entity"] or "").lower(),
        "analyze_seconds": round(a_wall, 2), "analyze_mb_s": round(size / 2**20 / a_wall, 1), "analyze_peak_rss_mb": a_rss,
        "grep_seconds": round(g_wall, 2), "grep_mb_s": round(size / 2**20 / g_wall, 1), "grep_count": int(g_out.strip() or 0),
        "ratio_vs_grep": round(a_wall / g_wall, 2), "scanner": scanner_name(),
    }
    result["pass"] = bool(result["correct"]) and a_wall / g_wall <= RATIO_MAX and a_rss <= RSS_MAX_MB
    return result


def scanner_name() -> str:
    out = subprocess.run([sys.executable, "-c", "from swarm.fastscan import scanner; print(scanner())"], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    return out.stdout.strip() or "unknown"


RATIO_MAX, RSS_MAX_MB = 1.0, 100


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--noise", choices=["dense", "quiet", "both"], default="both")
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "corpus")
    ap.add_argument("--cause", default="009.log", help="corpus log appended at the end (the real cause)")
    ap.add_argument("--file", type=Path, default=Path("/tmp/swarm-bench-analyzer.log"))
    ap.add_argument("--json", type=Path, default=ROOT / "artifacts" / "bench" / "analyzer.json")
    ap.add_argument("--keep", action="store_true", help="keep the generated log")
    args = ap.parse_args()
    labels = {json.loads(x)["file"]: json.loads(x) for x in (args.corpus / "labels.jsonl").read_text().splitlines() if x.strip()}
    rows = [one(args, noise, labels[args.cause]) for noise in (["dense", "quiet"] if args.noise == "both" else [args.noise])]
    out = {"targets": {"ratio_max": RATIO_MAX, "rss_max_mb": RSS_MAX_MB}, "rows": rows, "pass": all(r["pass"] for r in rows)}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=2) + "\n")
    print(f"{'noise':6} {'MiB':>5} {'analyze s':>9} {'grep s':>7} {'ratio':>6} {'peak RSS':>9} {'scanner':>9}  diagnosis")
    for r in rows:
        got = r["got"]
        print(f"{r['noise']:6} {r['size_mb']:5.0f} {r['analyze_seconds']:9.2f} {r['grep_seconds']:7.2f} {r['ratio_vs_grep']:6.2f} "
              f"{r['analyze_peak_rss_mb']:7d}MB {r['scanner']:>9}  {got['category']}/{got['entity']} "  # type: ignore[index]
              f"{'correct' if r['correct'] else 'WRONG'} {'PASS' if r['pass'] else 'FAIL'}")
    print(f"targets: ratio <= {RATIO_MAX}x grep -ciE, peak RSS <= {RSS_MAX_MB} MB; {'PASS' if out['pass'] else 'FAIL'}")
    return 0 if out["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
