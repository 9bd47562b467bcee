"""The fault-injection generator (scripts/gen_scenarios.py) and, for every variant it writes, the strategy that must
fix it, run on the generated files themselves (no deploys: the sample's deploys are `swarm bench`'s job)."""

from __future__ import annotations

import ast
import filecmp
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from packaging.version import Version

from agents.strategies import StrategyDeclined, Tools, jsflow, pyreqs
from agents.strategies.bind_port import bind_port
from agents.strategies.fix_import_path import fix_import_path
from agents.strategies.fix_start_command import fix_start_command
from agents.strategies.relax_pin import relax_pin
from agents.strategies.set_runtime_version import set_runtime_version
from memory.models import FailureReport
from tests.unit.test_strategies import ScriptedWorkspace

ROOT = Path(__file__).resolve().parents[2]


def _gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_scenarios", ROOT / "scripts" / "gen_scenarios.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_scenarios"] = module
    spec.loader.exec_module(module)
    return module


GEN = _gen()
ALL = GEN.generate(11)


def test_generator_covers_archetypes_families_and_variants() -> None:
    assert len(ALL) >= 150
    assert len({s.id for s in ALL}) == len(ALL)
    assert {s.archetype for s in ALL} >= {"http-server", "wsgiref", "flask", "fastapi", "django", "aiohttp", "express",
                                           "fastify", "next-build", "worker"}
    assert {s.family for s in ALL} >= {"missing_dependency", "port_binding", "dependency_conflict", "import_error",
                                        "start_command", "runtime_version", "lockfile_mismatch", "network_transient"}
    variants = {s.variant for s in ALL}
    assert {"top-level-import", "lazy-in-handler", "in-submodule", "try-except-fallback", "pinned-twice", "constraints-file",
            "script-with-relative-imports", "stale-after-rename", "config-dict", "argparse-default", "click-default",
            "function-default", "other-env-variable", "options-object", "config-module", "lockfile-drift", "engines"} <= variants


def test_every_generated_source_parses() -> None:
    for sc in ALL:
        for files in (sc.app, sc.base or {}):
            for rel, text in files.items():
                if rel.endswith(".py"):
                    ast.parse(text, filename=f"{sc.id}/{rel}")
                elif rel.endswith(".js"):
                    assert jsflow.parses(text), f"{sc.id}/{rel}"


def test_the_committed_sample_is_the_generators_output(tmp_path: Path) -> None:
    GEN.write(GEN.sample(ALL, 40, 11), tmp_path)
    committed = ROOT / "scripts" / "scenarios-sample"
    cmp = filecmp.dircmp(committed, tmp_path)

    def same(c: filecmp.dircmp[str]) -> bool:
        return not (c.left_only or c.right_only or c.diff_files) and all(same(sub) for sub in c.subdirs.values())

    assert same(cmp), "scripts/scenarios-sample is stale: run python scripts/gen_scenarios.py --sample 40 --seed 11 --out scripts/scenarios-sample"
    assert len({s.family for s in GEN.sample(ALL, 40, 11)}) == len({s.family for s in ALL})


def _materialise(sc: object, tmp: Path) -> Path:
    """The pushed tree of a scenario; with base/, as a git history (base commit, then app) like the bench makes."""
    tree = tmp / "tree"
    tree.mkdir()
    git = ["git", "-C", str(tree), "-c", "user.name=t", "-c", "user.email=t@t"]

    def put(files: dict[str, str]) -> None:
        for child in tree.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        for rel, text in files.items():
            (tree / rel).parent.mkdir(parents=True, exist_ok=True)
            (tree / rel).write_text(text)

    if sc.base:  # type: ignore[attr-defined]
        subprocess.run([*git, "init", "-q"], check=True)
        put(sc.base)  # type: ignore[attr-defined]
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-qm", "base"], check=True)
    put(sc.app)  # type: ignore[attr-defined]
    if sc.base:  # type: ignore[attr-defined]
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-qm", "app"], check=True)
    return tree


def _changed(tree: Path, before: dict[str, str]) -> set[str]:
    now = {str(p.relative_to(tree)): p.read_text() for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts}
    return {k for k in set(now) | set(before) if now.get(k) != before.get(k)}


def _by_family(family: str) -> list[object]:
    return [s for s in ALL if s.family == family]


@pytest.mark.parametrize("sc", _by_family("port_binding"), ids=lambda s: s.id)
def test_bind_port_fixes_every_port_variant(sc: object, tmp_path: Path) -> None:
    tree = _materialise(sc, tmp_path)
    bind_port(FailureReport(category="port_binding"), tree, None)  # type: ignore[arg-type]
    changed = _changed(tree, sc.app)  # type: ignore[attr-defined]
    assert changed & set(sc.must_touch), changed  # type: ignore[attr-defined]
    for rel in changed:
        text = (tree / rel).read_text()
        assert "PORT" in text
        if rel.endswith(".py"):
            ast.parse(text)
        elif rel.endswith(".js"):
            assert jsflow.parses(text)


@pytest.mark.parametrize("sc", [s for s in ALL if s.family in ("start_command", "import_error") and s.variant != "case-mismatch"],
                         ids=lambda s: s.id)
def test_fix_start_command_fixes_every_start_variant(sc: object, tmp_path: Path) -> None:
    tree = _materialise(sc, tmp_path)
    fix_start_command(FailureReport(category=sc.category), tree, Tools(ScriptedWorkspace({})))  # type: ignore[attr-defined]
    changed = _changed(tree, sc.app)  # type: ignore[attr-defined]
    assert changed & set(sc.must_touch), changed  # type: ignore[attr-defined]
    procfile = (tree / "Procfile").read_text()
    if sc.variant == "stale-after-rename":  # type: ignore[attr-defined]
        assert sc.archetype != "x" and Path(next(f for f in sc.app if f.endswith(".py") and f != "admin.py")).name in procfile  # type: ignore[attr-defined]
    if sc.variant == "script-with-relative-imports":  # type: ignore[attr-defined]
        assert " -m " in procfile


@pytest.mark.parametrize("sc", [s for s in ALL if s.variant == "case-mismatch"], ids=lambda s: s.id)
def test_fix_import_path_fixes_the_case_mismatch(sc: object, tmp_path: Path) -> None:
    tree = _materialise(sc, tmp_path)
    fix_import_path(FailureReport(category="import_error", entity="Helpers.text"), tree, Tools(ScriptedWorkspace({})))
    assert "from helpers.text import shout" in (tree / sc.must_touch[0]).read_text()  # type: ignore[attr-defined]


INDEX = {"pip index versions six": (0, "six (1.17.0)\nAvailable versions: 1.17.0, 1.16.0, 1.15.0")}


@pytest.mark.parametrize("sc", [s for s in _by_family("dependency_conflict") if s.archetype not in ("express", "fastify", "next-build")],
                         ids=lambda s: s.id)
def test_relax_pin_settles_every_python_pin_variant(sc: object, tmp_path: Path) -> None:
    tree = _materialise(sc, tmp_path)
    relax_pin(FailureReport(category="dependency_conflict", entity="six", ecosystem="python"), tree, Tools(ScriptedWorkspace(INDEX)))
    decls = pyreqs.declarations(tree, "six")
    assert len({d.path for d in decls}) == len(decls), "declared once per file"
    wanted = [d for d in decls if not d.constraint]
    pins = {v for d in decls for v in pyreqs.exact_pins([d])}
    assert len(pins) == 1
    (pin,) = pins
    assert all(Version(pin) in d.specifier for d in wanted) and pin in ("1.17.0", "1.16.0", "1.15.0")


@pytest.mark.parametrize("sc", _by_family("runtime_version"), ids=lambda s: s.id)
def test_set_runtime_version_fixes_every_runtime_variant(sc: object, tmp_path: Path) -> None:
    tree = _materialise(sc, tmp_path)
    report = FailureReport(category="runtime_version", ecosystem="node" if "package.json" in sc.app else "python")  # type: ignore[attr-defined]
    tools = Tools(ScriptedWorkspace({"npm install": (0, "")}), runtimes={"python": ["3.11.7"], "node": ["20.11.1"]})
    try:
        set_runtime_version(report, tree, tools)
    except StrategyDeclined as exc:  # pragma: no cover - the message is the assertion
        pytest.fail(str(exc))
    assert _changed(tree, sc.app) & set(sc.must_touch)  # type: ignore[attr-defined]


LAZY_PY = [s for s in _by_family("missing_dependency") if s.variant == "lazy-in-handler" and "requirements.txt" in s.app]


@pytest.mark.parametrize("sc", LAZY_PY, ids=lambda s: s.id)
def test_declare_imports_finds_every_lazy_import_nobody_declares(sc: object, tmp_path: Path) -> None:
    """Without the traceback (Django with DEBUG off answers HTTP 500 and logs nothing), the undeclared import the handler
    makes is found in the code; pip's resolution is scripted as the declared requirements themselves."""
    import json

    from agents.rules import load_rulebook
    from agents.strategies.declare_imports import declare_imports

    tree = _materialise(sc, tmp_path)
    declared = [pyreqs.parse_line(line) for line in (tree / "requirements.txt").read_text().splitlines()]
    report = {"install": [{"metadata": {"name": r.name}} for r in declared if r is not None]}
    aliases = dict(load_rulebook().python_aliases)
    tools = Tools(ScriptedWorkspace({"pip install --dry-run": (0, json.dumps(report)),  # type: ignore[arg-type]
                                     "pip index versions": (1, "no index here")}), aliases=aliases)
    result = declare_imports(FailureReport(category="runtime_error"), tree, tools)
    module = result.params["import"]
    assert f"imports {module} (lazy in handler)" in sc.summary  # type: ignore[attr-defined]
    assert (tree / "requirements.txt").read_text().splitlines()[-1] == aliases.get(module, module)
