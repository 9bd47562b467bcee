"""yaml_safe_load: PyYAML 6 made ``yaml.load``'s Loader argument required; the code calls it without one.

PyYAML 5.1 deprecated ``yaml.load(stream)`` without a Loader (it fell back to FullLoader with a warning) and 6.0
removed the fallback: ``TypeError: load() missing 1 required positional argument: 'Loader'``. PyYAML's documentation
says to use ``yaml.safe_load`` for anything that is not trusted code, which a configuration file is; the same holds
for ``load_all`` → ``safe_load_all``. The edit is made at the ``ast`` positions of ``<alias>.load(...)`` calls with one
positional argument and no ``Loader`` keyword, in the repository's own files, where ``<alias>`` is bound by
``import yaml`` / ``import yaml as y``; nothing else on the line changes. Capping PyYAML below 6 instead (what
cap_new_major would offer) keeps an old line and its unsafe default, and is impossible when PyYAML is pinned.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools
from agents.strategies.use_replacement import edit_own_python_files, respell
from memory.models import FailureReport

_MISSING_LOADER = re.compile(r"\b(?P<fn>load|load_all)\(\) missing 1 required positional argument: '?Loader'?")
_SAFE = {"load": "safe_load", "load_all": "safe_load_all"}


def yaml_safe_load(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    text = "\n".join([report.root_cause or "", *(e.text for e in report.evidence)])
    found = {m.group("fn") for m in _MISSING_LOADER.finditer(text)}
    if not found:
        raise StrategyDeclined("the error is not PyYAML 6's `load() missing 1 required positional argument: 'Loader'`")
    touched, sites = edit_own_python_files(tree, lambda path: _rewrite(path, found))
    if not touched:
        raise StrategyDeclined("no `yaml.load(stream)` without a Loader in the repository's own files (the call is in an "
                               "installed package, or imported as a bare name): a person must decide")
    return StrategyResult(f"call yaml.safe_load instead of yaml.load without a Loader ({sites} place{'s' if sites != 1 else ''} "
                          f"in {', '.join(touched)}): PyYAML 6 made the Loader required and recommends safe_load",
                          {"files": touched, "sites": sites}, 0.85)


def _rewrite(path: Path, functions: set[str]) -> int:
    try:
        text = path.read_bytes().decode("utf-8")  # line ends as they are
        tree = ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return 0
    aliases = {a.asname or "yaml" for node in ast.walk(tree) if isinstance(node, ast.Import)
               for a in node.names if a.name == "yaml"}
    if not aliases:
        return 0
    sites = [node.func for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in functions
             and isinstance(node.func.value, ast.Name) and node.func.value.id in aliases
             and len(node.args) == 1 and not node.keywords and node.func.lineno == node.func.end_lineno]
    if not sites:
        return 0
    return respell(path, text, sites, lambda attr: f"{attr.value.id}.{_SAFE[attr.attr]}")  # type: ignore[attr-defined]

