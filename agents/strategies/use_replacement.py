"""use_replacement: the library's own error names what replaces the attribute it removed, so the code uses that.

NumPy removed its aliases of the builtins in 1.24 and a list of names in 2.0, and says in the error what to write
instead: ``module 'numpy' has no attribute 'float'`` followed by "`np.float` was a deprecated alias for the builtin
`float`. To avoid this error in existing code, use `float` by itself. Doing this will not modify any behavior and is
safe", or "`np.NaN` was removed in the NumPy 2.0 release. Use `np.nan` instead." The same wording ("`old` was
removed ... Use `new` instead") is followed wherever a library uses it.

Only a replacement that is a plain name is used: a builtin (``float``) or another attribute of the same module
(``np.nan``); advice that is code (``np.asarray(arr, dtype=dtype)``) is left to a person or the model. The edit is
made at the ``ast`` positions of ``<alias>.<attr>`` in the repository's own Python files, where ``<alias>`` is bound
by ``import numpy`` / ``import numpy as np``; nothing else on the line changes. Pinning the older release instead
would hold the whole project back for one spelling, and the message says the new spelling changes nothing.

The standard library says nothing, but shows it: ``module 'collections' has no attribute 'Mapping'`` on Python 3.10+
is a name a newer release took out of ``collections``, still defined in exactly one of its public submodules
(``collections.abc``: :func:`~agents.strategies.fix_import_path.stdlib_home`). The attribute is then spelled through
that submodule (``collections.abc.Mapping``, ``c.abc.Mapping`` for ``import collections as c``) and the file imports
the submodule (``import collections.abc`` after its ``import collections``): the code runs on the new runtime, where
pinning an old Python would keep the project on a release past its end of life. One removed name the library renamed
instead of moving is in :data:`RENAMED`, with the release notes that say so; others (``time.clock``,
``inspect.getargspec``, ``asyncio.coroutine``) changed behaviour and are left to a person.
"""

from __future__ import annotations

import ast
import builtins
import re
import sys
from collections.abc import Callable
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools, source_lines
from agents.strategies.fix_import_path import SKIP, stdlib_home
from memory.models import FailureReport

_NO_ATTR = re.compile(r"module '(?P<module>[A-Za-z_][\w.]*)' has no attribute '(?P<attr>\w+)'")
_ADVICE = (
    re.compile(r"`(?P<old>[A-Za-z_][\w.]*)` was a deprecated alias for the builtin `(?P<new>\w+)`"),
    re.compile(r"`(?P<old>[A-Za-z_][\w.]*)` (?:was|has been) (?:removed|renamed|deprecated and removed)\b[^`]{0,80}?"
               r"\b[Uu]se `(?P<new>[A-Za-z_][\w.]*)` instead"),
)


# names the standard library removed as plain aliases of another of its names: "SafeConfigParser ... has been
# renamed to ConfigParser" (3.2; the alias was removed in 3.12, What's New In Python 3.12, configparser)
RENAMED = {("configparser", "SafeConfigParser"): "ConfigParser"}


def advice(text: str) -> tuple[str, str, str, str] | None:
    """(module, attribute, old spelling, replacement) from an error and the advice printed with it."""
    missing = _NO_ATTR.search(text)
    if missing is None:
        return None
    module, attr = missing.group("module"), missing.group("attr")
    for pattern in _ADVICE:
        for m in pattern.finditer(text):
            old, new = m.group("old"), m.group("new")
            if old.rsplit(".", 1)[-1] == attr:
                return module, attr, old, new
    return None


def use_replacement(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    text = "\n".join([report.root_cause or "", *(e.text for e in report.evidence)])
    found = advice(text)
    missing = _NO_ATTR.search(text)
    if found is None and missing is not None and missing.group("module").split(".")[0] in sys.stdlib_module_names:
        return _stdlib_removed(tree, missing.group("module"), missing.group("attr"))
    if found is None:
        raise StrategyDeclined("the error names no replacement for a removed attribute (`module 'x' has no attribute 'y'` "
                               "with \"use `z` instead\")")
    module, attr, old, new = found
    prefix = old.rsplit(".", 1)[0] if "." in old else ""
    if "." not in new:
        if not hasattr(builtins, new):
            raise StrategyDeclined(f"the advice names `{new}`, which is neither a builtin nor an attribute of {module}")
        same_module = False
    elif new.rsplit(".", 1)[0] == prefix:
        same_module, new = True, new.rsplit(".", 1)[1]
    else:
        raise StrategyDeclined(f"the advice moves {old} to another module ({new}); a person should make that change")
    touched, sites = edit_own_python_files(tree, lambda path: _replace(path, module, attr, new, same_module))
    if not touched:
        raise StrategyDeclined(f"no `{module}.{attr}` in the repository's own files (the call is in an installed package: "
                               f"its release predates {module}'s change)")
    spelled = f"<{module}>.{new}" if same_module else new
    return StrategyResult(f"use {spelled} instead of {old} ({sites} place{'s' if sites != 1 else ''} in {', '.join(touched)}): "
                          f"{module} removed {attr} and its error names the replacement",
                          {"module": module, "removed": attr, "replacement": new, "files": touched}, 0.85)


def _stdlib_removed(tree: Path, module: str, attr: str) -> StrategyResult:
    renamed = RENAMED.get((module, attr))
    home = None if renamed else stdlib_home(attr, module)
    if renamed is None and home is None:
        raise StrategyDeclined(f"{module} no longer has {attr}, and no public submodule of it defines {attr}: the "
                               f"replacement changed behaviour, so a person should choose it")
    if renamed is not None:
        touched, sites = edit_own_python_files(tree, lambda path: _replace(path, module, attr, renamed, True))
        change, params = f"<{module}>.{renamed}", {"module": module, "removed": attr, "replacement": renamed}
    else:
        sub = home[len(module) + 1:]  # type: ignore[index]
        touched, sites = edit_own_python_files(tree, lambda path: _through_submodule(path, module, attr, sub))
        change, params = f"{home}.{attr}", {"module": module, "removed": attr, "replacement": f"{home}.{attr}"}
    if not touched:
        raise StrategyDeclined(f"no `{module}.{attr}` in the repository's own files (an installed package uses it: its "
                               f"release predates the runtime)")
    return StrategyResult(f"use {change} instead of {module}.{attr} ({sites} place{'s' if sites != 1 else ''} in "
                          f"{', '.join(touched)}): the runtime's {module} no longer has {attr}",
                          {**params, "files": touched}, 0.8)


def _through_submodule(path: Path, module: str, attr: str, sub: str) -> int:
    """``<alias>.attr`` → ``<alias>.sub.attr``, and ``import module.sub`` after the file's first ``import module``."""
    found = _attribute_sites(path, module, attr)
    if found is None:
        return 0
    text, tree, sites = found
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import) and any(a.name == module for a in n.names)]
    first = min(imports, key=lambda n: (n.lineno, n.col_offset))
    edited = respelled(text, sites, lambda node: f"{node.value.id}.{sub}.{attr}")  # type: ignore[attr-defined]
    already = any(isinstance(n, ast.Import) and any(a.name == f"{module}.{sub}" for a in n.names) for n in ast.walk(tree))
    if not already:
        lines = source_lines(edited)  # respelling changed no line count: the import's line is where it was
        head = lines[first.end_lineno - 1]  # type: ignore[operator]
        indent = head[:len(head) - len(head.lstrip())]
        ending = "\r\n" if head.endswith("\r\n") else "\n"
        if not head.endswith(("\n", "\r")):
            lines[first.end_lineno - 1] = head + ending  # type: ignore[operator]
        lines.insert(first.end_lineno, f"{indent}import {module}.{sub}{ending}")  # type: ignore[arg-type]
        edited = "".join(lines)
        try:
            ast.parse(edited)
        except SyntaxError:  # the import shares a compound statement's line (`try: import collections`): a person's edit
            return 0
    path.write_bytes(edited.encode("utf-8"))
    return len(sites)


def edit_own_python_files(tree: Path, edit: Callable[[Path], int]) -> tuple[list[str], int]:
    """Run ``edit`` (which returns how many places it changed) on the repository's own Python files, never through a
    symbolic link or into installed or vendored folders; (files changed, places changed)."""
    touched: list[str] = []
    sites = 0
    for path in sorted(tree.rglob("*.py")):
        rel = path.relative_to(tree)
        if SKIP.intersection(rel.parts[:-1]) or path.is_symlink():
            continue
        n = edit(path)
        if n:
            touched.append(rel.as_posix())
            sites += n
    return touched, sites


def _aliases(tree: ast.AST, module: str) -> set[str]:
    """Names bound to ``module`` by ``import module`` / ``import module as alias`` anywhere in the file."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == module:
                    names.add(a.asname or module.split(".")[0])
    return names


def _attribute_sites(path: Path, module: str, attr: str) -> tuple[str, ast.Module, list[ast.Attribute]] | None:
    """The file's text (line ends as they are), its tree and the one-line ``<alias>.attr`` reads of ``module``
    imported as ``import module [as alias]``; None when there are none or the file is not Python this can parse."""
    try:
        text = path.read_bytes().decode("utf-8")
        tree = ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    aliases = _aliases(tree, module)
    sites = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == attr and isinstance(n.value, ast.Name)
             and n.value.id in aliases and n.lineno == n.end_lineno]
    return (text, tree, sites) if sites else None


def _replace(path: Path, module: str, attr: str, new: str, same_module: bool) -> int:
    found = _attribute_sites(path, module, attr)
    if found is None:
        return 0
    text, _, sites = found
    return respell(path, text, sites, lambda node: f"{node.value.id}.{new}" if same_module else new)  # type: ignore[attr-defined]


def respell(path: Path, text: str, nodes: list[ast.Attribute], spelled: Callable[[ast.Attribute], str]) -> int:
    """Write ``path`` as :func:`respelled` makes ``text``; the count of places changed."""
    path.write_bytes(respelled(text, nodes, spelled).encode("utf-8"))
    return len(nodes)


def respelled(text: str, nodes: list[ast.Attribute], spelled: Callable[[ast.Attribute], str]) -> str:
    """``text`` with each one-line ``nodes`` span replaced by ``spelled(node)``, nothing else changed."""
    lines = source_lines(text)
    for node in sorted(nodes, key=lambda n: (n.lineno, n.col_offset), reverse=True):
        line = lines[node.lineno - 1]
        start, end = _col(line, node.col_offset), _col(line, node.end_col_offset)  # type: ignore[arg-type]
        lines[node.lineno - 1] = line[:start] + spelled(node) + line[end:]
    return "".join(lines)


def _col(line: str, offset: int) -> int:
    """ast's UTF-8 byte offset as a str index."""
    return len(line.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
