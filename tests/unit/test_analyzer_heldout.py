"""A second labelled set, written from the tools' own messages (pip, npm, yarn, pnpm, Poetry, Bundler, Go,
gunicorn, uvicorn, Django, Prisma, Heroku, Render, Vercel, Docker, tsc, mypy, jest, pytest) and not taken
from the development corpus: it checks the rules generalise beyond the lines they were written from.
Entities are asserted where the label is unambiguous (null = not asserted)."""

import json
from pathlib import Path

import pytest

from agents.analyzer import analyze
from agents.rules import load_rulebook

BOOK = load_rulebook()
CASES = [json.loads(line) for line in (Path(__file__).parent.parent / "data" / "heldout_logs.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_heldout_log(case: dict[str, str]) -> None:
    r = analyze(case["log"], BOOK)
    assert r.category == case["category"], r.summary
    if case["entity"]:
        assert (r.entity or "").lower() == case["entity"].lower()
