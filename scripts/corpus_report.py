#!/usr/bin/env python3
"""Analyzer accuracy on a labelled corpus (default tests/data/corpus): totals, confusion table, misses.

    .venv/bin/python scripts/corpus_report.py [CORPUS_DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents.rules import load_rulebook  # noqa: E402
from swarm.fastscan import analyze_path  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", type=Path, default=ROOT / "tests" / "data" / "corpus")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    book = load_rulebook()
    labels = [json.loads(x) for x in (args.corpus / "labels.jsonl").read_text().splitlines() if x.strip()]
    confusion: collections.Counter[tuple[str, str]] = collections.Counter()
    rows = []
    for lab in labels:
        r = analyze_path(args.corpus / "logs" / lab["file"], book)
        entity_ok = None if not lab.get("entity") else (r.entity or "").lower() == lab["entity"].lower()
        confusion[(lab["category"], r.category)] += 1
        rows.append({"file": lab["file"], "label": lab["category"], "got": r.category, "label_entity": lab.get("entity"),
                     "entity": r.entity, "entity_ok": entity_ok, "rule": r.rule_id, "confidence": r.confidence})
    cat_ok = sum(r["label"] == r["got"] for r in rows)
    ent = [r for r in rows if r["entity_ok"] is not None]
    ent_ok = sum(bool(r["entity_ok"]) for r in ent)
    cats = sorted({c for pair in confusion for c in pair})
    width = max(len(c) for c in cats)
    print("confusion (rows: label, columns: analyzer; only non-zero cells)")
    for label in cats:
        cells = [f"{got}={n}" for (lab, got), n in sorted(confusion.items()) if lab == label]
        if cells:
            print(f"  {label:{width}}  {'  '.join(cells)}")
    print("\nmisses:")
    for r in rows:
        if r["label"] != r["got"] or r["entity_ok"] is False:
            print(f"  {r['file']}: {r['label']}/{r['label_entity']} -> {r['got']}/{r['entity']} (rule {r['rule']})")
    summary = {"logs": len(rows), "category_accuracy": round(cat_ok / len(rows), 4),
               "entity_accuracy": round(ent_ok / len(ent), 4) if ent else None, "entity_labelled": len(ent)}
    print(f"\ncategory {cat_ok}/{len(rows)} = {summary['category_accuracy']:.1%}; "
          f"entity {ent_ok}/{len(ent)} = {summary['entity_accuracy']:.1%}")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
