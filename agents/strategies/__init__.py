"""Fix strategies: each turns a FailureReport into zero or one change in a fresh checkout.

A strategy edits files in ``tree`` (a worktree of the deployed commit) and may run the
ecosystem's own tools through the Workspace port; the Fixer then takes the diff from git.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.ports import Workspace
from memory.models import FailureReport


@dataclass(frozen=True)
class StrategyResult:
    summary: str
    params: dict[str, Any]
    predicted_success: float = 0.6
    cost: float = 1.0
    alternatives: int = 1
    """How many variants this strategy has for this failure (the Fixer asks for each, up to the budget)."""


class StrategyDeclined(Exception):
    """The strategy does not apply to this failure; the message says why (kept in the report)."""


@dataclass(frozen=True)
class Tools:
    """What a strategy may use besides the files of its checkout."""

    ws: Workspace
    runtimes: Mapping[str, list[str]] = field(default_factory=dict)
    """Language → versions the platform can run (e.g. {"python": ["3.11.7", "3.12.1"]})."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Python import name → distribution name (prompts/package_aliases.yaml)."""
    variant: int = 0
    """Which of several plausible fixes to make (0 = the most likely)."""
    attempt: int = 1
    """The fix attempt this candidate is for (1 = first), for backoff."""
    llm: Any = None
    """The LLM port, when a model is configured."""
    avoid: tuple[str, ...] = ()
    """Summaries of the candidates already proposed by this strategy (ask for something else)."""
    alias_ranges: dict[str, str] = field(default_factory=dict)
    """Python import name → the versions of its distribution that still ship it (``pkg_resources`` → ``<82``)."""

    def run(self, command: str, cwd: Path, timeout: float = 120) -> Any:
        return self.ws.run(command, cwd, timeout=timeout)


def write_json_like(path: Path, data: object) -> None:
    """Rewrite a JSON manifest keeping the file's own indentation, so the diff shows only the change."""
    original = path.read_text(encoding="utf-8") if path.is_file() else ""
    m = re.search(r"^([ \t]+)\S", original, re.M)
    path.write_text(json.dumps(data, indent=m.group(1) if m else 2, ensure_ascii=False) + "\n", encoding="utf-8")


def source_lines(text: str) -> list[str]:
    """Lines as Python numbers them (ends \\n, \\r\\n or \\r, kept as they are): ``str.splitlines`` also breaks at a
    form feed and other separators, inside one source line, and would shift every line number after it."""
    return io.StringIO(text, newline="").readlines()


def failure_text(report: FailureReport) -> str:
    """What the failure says: its root cause and its evidence lines, one per line."""
    return "\n".join([report.root_cause or "", *(e.text for e in report.evidence)])


def procfile_lines(tree: Path) -> list[str] | None:
    """The Procfile's lines (ends kept), or None when there is none or it is not UTF-8 (fix_text_encoding re-saves a
    UTF-16 one)."""
    procfile = tree / "Procfile"
    try:
        return procfile.read_text(encoding="utf-8").splitlines(keepends=True) if procfile.is_file() else None
    except UnicodeDecodeError:
        return None


Strategy = Callable[[FailureReport, Path, Tools], StrategyResult]
"""Edit ``tree`` to fix the failure, or raise StrategyDeclined."""


def registry() -> dict[str, Strategy]:
    from agents.strategies.add_dependency import add_dependency
    from agents.strategies.add_init_py import add_init_py
    from agents.strategies.bind_port import bind_port
    from agents.strategies.cap_new_major import cap_new_major
    from agents.strategies.create_missing_dir import create_missing_dir
    from agents.strategies.database_url_scheme import database_url_scheme
    from agents.strategies.declare_imports import declare_imports
    from agents.strategies.fix_import_path import fix_import_path
    from agents.strategies.fix_line_endings import fix_line_endings
    from agents.strategies.fix_start_command import fix_start_command
    from agents.strategies.fix_text_encoding import fix_text_encoding
    from agents.strategies.llm_patch import llm_patch
    from agents.strategies.relax_pin import relax_pin
    from agents.strategies.retry import retry
    from agents.strategies.set_module_type import set_module_type
    from agents.strategies.set_runtime_version import set_runtime_version
    from agents.strategies.swap_distribution import swap_distribution
    from agents.strategies.sync_lockfile import sync_lockfile
    from agents.strategies.trim_unused_dependencies import trim_unused_dependencies
    from agents.strategies.use_replacement import use_replacement
    from agents.strategies.yaml_safe_load import yaml_safe_load

    return {
        "add_dependency": add_dependency, "add_init_py": add_init_py, "bind_port": bind_port, "cap_new_major": cap_new_major,
        "create_missing_dir": create_missing_dir,
        "database_url_scheme": database_url_scheme, "declare_imports": declare_imports,
        "fix_import_path": fix_import_path, "fix_line_endings": fix_line_endings, "fix_start_command": fix_start_command,
        "fix_text_encoding": fix_text_encoding, "llm_patch": llm_patch, "relax_pin": relax_pin, "retry": retry,
        "set_module_type": set_module_type, "set_runtime_version": set_runtime_version, "swap_distribution": swap_distribution,
        "sync_lockfile": sync_lockfile,
        "trim_unused_dependencies": trim_unused_dependencies, "use_replacement": use_replacement,
        "yaml_safe_load": yaml_safe_load,
    }


NO_CHANGE = frozenset({"retry"})
"""Strategies that redeploy the same commit and change no file."""
