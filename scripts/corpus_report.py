#!/usr/bin/env python3
"""Analyzer accuracy on a labelled corpus: totals, per-category precision and recall, the confusion table, a
calibration table (how often a diagnosis at a given confidence is right) and the misses.

    .venv/bin/python scripts/corpus_report.py [CORPUS_DIR ...] [--split all|heldout|dev] [--json FILE]

Default corpora: tests/data/corpus (the development set) and tests/data/real_logs (real logs from public
threads). ``--split heldout`` keeps the real-log third held back from rule writing (see real_logs/README.md).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents.rules import load_rulebook  # noqa: E402
from swarm.fastscan import analyze_path  # noqa: E402

DEFAULT = [ROOT / "tests" / "data" / "corpus", ROOT / "tests" / "data" / "real_logs"]
BANDS = [(0.8, 1.01), (0.6, 0.8), (0.4, 0.6), (0.0, 0.4)]


def heldout(label: dict[str, Any]) -> bool:
    """The held-back third: logs whose source address hashes to 0 mod 3 (stable as the corpus grows)."""
    return int(hashlib.sha256(label["source"].encode()).hexdigest(), 16) % 3 == 0


def same_entity(label: str, got: str | None) -> bool:
    """Entities compare case-insensitively; package names by PEP 503 normalisation; paths by their tail."""
    if not got:
        return False
    a, b = label.strip().lower().removeprefix("./"), got.strip().lower().removeprefix("./")
    if a == b:
        return True
    canon = re.compile(r"[-_.]+")
    if canon.sub("-", a) == canon.sub("-", b):
        return True
    return "/" in a and (a.endswith("/" + b) or b.endswith("/" + a))


def evaluate(corpus: Path, split: str, batch_from: int = 0) -> list[dict[str, Any]]:
    book = load_rulebook()
    labels = [json.loads(x) for x in (corpus / "labels.jsonl").read_text().splitlines() if x.strip()]
    if split != "all" and (corpus / "logs").parent.name == "real_logs":
        labels = [lab for lab in labels if heldout(lab) == (split == "heldout")]
    if batch_from:  # one collection batch: files numbered from N on (each batch is measured before rules are written)
        labels = [lab for lab in labels if int(lab["file"].split(".")[0]) >= batch_from]
    rows = []
    for lab in labels:
        r = analyze_path(corpus / "logs" / lab["file"], book)
        entity_ok = None if not lab.get("entity") else same_entity(lab["entity"], r.entity)
        rows.append({"corpus": corpus.name, "file": lab["file"], "label": lab["category"], "got": r.category,
                     "label_entity": lab.get("entity"), "entity": r.entity, "entity_ok": entity_ok, "rule": r.rule_id,
                     "confidence": r.confidence, "platform": lab.get("platform"), "source": lab.get("source")})
    return rows


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    cat_ok = sum(r["label"] == r["got"] for r in rows)
    ent = [r for r in rows if r["entity_ok"] is not None]
    ent_ok = sum(bool(r["entity_ok"]) for r in ent)
    per: dict[str, dict[str, float]] = {}
    for c in sorted({r["label"] for r in rows} | {r["got"] for r in rows}):
        tp = sum(r["label"] == c and r["got"] == c for r in rows)
        predicted = sum(r["got"] == c for r in rows)
        actual = sum(r["label"] == c for r in rows)
        per[c] = {"n": actual, "precision": round(tp / predicted, 3) if predicted else 0.0,
                  "recall": round(tp / actual, 3) if actual else 0.0}
    calibration = []
    for lo, hi in BANDS:
        band = [r for r in rows if lo <= r["confidence"] < hi]
        calibration.append({"confidence": f"[{lo:.1f}, {min(hi, 1.0):.1f}{']' if hi > 1 else ')'}", "n": len(band),
                            "accuracy": round(sum(r["label"] == r["got"] for r in band) / len(band), 3) if band else None})
    return {"logs": len(rows), "category_accuracy": round(cat_ok / len(rows), 4) if rows else None,
            "entity_accuracy": round(ent_ok / len(ent), 4) if ent else None, "entity_labelled": len(ent),
            "per_category": per, "calibration": calibration}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--split", choices=["all", "heldout", "dev"], default="all")
    ap.add_argument("--batch-from", type=int, default=0, help="only logs numbered from N on (a collection batch)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--quiet", action="store_true", help="only the summary lines")
    args = ap.parse_args()
    report: dict[str, Any] = {}
    for corpus in args.corpora:
        rows = evaluate(corpus, args.split, args.batch_from)
        report[corpus.name] = {"summary": summarise(rows), "rows": rows}
    if args.json:  # written before anything is printed: `| head` cannot lose it
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    for corpus in args.corpora:
        s, rows = report[corpus.name]["summary"], report[corpus.name]["rows"]
        if not s["logs"]:  # a batch whose held-back third drew no log
            print(f"== {corpus.name} ({args.split}): no logs")
            continue
        print(f"== {corpus.name} ({args.split}): {s['logs']} logs; category {s['category_accuracy']:.1%}; entity "
              f"{(s['entity_accuracy'] or 0):.1%} of {s['entity_labelled']} labelled")
        if args.quiet:
            continue
        print(f"  {'category':22} {'n':>3} {'precision':>9} {'recall':>7}")
        for c, v in s["per_category"].items():
            print(f"  {c:22} {v['n']:>3} {v['precision']:>9.2f} {v['recall']:>7.2f}")
        print("  calibration: " + "; ".join(f"{b['confidence']} n={b['n']} right={b['accuracy']}" for b in s["calibration"]))
        confusion = collections.Counter((r["label"], r["got"]) for r in rows)
        print("  confusion (label -> analyzer, off-diagonal only): " + ", ".join(
            f"{a}->{b} {n}" for (a, b), n in sorted(confusion.items()) if a != b))
        for r in rows:
            if r["label"] != r["got"] or r["entity_ok"] is False:
                print(f"  miss {r['file']}: {r['label']}/{r['label_entity']} -> {r['got']}/{r['entity']} "
                      f"(rule {r['rule']}, {r['confidence']:.2f})")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `corpus_report.py | head`: the reader left, the report was not wrong
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
