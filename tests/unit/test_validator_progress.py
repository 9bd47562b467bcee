"""Progress detection: a candidate that cures its failure while start-up stops at another one is kept for
stacking, also when the next failure is of the same kind but names something else (a second missing package)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agents import validator
from agents.ports import CommandResult
from memory.models import CheckResult, FixCandidate
from tests.unit.test_agents import ctx

TRACE = 'Traceback (most recent call last):\n  File "/srv/app.py", line 4, in <module>\n    import {mod}\nModuleNotFoundError: No module named \'{mod}\'\n'


class Tree:
    """Just enough Workspace for the validator: a checkout folder, commands that pass, the repo's files."""

    def __init__(self, root: Path) -> None:
        self.root, self.branch = root, "main"

    def checkout(self, name: str, sha: str) -> Path:
        (self.root / name).mkdir(parents=True, exist_ok=True)
        return self.root / name

    def apply(self, tree: Path, diff: str) -> None:
        return None

    def discard(self, path: Path) -> None:
        return None

    def run(self, command: str, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> CommandResult:
        return CommandResult(command, 0, "", 0.01)

    def files(self, sha: str | None = None) -> list[str]:
        return ["app.py", "helpers/__init__.py", "helpers/util.py", "requirements.txt"]


class Smoke:
    def __init__(self, output: str) -> None:
        self.output = output

    def smoke(self, tree: Path, timeout: float, gate: Callable[[], None] | None = None) -> list[CheckResult]:
        return [CheckResult(name="build", ok=True), CheckResult(name="start-and-health", ok=False, output=self.output)]


def _run(tmp_path: Path, next_module: str) -> object:
    c = ctx(tmp_path)
    c.workspace, c.sandbox = Tree(tmp_path), Smoke(TRACE.format(mod=next_module))  # type: ignore[assignment]
    cand = FixCandidate(id="a1-add_dependency", strategy="add_dependency", summary="add PyYAML", diff="x")
    return validator.validate(c, cand, "missing_dependency", "abc", "v0", fingerprint="f" * 16, entity="PyYAML")


def test_a_second_missing_package_is_progress(tmp_path: Path) -> None:
    r = _run(tmp_path, "dateutil")
    assert not r.passed and r.progress and r.next_failure.entity == "python-dateutil"  # type: ignore[attr-defined]


def test_the_same_package_again_is_not_progress(tmp_path: Path) -> None:
    r = _run(tmp_path, "yaml")
    assert not r.progress and r.next_failure is None  # type: ignore[attr-defined]


def test_a_local_module_is_judged_with_the_repository_files(tmp_path: Path) -> None:
    r = _run(tmp_path, "Helpers")  # differs from helpers/ only in case: an import error, never a PyPI name
    assert r.progress and r.next_failure.category == "import_error"  # type: ignore[attr-defined]


def test_a_transient_failure_in_the_check_is_not_progress(tmp_path: Path) -> None:
    """A registry hiccup during the candidate's build proves nothing: stacking a redeploy on an unproven change would
    ship the change unchecked (and a redeploy would drop it)."""
    c = ctx(tmp_path)
    c.workspace = Tree(tmp_path)  # type: ignore[assignment]
    c.sandbox = Smoke("npm error code ETIMEDOUT\nnpm error network request to https://registry.npmjs.org/x failed, reason: "  # type: ignore[assignment]
                      "connect ETIMEDOUT 104.16.0.35:443\n")
    cand = FixCandidate(id="a1-add_dependency", strategy="add_dependency", summary="add x", diff="x")
    r = validator.validate(c, cand, "missing_dependency", "abc", "v0", fingerprint="f" * 16, entity="x")
    assert not r.passed and not r.progress and r.next_failure is None


def test_a_redeploy_strategy_carrying_a_change_is_checked_like_any_change(tmp_path: Path) -> None:
    c = ctx(tmp_path)
    c.workspace, c.sandbox = Tree(tmp_path), Smoke(TRACE.format(mod="yaml"))  # type: ignore[assignment]
    cand = FixCandidate(id="a1-add_dependency+retry", strategy="retry", summary="add x; then redeploy", diff="diff --git a/p b/p\n")
    r = validator.validate(c, cand, "missing_dependency", "abc", "v0", fingerprint="f" * 16, entity="PyYAML")
    assert not r.passed and [ch.name for ch in r.checks][-1] == "start-and-health"


def test_the_fixer_never_stacks_a_redeploy_on_a_change(tmp_path: Path) -> None:
    from agents import fixer
    from memory.models import FailureReport

    c = ctx(tmp_path)
    c.workspace = Tree(tmp_path)  # type: ignore[assignment]
    below = FixCandidate(id="a1-add_dependency", strategy="add_dependency", summary="add x", diff="diff --git a/p b/p\n")
    found, notes = fixer.propose(c, FailureReport(category="network_transient"), ["retry"], "abc", "s", 1, stack=below)
    assert found == [] and "not stacked on a1-add_dependency" in notes[0]


def test_a_stacked_fix_remembers_the_strategies_below_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The failure the platform showed is cured by the bottom layer of a stack: the fix records its layers, so the
    learning state credits that strategy, not the last one stacked on it."""
    from agents import fixer
    from agents.strategies import StrategyResult
    from memory.models import FailureReport

    class Diffing(Tree):
        def diff(self, tree: Path) -> str:
            return "diff --git a/requirements.txt b/requirements.txt\n"

    c = ctx(tmp_path)
    c.workspace = Diffing(tmp_path)  # type: ignore[assignment]
    monkeypatch.setattr(fixer, "registry", lambda: {"relax_pin": lambda r, t, tools: StrategyResult("cap werkzeug", {}, 0.5)})
    below = FixCandidate(id="a1-cap_new_major+relax_pin", strategy="relax_pin", summary="cap flask-sqlalchemy; then cap flask",
                         diff="x", layers=["cap_new_major"])
    [found], _ = fixer.propose(c, FailureReport(category="dependency_conflict", entity="Werkzeug"), ["relax_pin"], "abc", "s", 1,
                               stack=below)
    assert found.id == "a1-cap_new_major+relax_pin+relax_pin" and found.layers == ["cap_new_major", "relax_pin"]


def test_a_strategy_that_breaks_on_the_repository_does_not_end_the_heal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A strategy that meets a file it cannot read (a UTF-16 Procfile read as UTF-8) is reported and skipped; the
    strategies after it still propose their candidates."""
    from agents import fixer
    from agents.strategies import StrategyResult
    from memory.errors import WorkspaceError
    from memory.models import FailureReport

    class Diffing(Tree):
        def diff(self, tree: Path) -> str:
            return "diff --git a/Procfile b/Procfile\n"

    def broken(r: object, t: Path, tools: object) -> StrategyResult:
        return StrategyResult(b"\xff\xfew\x00".decode("utf-8"), {})

    c = ctx(tmp_path)
    c.workspace = Diffing(tmp_path)  # type: ignore[assignment]
    monkeypatch.setattr(fixer, "registry", lambda: {"fix_start_command": broken,
                                                    "fix_text_encoding": lambda r, t, tools: StrategyResult("re-save", {}, 0.8)})
    found, notes = fixer.propose(c, FailureReport(category="start_command"), ["fix_start_command", "fix_text_encoding"],
                                 "abc", "s", 1)
    assert [f.strategy for f in found] == ["fix_text_encoding"]
    assert notes[0].startswith("fix_start_command: failed (UnicodeDecodeError") and "bug in swarm" in notes[0]

    def workspace_down(r: object, t: Path, tools: object) -> StrategyResult:
        raise WorkspaceError("git worktree failed")

    monkeypatch.setattr(fixer, "registry", lambda: {"fix_start_command": workspace_down})
    with pytest.raises(WorkspaceError):
        fixer.propose(c, FailureReport(category="start_command"), ["fix_start_command"], "abc", "s", 1)


@pytest.mark.parametrize(("data", "says"), [
    (b'{"name": "api", "engines": {"node": "14.x"},}\n', "package.json is not valid JSON"),
    ('{"name": "api", "engines": {"node": "14.x"}}\n'.encode("utf-16"), "package.json is not UTF-8 text"),
])
def test_a_manifest_that_is_not_what_its_name_says_is_declined_for_a_person(tmp_path: Path, data: bytes, says: str) -> None:
    """A package.json with a trailing comma, or saved as UTF-16, stops the runtime strategy: that is the repository's
    file to fix, so the note names the file and what is wrong with it instead of reporting a bug in swarm."""
    from agents import fixer
    from memory.models import FailureReport

    class Corrupt(Tree):
        def checkout(self, name: str, sha: str) -> Path:
            tree = super().checkout(name, sha)
            (tree / "package.json").write_bytes(data)
            (tree / "server.js").write_text("require('http').createServer().listen(process.env.PORT)\n")
            return tree

    c = ctx(tmp_path)
    c.workspace = Corrupt(tmp_path)  # type: ignore[assignment]
    found, notes = fixer.propose(c, FailureReport(category="runtime_version", entity="node-18"), ["set_runtime_version"],
                                 "abc", "s", 1)
    assert found == []
    assert len(notes) == 1 and notes[0].startswith("set_runtime_version: declined: " + says), notes
    assert "bug in swarm" not in notes[0]


@pytest.mark.parametrize(("entry", "separate"), [("app.py", False), ("src/web/main.py", False), ("build/serve.py", True)])
def test_the_entry_point_is_compiled_once(tmp_path: Path, entry: str, separate: bool) -> None:
    """compileall already compiles the Procfile's entry point; a separate py_compile runs only for one in a folder that
    check skips (build/, dist/, a virtual environment)."""
    (tmp_path / entry).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / entry).write_text("print('hi')\n")
    (tmp_path / "Procfile").write_text(f"web: python {entry}\n")
    names = [name for name, _ in validator.default_checks(tmp_path)]
    assert names == ["python-compile", *(["entry-point-compiles"] if separate else [])]
