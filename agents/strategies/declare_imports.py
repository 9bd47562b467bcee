"""declare_imports: an error that names nothing may be a package the code imports and nobody declares.

A handler that fails with HTTP 500 and no traceback (Django with ``DEBUG = False``, a framework that
turns the exception into a response) tells the logs nothing; the code does. Every absolute import in
the repository's Python files (``ast``; tests and ``if TYPE_CHECKING:`` blocks left out) is checked
against the standard library, the repository's own modules and what the declared requirements
install: pip resolves them without installing anything (``pip install --dry-run --report``), so a
package that comes as another's dependency (Werkzeug under Flask) counts as declared. When the index
cannot be reached, only the declared names count, and the report says so.

Imports made inside functions come first (a missing top-level import of the entry module would
have stopped the start with a traceback). Each remaining module is one variant, declared the way
add_dependency declares a named package; the Validator's start-up check proves which one, if any,
cures the error before anything is deployed.
"""

from __future__ import annotations

import ast
import json
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name as canonical

from agents.analyzer import local_python_modules
from agents.strategies import StrategyDeclined, StrategyResult, Tools, pyreqs
from agents.strategies.add_dependency import add_dependency
from memory.models import FailureReport

SKIP = {".venv", "venv", "env", "node_modules", ".git", "build", "dist", "site-packages", "__pycache__"}
_TEST_DIRS = {"tests", "test", "testing"}
MAX_VARIANTS = 3


@dataclass(frozen=True)
class Use:
    module: str
    where: str
    lazy: bool


def _is_test(rel: Path) -> bool:
    name = rel.name
    return bool(_TEST_DIRS.intersection(rel.parts[:-1])) or name.startswith("test_") or name.endswith("_test.py") \
        or name == "conftest.py"


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _uses(module: ast.Module, rel: str) -> list[Use]:
    found: list[Use] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for stmt in node.orelse:
                visit(stmt, lazy)
            return
        if isinstance(node, ast.Import):
            found.extend(Use(a.name.split(".")[0], f"{rel}:{node.lineno}", lazy) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(Use(node.module.split(".")[0], f"{rel}:{node.lineno}", lazy))
        inner = lazy or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(module, False)
    return found


def module_imports(source: str) -> list[str]:
    """The top-level names a Python source imports absolutely (lazily too; TYPE_CHECKING blocks left out), in order;
    empty when it does not parse."""
    try:
        module = ast.parse(source)
    except SyntaxError:
        return []
    return list(dict.fromkeys(u.module for u in _uses(module, "")))


def imports(tree: Path) -> list[Use]:
    """Absolute imports of the application's own Python files, in file order."""
    uses: list[Use] = []
    files = [p for p in sorted(tree.rglob("*.py")) if p.is_file() and not SKIP.intersection(p.relative_to(tree).parts[:-1])]
    for path in files:
        rel = path.relative_to(tree)
        if _is_test(rel):
            continue
        try:
            module = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except SyntaxError:
            continue  # a file that does not parse is the compile check's business, not an import's
        uses.extend(_uses(module, str(rel)))
    return uses


def resolved(tree: Path, tools: Tools) -> set[str] | None:
    """Every distribution the declared requirements install (their dependencies included), as pip resolves them
    without installing; None when pip cannot resolve (no index, a broken requirement)."""
    if (tree / "requirements.txt").is_file():
        target = "-r requirements.txt"
    elif (tree / "pyproject.toml").is_file():
        target = "."
    else:
        return None
    constraints = " ".join(f"-c {shlex.quote(str(rel))}" for rel, c in pyreqs.requirement_files(tree) if c)
    result = tools.run("python -m pip install --dry-run --ignore-installed --quiet --disable-pip-version-check "
                       f"--report - {target} {constraints}".strip(), tree, 180)
    if not result.ok:
        return None
    text = result.output
    try:
        report = json.loads(text[text.index("{"):text.rindex("}") + 1])
    except (ValueError, json.JSONDecodeError):
        return None
    return {str(canonical(str(item.get("metadata", {}).get("name", "")))) for item in report.get("install", [])} - {""}


def undeclared(tree: Path, tools: Tools) -> tuple[list[Use], bool]:
    """Imports no declared requirement provides (lazy ones first), and whether pip's resolution was used."""
    files = [str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_file()]
    local = local_python_modules(files)
    stdlib = set(sys.stdlib_module_names) | {"__future__", "__main__"}
    installed = pyreqs.installed_files(tree) if (tree / "requirements.txt").is_file() else None
    provided = {str(canonical(d.requirement.name)) for d in pyreqs.all_declarations(tree) if not d.constraint
                and (installed is None or d.path in installed or not d.path.endswith(".txt"))}
    installs = resolved(tree, tools)
    if installs is not None:
        provided |= installs
    seen: dict[str, Use] = {}
    for use in imports(tree):
        name = use.module
        if name in stdlib or name in local or name.startswith("_"):
            continue
        dist = tools.aliases.get(name, name)
        if canonical(dist) in provided or canonical(name) in provided:
            continue
        if name not in seen or (use.lazy and not seen[name].lazy):
            seen[name] = use
    ordered = sorted(seen.values(), key=lambda u: (not u.lazy, list(seen).index(u.module)))
    return ordered, installs is not None


def declare_imports(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    if not ((tree / "requirements.txt").is_file() or (tree / "pyproject.toml").is_file()):
        raise StrategyDeclined("not a Python project with requirements.txt or pyproject.toml")
    missing, complete = undeclared(tree, tools)
    if not missing:
        raise StrategyDeclined("every package the code imports is declared (or comes with a declared one)")
    missing = missing[:MAX_VARIANTS]
    use = missing[min(tools.variant, len(missing) - 1)]
    dist = tools.aliases.get(use.module, use.module)
    named = report.model_copy(update={"category": "missing_dependency", "entity": dist, "ecosystem": "python"})
    result = add_dependency(named, tree, tools)
    how = "" if complete else " (pip could not resolve the requirements: only the declared names were compared)"
    where = "inside a function" if use.lazy else "at module level"
    return StrategyResult(
        f"{result.summary}: {use.where} imports {use.module} {where} and no declared requirement provides it{how}",
        {**result.params, "import": use.module, "where": use.where, "resolved": complete},
        predicted_success=0.5 if use.lazy else 0.3, cost=result.cost, alternatives=len(missing),
    )
