"""Validator: proves a candidate locally before it costs a deploy.

Each candidate is applied to its own fresh checkout of the deployed commit; the safety policy is
enforced first, then the checks run with a timeout: the user's ``[validate] commands`` and, by
default, a compile check of the sources and the entry point named by the Procfile.
"""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Callable
from pathlib import Path

from agents.analyzer import analyze, local_python_modules
from agents.context import AgentContext
from agents.policy import diff_paths
from agents.safepath import escaping_links, links_withdrawn, touches_link
from agents.strategies import NO_CHANGE
from memory.errors import WorkspaceError
from memory.models import CheckResult, FixCandidate, ValidationResult

_EXCLUDE = r"(^|/)(\.venv|venv|env|node_modules|\.git|build|dist)/"


def default_checks(tree: Path) -> list[tuple[str, str]]:
    checks: list[tuple[str, str]] = []
    if any(tree.glob("*.py")) or any(tree.glob("*/**/*.py")):
        checks.append(("python-compile", f"python -m compileall -q -x {shlex.quote(_EXCLUDE)} ."))
    if (tree / "pyproject.toml").is_file():
        checks.append(("pyproject-parses", "python -c \"import tomllib; tomllib.load(open('pyproject.toml','rb'))\""))
    if (tree / "package.json").is_file():
        checks.append(("package-json-parses", "node -e \"JSON.parse(require('fs').readFileSync('package.json','utf8'))\""))
    entry = procfile_web(tree)
    if entry:
        for token in shlex.split(entry)[1:]:
            # compileall above already compiled it unless it sits in a folder that check skips
            if token.endswith(".py") and (tree / token).is_file() and re.search(_EXCLUDE, f"./{token}"):
                checks.append(("entry-point-compiles", f"python -m py_compile {shlex.quote(token)}"))
            elif token.endswith((".js", ".cjs", ".mjs")) and (tree / token).is_file():
                checks.append(("entry-point-parses", f"node --check {shlex.quote(token)}"))
    return checks


def procfile_web(tree: Path) -> str | None:
    try:
        text = (tree / "Procfile").read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        m = re.match(r"^\s*web\s*:\s*(.+)$", line)
        if m:
            return m.group(1).strip()
    return None


def validate(ctx: AgentContext, candidate: FixCandidate, category: str, base_sha: str, checkout_name: str,
             fingerprint: str = "", entity: str | None = None, gate: Callable[[], None] | None = None) -> ValidationResult:
    start = time.monotonic()
    reasons = ctx.policy.check(candidate, category)
    if reasons:
        return ValidationResult(candidate_id=candidate.id, passed=False, policy_ok=False, policy_reasons=reasons,
                                seconds=round(time.monotonic() - start, 3))
    if candidate.strategy in NO_CHANGE and not candidate.diff.strip():
        check = CheckResult(name="no-change", ok=True, output="no file changes: the deployed commit is rebuilt as it is")
        return ValidationResult(candidate_id=candidate.id, passed=True, checks=[check], seconds=0.0)
    checks: list[CheckResult] = []
    tree = ctx.workspace.checkout(checkout_name, base_sha)
    try:
        through = touches_link(candidate.files or sorted(diff_paths(candidate.diff)), escaping_links(tree))
        if through:
            return ValidationResult(candidate_id=candidate.id, passed=False, policy_ok=False,
                                    policy_reasons=[link.reason() for link in through], seconds=round(time.monotonic() - start, 3))
        t0 = time.monotonic()
        try:
            ctx.workspace.apply(tree, candidate.diff)
            checks.append(CheckResult(name="applies", ok=True, seconds=round(time.monotonic() - t0, 3)))
        except WorkspaceError as exc:
            checks.append(CheckResult(name="applies", ok=False, output=str(exc)[-2000:]))
            return ValidationResult(candidate_id=candidate.id, passed=False, checks=checks, seconds=round(time.monotonic() - start, 3))
        # checks and the smoke build see the repository as a platform's clone would: no links out of it
        with links_withdrawn(tree):
            _run_checks(ctx, tree, checks, gate)
    finally:
        ctx.workspace.discard(tree)
    passed = all(c.ok for c in checks)
    verdict = ValidationResult(candidate_id=candidate.id, passed=passed, checks=checks, seconds=round(time.monotonic() - start, 3),
                               base_sha=base_sha)
    failed = next((c for c in checks if not c.ok), None)
    if failed is not None and failed.name in ("build", "start-and-health") and fingerprint:
        files = ctx.workspace.files(base_sha)
        nxt = analyze(failed.output, ctx.rules, never_autofix=ctx.policy.never_autofix,
                      local_modules=local_python_modules(files), repo_files=files)
        # progress: the candidate cured its failure and the start-up now stops at another one (another category,
        # or the same kind naming something else: a second missing package), which the next round can fix on top
        other = nxt.category != category or bool(nxt.entity and entity and nxt.entity.lower() != entity.lower())
        # a transient failure in the check (a registry hiccup: its only fix is to try again) proves nothing either way
        transient = all(s in NO_CHANGE for s in ctx.rules.strategies.get(nxt.category, ["?"]))
        if nxt.category != "unknown" and nxt.fingerprint != fingerprint and other and not transient:
            verdict = verdict.model_copy(update={"progress": True, "next_failure": nxt})
    return verdict


def run_checks(ctx: AgentContext, tree: Path, gate: Callable[[], None] | None = None) -> list[CheckResult]:
    """The checks a candidate gets, on ``tree`` as it is (the rehearsal runs them on the deployed commit)."""
    checks: list[CheckResult] = []
    _run_checks(ctx, tree, checks, gate)
    return checks


def _run_checks(ctx: AgentContext, tree: Path, checks: list[CheckResult], gate: Callable[[], None] | None = None) -> None:
    commands = [*default_checks(tree), *((f"validate[{i}]", c) for i, c in enumerate(ctx.options.validate_commands))]
    for name, command in commands:
        result = ctx.workspace.run(command, tree, timeout=ctx.options.validate_timeout_s)
        output = result.output[-4000:]
        if result.timed_out:
            output += f"\n(timed out after {ctx.options.validate_timeout_s:.0f}s)"
        checks.append(CheckResult(name=name, ok=result.ok, seconds=round(result.seconds, 3), output=f"$ {command}\n{output}"))
        if not result.ok:
            return
    if ctx.sandbox is not None and ctx.options.smoke_check:
        checks.extend(ctx.sandbox.smoke(tree, timeout=ctx.options.validate_timeout_s, gate=gate))


def select(candidates: list[FixCandidate], results: list[ValidationResult]) -> FixCandidate | None:
    """The first passing candidate in the Optimizer's order (its ranking already weighs evidence)."""
    passed = {r.candidate_id for r in results if r.passed}
    ok = [c for c in candidates if c.id in passed]
    if not ok:
        return None
    return ok[0]
