"""Where a Python package is declared, read with ``packaging`` and ``tomlkit`` (never with line regexes).

Declarations come from the requirement files pip reads (``requirements*.txt`` and every file they pull in
with ``-r``/``-c``, constraint files marked as such), ``constraints*.txt`` beside them (used through
``PIP_CONSTRAINT``), and ``pyproject.toml`` (``[project] dependencies``, optional dependencies and Poetry's
tables). Edits keep each file's other lines and formatting: a requirement line keeps its extras, marker
and comment; pyproject.toml is edited with tomlkit, which preserves style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

_INCLUDE = re.compile(r"^\s*(-r|--requirement|-c|--constraint)[\s=]+(\S+)")


@dataclass(frozen=True)
class Decl:
    path: str
    """Repository-relative file."""
    where: str
    """A line number (requirement files) or a TOML location (``project.dependencies[2]``)."""
    requirement: Requirement
    constraint: bool = False

    @property
    def specifier(self) -> SpecifierSet:
        return self.requirement.specifier

    def label(self) -> str:
        return f"{self.path}:{self.where} {self.requirement.specifier or '(any)'}"


def _strip_comment(line: str) -> tuple[str, str]:
    m = re.search(r"(^|\s)#", line)
    return (line[:m.start()], line[m.start():]) if m else (line, "")


def parse_line(line: str) -> Requirement | None:
    body, _ = _strip_comment(line.rstrip("\n"))
    body = body.strip()
    if not body or body.startswith("-") or "://" in body:
        return None
    body = re.split(r"\s+--?\w", body)[0]  # per-requirement options (--hash=...) are not part of PEP 508
    try:
        return Requirement(body)
    except InvalidRequirement:
        return None


def requirement_files(tree: Path) -> list[tuple[Path, bool]]:
    """(file, is_constraints) for every requirement file pip would read, following -r/-c inside the tree."""
    root = tree.resolve()
    start = [(p, False) for p in sorted(tree.glob("requirements*.txt"))] + \
            [(p, True) for p in sorted(tree.glob("constraints*.txt"))]
    seen: dict[Path, bool] = {}
    queue = list(start)
    while queue:
        path, constraint = queue.pop(0)
        try:
            real = path.resolve()
        except OSError:
            continue
        if real in seen or not real.is_relative_to(root) or not path.is_file():
            continue
        seen[real] = constraint
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            m = _INCLUDE.match(line)
            if m:
                queue.append((path.parent / m.group(2), constraint or m.group(1) in ("-c", "--constraint")))
    return [(p.relative_to(root), c) for p, c in seen.items()]


def declarations(tree: Path, name: str) -> list[Decl]:
    """Every place ``name`` is declared, requirement files first (in pip's reading order), then pyproject."""
    want = canonicalize_name(name)
    return [d for d in all_declarations(tree) if canonicalize_name(d.requirement.name) == want]


def all_declarations(tree: Path) -> list[Decl]:
    """Every requirement declared in the tree: requirement files (in pip's reading order), then pyproject."""
    found: list[Decl] = []
    for rel, constraint in requirement_files(tree):
        for i, line in enumerate((tree / rel).read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            req = parse_line(line)
            if req is not None:
                found.append(Decl(str(rel), str(i), req, constraint))
    pyproject = tree / "pyproject.toml"
    if pyproject.is_file():
        try:
            doc = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 - tomlkit raises several types; an unreadable file declares nothing
            return found
        for where, text in _pyproject_items(doc):
            try:
                found.append(Decl("pyproject.toml", where, Requirement(text)))
            except InvalidRequirement:
                continue
    return found


def _pyproject_items(doc: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    project = doc.get("project", {})
    for i, text in enumerate(project.get("dependencies", []) or []):
        items.append((f"project.dependencies[{i}]", str(text)))
    for group, deps in (project.get("optional-dependencies", {}) or {}).items():
        for i, text in enumerate(deps or []):
            items.append((f"project.optional-dependencies.{group}[{i}]", str(text)))
    poetry = doc.get("tool", {}).get("poetry", {}).get("dependencies", {}) or {}
    for key, value in poetry.items():
        if key.lower() != "python" and isinstance(value, str):
            spec = value.strip()
            spec = "" if spec == "*" else f"=={spec}" if spec[:1].isdigit() else spec
            if spec.startswith(("^", "~")) and not spec.startswith("~="):
                spec = ""  # Poetry's caret/tilde are not PEP 440; the name still counts as declared
            items.append((f"tool.poetry.dependencies.{key}", f"{key}{spec}"))
    return items


def satisfies(version: str, decl: Decl) -> bool:
    try:
        return Version(version) in decl.specifier
    except (InvalidVersion, InvalidSpecifier):
        return False


def exact_pins(decls: list[Decl]) -> list[str]:
    pins = []
    for d in decls:
        for spec in d.specifier:
            if spec.operator in ("==", "===") and "*" not in spec.version:
                pins.append(spec.version)
    return pins


def set_spec(tree: Path, decl: Decl, spec: str) -> None:
    """Rewrite the declaration to ``name[extras]<spec>`` keeping its marker, comment and the file's style."""
    req = decl.requirement
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    marker = f"; {req.marker}" if req.marker else ""
    path = tree / decl.path
    if decl.path == "pyproject.toml":
        doc = tomlkit.parse(path.read_text(encoding="utf-8"))
        if decl.where.startswith("tool.poetry.dependencies."):
            doc["tool"]["poetry"]["dependencies"][decl.where.rsplit(".", 1)[1]] = spec.removeprefix("==")  # type: ignore[index]
        else:
            m = re.match(r"^(.*)\[(\d+)\]$", decl.where)
            assert m is not None
            node: Any = doc
            for part in re.split(r"\.(?![^\[]*\])", m.group(1)):
                node = node[part]
            node[int(m.group(2))] = f"{req.name}{extras}{spec}{marker}"
        path.write_text(tomlkit.dumps(doc), encoding="utf-8")
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = int(decl.where) - 1
    end = "\n" if lines[i].endswith("\n") else ""
    body, comment = _strip_comment(lines[i].rstrip("\n"))
    # keep the text as written around the version part: name and extras before it, marker/options after it
    start = len(body) - len(body.lstrip()) + len(req.name)
    rest = body[start:]
    if rest.lstrip().startswith("["):
        start += rest.index("]") + 1
    stop = min((k for k in (body.find(";", start), body.find(" --", start)) if k >= 0), default=len(body.rstrip()))
    tail = body[stop:]
    lines[i] = f"{body[:start]}{spec}{' ' if tail.startswith(';') and body[stop - 1:stop] == ' ' else ''}{tail}{comment}{end}"
    path.write_text("".join(lines), encoding="utf-8")


def drop(tree: Path, decl: Decl) -> None:
    """Remove a duplicate requirement line (requirement files only)."""
    path = tree / decl.path
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[int(decl.where) - 1]
    path.write_text("".join(lines), encoding="utf-8")


def append_line(path: Path, spec: str) -> None:
    """Add the requirement line ``spec`` at the end of a requirement file (created when missing), every other line
    kept as written."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    path.write_text(text + ("" if not text or text.endswith("\n") else "\n") + spec + "\n", encoding="utf-8")


def declare(tree: Path, spec: str) -> str | None:
    """Add the requirement ``spec`` to requirements.txt (kept as written, one line appended) or, without one, to
    pyproject.toml's ``[project] dependencies`` (tomlkit keeps the layout). The file's name, or None when the project
    has neither."""
    req = tree / "requirements.txt"
    if req.is_file() and not req.is_symlink():
        append_line(req, spec)
        return "requirements.txt"
    pyproject = tree / "pyproject.toml"
    if pyproject.is_file() and not pyproject.is_symlink():
        try:
            doc = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 - tomlkit raises several parse error types
            return None
        project = doc.get("project")
        if project is None:
            return None
        if "dependencies" in project:
            project["dependencies"].append(spec)
        else:
            project["dependencies"] = [spec]
        pyproject.write_text(tomlkit.dumps(doc), encoding="utf-8")
        return "pyproject.toml"
    return None
