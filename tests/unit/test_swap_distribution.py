"""swap_distribution on real requirement files: a declared distribution that is another project than the one whose
module the code uses (PyPI's ``jwt`` is not PyJWT)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.rules import load_rulebook
from agents.strategies import StrategyDeclined
from agents.strategies.swap_distribution import swap_distribution
from memory.models import EvidenceLine, FailureReport
from tests.unit.test_strategies import tools, write

ALIASES = load_rulebook().python_aliases
PYJWT = {"pip index versions PyJWT": (0, "PyJWT (2.10.1)\nAvailable versions: 2.10.1, 2.10.0, 2.9.0, 1.7.1")}
NO_ENCODE = FailureReport(
    category="runtime_error", entity="app.py", ecosystem="python",
    root_cause="AttributeError: module 'jwt' has no attribute 'encode'",
    evidence=[EvidenceLine(line=60, text='  File "/opt/render/project/src/app.py", line 12, in healthz'),
              EvidenceLine(line=61, text='    token = jwt.encode({"ok": True}, SIGNING, algorithm="HS256")'),
              EvidenceLine(line=63, text="AttributeError: module 'jwt' has no attribute 'encode'")])
NO_CLIENT = FailureReport(
    category="dependency_conflict", entity="PyJWT", ecosystem="python",
    root_cause="ImportError: cannot import name 'PyJWKClient' from 'jwt' "
               "(/opt/render/project/src/.venv/lib/python3.11/site-packages/jwt/__init__.py)")


@pytest.mark.parametrize(("before", "after"), [
    ("flask\njwt\n", "flask\nPyJWT\n"),
    ("flask==3.0.3\njwt==1.3.1  # tokens\n", "flask==3.0.3\nPyJWT==2.10.1  # tokens\n"),
    ("Flask>=3\nJWT>=1.0\ngunicorn\n", "Flask>=3\nPyJWT==2.10.1\ngunicorn\n"),
])
def test_the_other_project_is_declared_as_the_one_the_code_uses(tmp_path: Path, before: str, after: str) -> None:
    write(tmp_path, {"requirements.txt": before})
    result = swap_distribution(NO_ENCODE, tmp_path, tools(PYJWT, aliases=ALIASES))
    assert (tmp_path / "requirements.txt").read_text() == after
    assert "instead of jwt" in result.summary and "another project" in result.summary
    assert result.params["to"] == "PyJWT"


def test_an_import_error_inside_site_packages_names_the_module_too(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "fastapi\njwt\nuvicorn\n"})
    swap_distribution(NO_CLIENT, tmp_path, tools(PYJWT, aliases=ALIASES))
    assert (tmp_path / "requirements.txt").read_text() == "fastapi\nPyJWT\nuvicorn\n"


def test_both_declared_the_wrong_one_is_removed(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "flask\njwt\nPyJWT==2.9.0\n", "requirements-dev.txt": "-r requirements.txt\njwt\n"})
    t = tools({}, aliases=ALIASES)
    result = swap_distribution(NO_ENCODE, tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "flask\nPyJWT==2.9.0\n"
    assert (tmp_path / "requirements-dev.txt").read_text() == "-r requirements.txt\n"
    assert result.summary.startswith("remove jwt from requirements-dev.txt, requirements.txt")
    assert t.ws.calls == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(("files", "why"), [
    ({"requirements.txt": "flask\nPyJWT\n"}, "PyJWT is not declared as jwt"),
    ({"requirements.txt": "flask\n", "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["jwt"]\n'},
     "project metadata"),
])
def test_declines(tmp_path: Path, files: dict[str, str], why: str) -> None:
    write(tmp_path, files)
    with pytest.raises(StrategyDeclined, match=why):
        swap_distribution(NO_ENCODE, tmp_path, tools(PYJWT, aliases=ALIASES))


def test_a_module_whose_distribution_has_its_name_is_left_alone(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "numpy\n"})
    report = FailureReport(category="runtime_error", ecosystem="python",
                           root_cause="AttributeError: module 'numpy' has no attribute 'float'")
    with pytest.raises(StrategyDeclined, match="names no module"):
        swap_distribution(report, tmp_path, tools({}, aliases=ALIASES))
    assert (tmp_path / "requirements.txt").read_text() == "numpy\n"


def test_a_standalone_distribution_that_overwrites_a_declared_ones_module_is_removed(tmp_path: Path) -> None:
    """pymongo ships its own bson package; PyPI's bson is another project that overwrites it."""
    write(tmp_path, {"requirements.txt": "flask\npymongo==4.10.1\nbson==0.5.10\n"})
    report = FailureReport(
        category="dependency_conflict", entity="bson", ecosystem="python",
        root_cause="ImportError: cannot import name 'SON' from 'bson' (/app/.venv/lib/python3.11/site-packages/bson/__init__.py)",
        evidence=[EvidenceLine(line=66, text='  File "/app/.venv/lib/python3.11/site-packages/pymongo/common.py", line 30, in <module>'),
                  EvidenceLine(line=67, text="    from bson import SON")])
    result = swap_distribution(report, tmp_path, tools({}, aliases=ALIASES))
    assert (tmp_path / "requirements.txt").read_text() == "flask\npymongo==4.10.1\n"
    assert "pymongo is declared and ships the same module" in result.summary
