"""The parsed rulebook is cached per user, keyed by the tables' bytes: a later start skips the YAML parse and the
up-front regex compile, an edited table is read and validated again, a damaged cache entry is ignored."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agents.rules import PROMPTS_DIR, load_rulebook
from memory.errors import ConfigError


@pytest.fixture
def tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, folder)
    return folder


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "swarm").glob("rulebook-*.json"))


def test_the_first_load_caches_the_parsed_tables_and_the_next_uses_them(tables: Path, tmp_path: Path) -> None:
    first = load_rulebook(tables)
    [entry] = entries(tmp_path)
    assert set(json.loads(entry.read_text())) == {"fixes", "aliases", "safety"}
    second = load_rulebook(tables)
    assert [r.spec.id for r in second.rules] == [r.spec.id for r in first.rules]
    assert "regex" not in vars(second.rules[0])  # not compiled until a rule is used
    assert second.rules[0].regex.pattern == first.rules[0].regex.pattern


def test_an_edited_table_is_validated_again(tables: Path, tmp_path: Path) -> None:
    load_rulebook(tables)
    text = (tables / "known_fixes.yaml").read_text()
    (tables / "known_fixes.yaml").write_text(text.replace("pattern: ", "pattern: '(unclosed' #", 1))
    with pytest.raises(ConfigError, match="does not compile"):
        load_rulebook(tables)


def test_a_damaged_cache_entry_is_ignored(tables: Path, tmp_path: Path) -> None:
    load_rulebook(tables)
    [entry] = entries(tmp_path)
    entry.write_text("{not json")
    assert load_rulebook(tables).rules  # read from the YAML again
    assert json.loads(entry.read_text())  # and cached again


def test_a_tampered_cache_entry_is_a_clear_error_not_a_traceback(tables: Path, tmp_path: Path) -> None:
    load_rulebook(tables)
    [entry] = entries(tmp_path)
    data = json.loads(entry.read_text())
    data["fixes"]["rules"][0]["pattern"] = "(unclosed"
    entry.write_text(json.dumps(data))
    book = load_rulebook(tables)
    broken = next(r for r in book.rules if r.spec.pattern == "(unclosed")
    with pytest.raises(ConfigError, match="fixes check"):
        _ = broken.regex
    assert load_rulebook(tables, full=True).rules  # `fixes check` reads the tables themselves


def test_the_records_hold_every_field_the_schema_validates() -> None:
    """The plain records (what a cached start builds) and the pydantic schema (what a new table is checked
    against) name the same fields, so a field added to one cannot be silently dropped by the other."""
    from dataclasses import fields

    from agents import rules, rules_schema

    pairs = [(rules.RuleSpec, rules_schema.RuleSpec), (rules.EntityContext, rules_schema.EntityContext),
             (rules.Reclassify, rules_schema.Reclassify), (rules.Fallback, rules_schema.Fallback),
             (rules.Safety, rules_schema.SafetyFile)]
    for record, schema in pairs:
        assert {f.name for f in fields(record)} == set(schema.model_fields) - {"version"}, record.__name__


def test_a_cached_start_diagnoses_without_loading_the_state_models(tables: Path, tmp_path: Path) -> None:
    """`swarm analyze` answers from plain records: neither pydantic nor YAML is imported once the tables are cached
    (that import alone is several times a bare interpreter's start)."""
    import os
    import subprocess
    import sys

    log = tmp_path / "small.log"
    log.write_text("Traceback (most recent call last):\nModuleNotFoundError: No module named 'yaml'\n")
    code = ("import sys, runpy; sys.argv = ['swarm', 'analyze', sys.argv[1]]\n"
            "try:\n    runpy.run_module('swarm', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml', 'langgraph')), file=sys.stderr)")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "SWARM_ARTIFACTS": str(tmp_path / "artifacts")}
    root = Path(__file__).resolve().parents[2]
    first = subprocess.run([sys.executable, "-c", code, str(log)], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert "missing_dependency" in first.stdout, first.stderr
    second = subprocess.run([sys.executable, "-c", code, str(log)], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert "missing_dependency" in second.stdout
    assert second.stderr.strip().splitlines()[-1] == "[]", second.stderr


def test_old_cache_entries_are_pruned(tables: Path, tmp_path: Path) -> None:
    from agents.rules import KEEP_CACHED

    folder = tmp_path / "cache" / "swarm"
    folder.mkdir(parents=True)
    for i in range(KEEP_CACHED + 5):
        (folder / f"rulebook-old{i:02d}.json").write_text("{}")
    load_rulebook(tables)
    kept = entries(tmp_path)
    assert len(kept) == KEEP_CACHED and any("old" not in p.name for p in kept)
