import shutil
from pathlib import Path

import pytest

from agents.rules import PROMPTS_DIR, load_rulebook
from memory.errors import ConfigError
from swarm.cli import main
from swarm.fixes import problems


def test_shipped_tables_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fixes", "check"]) == 0
    out = capsys.readouterr().out
    assert "0 errors, 0 warnings" in out  # every category's rules cover >= 3 tools, each with an example
    assert main(["fixes", "list"]) == 0


def test_a_category_written_from_one_tool_is_warned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11: phrase families, not lines. A category whose rules all come from one tool's wording is flagged."""
    import yaml

    from swarm.fixes import tool_coverage

    d = _copy(tmp_path)
    data = yaml.safe_load((d / "known_fixes.yaml").read_text())
    for rule in data["rules"]:
        if rule["category"] == "lockfile_mismatch":
            rule["tools"] = ["npm"]
            rule["examples"] = [next(iter(e.values())) if isinstance(e, dict) else e for e in rule["examples"]]
    data["rules"][0]["examples"].append({"yarn": data["rules"][0]["examples"][0]
                                         if isinstance(data["rules"][0]["examples"][0], str)
                                         else next(iter(data["rules"][0]["examples"][0].values()))})
    (d / "known_fixes.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    warnings = tool_coverage(load_rulebook(d))
    assert any(w.startswith("category lockfile_mismatch: its rules cover 1 tool(s) (npm)") for w in warnings), warnings
    assert any("tagged 'yarn', which is not in its tools" in w for w in warnings)
    assert not any(w.startswith("category missing_dependency") for w in warnings)


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
