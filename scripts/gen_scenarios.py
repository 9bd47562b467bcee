"""Fault-injection scenario generator: app archetypes x fault families x ways the fault is written.

Every scenario is a folder in the ``scripts/scenarios-dev/README.md`` format (scenario.toml, app/, and base/
when the fault needs history, e.g. a rename) with the expected outcome. The healthy form of each archetype
listens on $PORT and answers ``GET /healthz`` with JSON; a fault variant changes exactly what it names.

    python scripts/gen_scenarios.py --out /tmp/gen            # all scenarios
    python scripts/gen_scenarios.py --sample 40 --seed 11 --out scripts/scenarios-sample

The sample is stratified: every fault family and every archetype appear before any repeats, then a
seeded shuffle fills the rest. The committed ``scripts/scenarios-sample`` is exactly that output (a test
regenerates it and compares).
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the archetype modules beside this script

from gen_scenarios_node import NODE_ARCHETYPES, NODE_FAMILIES  # noqa: E402
from gen_scenarios_py import PY_ARCHETYPES, PY_FAMILIES  # noqa: E402
from scenario_model import Scenario  # noqa: E402


def generate(seed: int = 11) -> list[Scenario]:
    """All scenarios; the seed picks the package, port and names each variant uses."""
    out: list[Scenario] = []
    for py in PY_ARCHETYPES:
        for family in PY_FAMILIES:
            out += family(py, random.Random(f"{seed}:{py.name}:{family.__name__}"))
    for node in NODE_ARCHETYPES:
        for nfamily in NODE_FAMILIES:
            out += nfamily(node, random.Random(f"{seed}:{node.name}:{nfamily.__name__}"))
    ids = [s.id for s in out]
    assert len(ids) == len(set(ids)), "scenario ids must be unique"
    return out


def sample(scenarios: list[Scenario], n: int, seed: int) -> list[Scenario]:
    """Every (family) and every archetype first, then a seeded shuffle of the rest."""
    rng = random.Random(seed)
    pool = sorted(scenarios, key=lambda s: s.id)
    rng.shuffle(pool)
    chosen: list[Scenario] = []
    for key in ("family", "archetype", "variant"):
        for value in sorted({getattr(s, key) for s in pool}):
            if len(chosen) < n and not any(getattr(c, key) == value for c in chosen):
                chosen.append(next(s for s in pool if getattr(s, key) == value and s not in chosen))
    chosen += [s for s in pool if s not in chosen][: max(0, n - len(chosen))]
    return sorted(chosen[:n], key=lambda s: s.id)


def write(scenarios: list[Scenario], out: Path) -> None:
    if out.exists():
        for child in out.iterdir():
            if child.is_dir() and (child / "scenario.toml").is_file():
                shutil.rmtree(child)
    out.mkdir(parents=True, exist_ok=True)
    for sc in scenarios:
        folder = out / sc.id
        (folder / "app").mkdir(parents=True)
        (folder / "scenario.toml").write_text(sc.toml(), encoding="utf-8")
        for part, files in (("app", sc.app), ("base", sc.base)):
            for rel, text in (files or {}).items():
                path = folder / part / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    index = ["# Generated scenarios", "", "Written by `scripts/gen_scenarios.py`; do not edit by hand.", "",
             "| id | archetype | family | variant |", "|---|---|---|---|"]
    index += [f"| {s.id} | {s.archetype} | {s.family} | {s.variant} |" for s in scenarios]
    (out / "INDEX.md").write_text("\n".join(index) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--sample", type=int, default=0, help="write only a stratified sample of this size")
    args = ap.parse_args(argv)
    scenarios = generate(args.seed)
    chosen = sample(scenarios, args.sample, args.seed) if args.sample else scenarios
    write(chosen, args.out)
    families = sorted({s.family for s in chosen})
    print(f"{len(chosen)} scenarios (of {len(scenarios)}) in {args.out}: "
          f"{len({s.archetype for s in chosen})} archetypes, {len(families)} families, {len({s.variant for s in chosen})} variants")
    return 0


if __name__ == "__main__":
    sys.exit(main())
