import shutil
from pathlib import Path

import pytest

from agents.rules import PROMPTS_DIR, load_rulebook
from memory.errors import ConfigError
from swarm.cli import main
from swarm.fixes import problems


def test_shipped_tables_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fixes", "check"]) == 0
    assert "0 errors" in capsys.readouterr().out
    assert main(["fixes", "list"]) == 0


def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, d)
    return d


def test_shadowed_unmatchable_and_unanchored_rules_are_reported(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    extra = """
  - id: shadowed-copy
    category: missing_dependency
    anchors: ["No module named"]
    pattern: "No module named"
    precedence: 10
    examples: ["ModuleNotFoundError: No module named 'x'"]
  - id: never-matches
    category: unknown
    anchors: ["zzz"]
    pattern: "^zzz$"
    examples: ["something else"]
  - id: bad-anchor
    category: disk_space
    anchors: ["qqq"]
    pattern: "quota full"
    precedence: 99
    examples: ["disk quota full"]
"""
    text = (d / "known_fixes.yaml").read_text().replace("\nstrategies:", extra + "\nstrategies:")
    (d / "known_fixes.yaml").write_text(text)
    errors, _ = problems(load_rulebook(d))
    joined = "\n".join(errors)
    assert "shadowed-copy: shadowed by py-module-not-found" in joined
    assert "never-matches: can never match" in joined
    assert "bad-anchor: matches 'disk quota full' but none of its anchors" in joined


def test_invalid_entry_names_file_and_rule(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    text = (d / "known_fixes.yaml").read_text().replace("category: disk_space", "category: disk_spaec", 1)
    (d / "known_fixes.yaml").write_text(text)
    with pytest.raises(ConfigError, match=r"known_fixes.yaml.*rule 'disk-space'.*unknown category"):
        load_rulebook(d)
