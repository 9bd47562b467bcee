"""Where a Python package is declared, read with ``packaging`` and ``tomlkit`` (never with line regexes).

Declarations come from the requirement files pip reads (``requirements*.txt`` and every file they pull in
with ``-r``/``-c``, constraint files marked as such), ``constraints*.txt`` beside them (used through
``PIP_CONSTRAINT``), ``pyproject.toml`` (``[project] dependencies``, optional dependencies and Poetry's
tables), and setuptools' own metadata: ``setup.cfg``'s ``[options] install_requires`` and the literal
``install_requires=[...]`` list of ``setup.py``'s ``setup()`` call (read with ``ast``, never executed). Edits keep
each file's other lines and formatting: a requirement line keeps its extras, marker and comment; pyproject.toml is
edited with tomlkit, which preserves style; a ``setup.py`` string is replaced at its ``ast`` position, in its quotes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from agents.strategies import source_lines

_SETUP_CFG_KEY = re.compile(r"^install_requires\s*[=:]")
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
    return _follow(tree, [(p, False) for p in sorted(tree.glob("requirements*.txt"))] +
                   [(p, True) for p in sorted(tree.glob("constraints*.txt"))])


def _follow(tree: Path, start: list[tuple[Path, bool]]) -> list[tuple[Path, bool]]:
    """The files ``start`` names and every file they pull in with ``-r``/``-c``, inside the tree, in pip's order."""
    root = tree.resolve()
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


def installed_files(tree: Path) -> set[str]:
    """The requirement files a platform installs: requirements.txt and every file it pulls in with ``-r``/``-c``
    (``requirements-dev.txt`` on its own is the author's, not the platform's)."""
    return {str(rel) for rel, _ in _follow(tree, [(tree / "requirements.txt", False)])}


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
    for name, items in (("setup.cfg", _setup_cfg_items(tree)), ("setup.py", _setup_py_items(tree))):
        for where, text in items:
            try:
                found.append(Decl(name, where, Requirement(text)))
            except InvalidRequirement:
                continue
    return found


def _read(path: Path) -> str | None:
    if not path.is_file() or path.is_symlink():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _setup_cfg_requires(lines: list[str]) -> tuple[int, int, int] | None:
    """(index of the ``[options]`` header, index of the ``install_requires`` key or -1, index of its last value
    line) in setup.cfg's lines; None without an ``[options]`` section."""
    header = key = last = -1
    section = ""
    for i, line in enumerate(lines):
        m = re.match(r"^\[([^\]]+)\]\s*$", line)
        if m:
            section = m.group(1).strip()
            if section == "options":
                header = i
            continue
        if section != "options":
            continue
        if _SETUP_CFG_KEY.match(line):
            key = last = i
        elif key >= 0 and last == i - 1 and line[:1] in (" ", "\t") and line.strip():
            last = i  # a continuation line of the value
    return (header, key, last) if header >= 0 else None


def _setup_cfg_items(tree: Path) -> list[tuple[str, str]]:
    """(line number, requirement) of setup.cfg's ``[options] install_requires`` (one per line, as setuptools reads it)."""
    text = _read(tree / "setup.cfg")
    if text is None:
        return []
    lines = text.splitlines()
    found = _setup_cfg_requires(lines)
    if found is None or found[1] < 0:
        return []
    _, key, last = found
    items: list[tuple[str, str]] = []
    for i in range(key, last + 1):
        value = lines[i][_SETUP_CFG_KEY.match(lines[i]).end():] if i == key else lines[i]  # type: ignore[union-attr]
        body = _strip_comment(value)[0].strip()
        if body:
            items.append((str(i + 1), body))
    return items


def _setup_call_requires(source: str) -> ast.List | None:
    """The literal list given as ``install_requires=`` to ``setup(...)`` / ``setuptools.setup(...)``."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (isinstance(node.func, ast.Name) and node.func.id == "setup"
                                           or isinstance(node.func, ast.Attribute) and node.func.attr == "setup"):
            for kw in node.keywords:
                if kw.arg == "install_requires" and isinstance(kw.value, ast.List):
                    return kw.value
    return None


def _setup_py_items(tree: Path) -> list[tuple[str, str]]:
    """(``line:col:end_col`` of the string, requirement) for each literal of setup.py's ``install_requires``."""
    source = _read(tree / "setup.py")
    if source is None:
        return []
    listed = _setup_call_requires(source)
    if listed is None:
        return []
    return [(f"{e.lineno}:{e.col_offset}:{e.end_col_offset}", e.value) for e in listed.elts
            if isinstance(e, ast.Constant) and isinstance(e.value, str) and e.lineno == e.end_lineno]


def _replace_segment(path: Path, where: str, new: str | None) -> None:
    """Replace (or, with None, remove along with its comma) the string literal of setup.py at ``where``."""
    line_no, col_b, end_b = (int(x) for x in where.split(":"))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = lines[line_no - 1]
    raw = line.encode("utf-8")  # ast's offsets count UTF-8 bytes
    col, end = len(raw[:col_b].decode("utf-8", "ignore")), len(raw[:end_b].decode("utf-8", "ignore"))
    old = line[col:end]
    if new is None:
        rest = line[end:]
        comma = re.match(r"\s*,", rest)
        cut_end = end + (comma.end() if comma else 0)
        remaining = line[:col] + line[cut_end:]
        lines[line_no - 1] = "" if not remaining.strip() else remaining
    else:
        quote = old[0] if old[:1] in ("'", '"') else '"'
        lines[line_no - 1] = line[:col] + quote + new + quote + line[end:]
    path.write_text("".join(lines), encoding="utf-8")


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


def _edit_pyproject(path: Path, where: str, value: str | None) -> None:
    """Set (or, with None, remove) the declaration at ``where`` (``project.dependencies[2]``,
    ``tool.poetry.dependencies.requests``), keeping the file's style (tomlkit)."""
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    node: Any
    key: str | int
    if where.startswith("tool.poetry.dependencies."):
        node, key = doc["tool"]["poetry"]["dependencies"], where.rsplit(".", 1)[1]  # type: ignore[index]
    else:
        m = re.match(r"^(.*)\[(\d+)\]$", where)
        assert m is not None
        node = doc
        for part in re.split(r"\.(?![^\[]*\])", m.group(1)):
            node = node[part]
        key = int(m.group(2))
    if value is None:
        del node[key]
    else:
        node[key] = value
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")


def spelled(req: Requirement, spec: str, name: str | None = None) -> str:
    """``name[extras]<spec>; marker``: the requirement with another specifier (and, given one, another name)."""
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    marker = f"; {req.marker}" if req.marker else ""
    return f"{name or req.name}{extras}{spec}{marker}"


def set_spec(tree: Path, decl: Decl, spec: str) -> None:
    """Rewrite the declaration to ``name[extras]<spec>`` keeping its marker, comment and the file's style."""
    req = decl.requirement
    path = tree / decl.path
    if decl.path == "setup.py":
        _replace_segment(path, decl.where, spelled(req, spec))
        return
    if decl.path == "pyproject.toml":
        poetry = decl.where.startswith("tool.poetry.dependencies.")
        _edit_pyproject(path, decl.where, spec.removeprefix("==") if poetry else spelled(req, spec))
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = int(decl.where) - 1
    end = "\n" if lines[i].endswith("\n") else ""
    body, comment = _strip_comment(lines[i].rstrip("\n"))
    # keep the text as written around the version part: name and extras before it, marker/options after it
    key = _SETUP_CFG_KEY.match(body) if decl.path == "setup.cfg" else None  # `install_requires = flask>=2`
    lead = key.end() if key else 0
    start = lead + len(body[lead:]) - len(body[lead:].lstrip()) + len(req.name)
    rest = body[start:]
    if rest.lstrip().startswith("["):
        start += rest.index("]") + 1
    stop = min((k for k in (body.find(";", start), body.find(" --", start)) if k >= 0), default=len(body.rstrip()))
    tail = body[stop:]
    lines[i] = f"{body[:start]}{spec}{' ' if tail.startswith(';') and body[stop - 1:stop] == ' ' else ''}{tail}{comment}{end}"
    path.write_text("".join(lines), encoding="utf-8")


def position(decl: Decl) -> int:
    """Where the declaration sits in its file, for removing several from the bottom up."""
    m = re.search(r"\[(\d+)\]$", decl.where)
    return int(m.group(1)) if m else int(decl.where) if decl.where.isdigit() else 0


def set_once(tree: Path, decls: list[Decl], spec: str) -> None:
    """Give a package declared several times ``spec`` once per file: the first declaration in each requirement file
    takes it and the others are removed, from the bottom up so that no removal moves a line above; every pyproject.toml
    declaration takes it (its groups are separate)."""
    for decl in sorted(decls, key=lambda d: (d.path, d.path != "pyproject.toml" and -position(d))):
        first = decl.path == "pyproject.toml" or not any(d.path == decl.path and position(d) < position(decl) for d in decls)
        set_spec(tree, decl, spec) if first else drop(tree, decl)


def drop(tree: Path, decl: Decl) -> None:
    """Remove a requirement (a requirement file's or setup.cfg's line, a setup.py list element, a pyproject.toml
    array element or Poetry key)."""
    path = tree / decl.path
    if decl.path == "setup.py":
        _replace_segment(path, decl.where, None)
        return
    if decl.path == "pyproject.toml":
        _edit_pyproject(path, decl.where, None)
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    key = _SETUP_CFG_KEY.match(lines[int(decl.where) - 1]) if decl.path == "setup.cfg" else None
    if key:  # the value on the key's own line: the key stays
        lines[int(decl.where) - 1] = key.group(0).rstrip() + "\n"
    else:
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
        if project is not None:
            if "dependencies" in project:
                project["dependencies"].append(spec)
            else:
                project["dependencies"] = [spec]
            pyproject.write_text(tomlkit.dumps(doc), encoding="utf-8")
            return "pyproject.toml"
    return declare_setuptools(tree, spec)


def declare_setuptools(tree: Path, spec: str) -> str | None:
    """Add ``spec`` to setuptools' metadata: setup.cfg's ``[options] install_requires`` (a line in the list's own
    indentation; the key is added under ``[options]`` when missing), else the literal ``install_requires`` list of
    setup.py's ``setup()`` call. The file's name, or None when neither declares the project's dependencies."""
    text = _read(tree / "setup.cfg")
    found = _setup_cfg_requires(text.splitlines()) if text is not None else None
    if text is not None and found is not None:
        lines = text.splitlines(keepends=True)
        header, key, last = found
        if key < 0:
            lines.insert(header + 1, f"install_requires =\n    {spec}\n")
        else:
            if last == key and lines[key].split("=", 1)[-1].strip():  # `install_requires = flask`: one line so far
                name, value = lines[key].split("=", 1)
                lines[key] = f"{name.rstrip()} =\n    {value.strip()}\n"
                indent = "    "
            else:
                indent = re.match(r"^\s*", lines[last]).group(0) if last > key else "    "  # type: ignore[union-attr]
            if not lines[last].endswith("\n"):
                lines[last] += "\n"
            lines.insert(last + 1, f"{indent}{spec}\n")
        (tree / "setup.cfg").write_text("".join(lines), encoding="utf-8")
        return "setup.cfg"
    source = _read(tree / "setup.py")
    listed = _setup_call_requires(source) if source is not None else None
    if source is None or listed is None:
        return None
    lines = source_lines(source)  # numbered as ast numbers them
    if listed.elts:
        elt = listed.elts[-1]
        row, col = (elt.end_lineno or elt.lineno) - 1, elt.end_col_offset or 0
        line = lines[row]
        comma = re.match(r"\s*,", line[col:])
        at = col + (comma.end() if comma else 0)
        if listed.end_lineno != elt.end_lineno:  # one element per line: a new line in the same indentation
            indent = re.match(r"^\s*", line).group(0)  # type: ignore[union-attr]
            lines[row] = line[:at] + ("" if comma else ",") + f"\n{indent}{spec!r}," + line[at:]
        else:
            lines[row] = line[:at] + ("" if comma else ",") + f" {spec!r}" + line[at:]
    else:
        line = lines[listed.lineno - 1]
        lines[listed.lineno - 1] = line[:listed.col_offset + 1] + repr(spec) + line[listed.col_offset + 1:]
    (tree / "setup.py").write_text("".join(lines), encoding="utf-8")
    return "setup.py"


_FILE_URL = re.compile(r"^(?P<lead>\s*)(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?P<extras>\[[^\]]*\])?\s*@\s*file:(?://)?(?P<path>\S+)")
_ARCHIVE = re.compile(r"^\s*(?P<path>(?:\.{0,2}/)?[^\s#;]*?(?P<file>(?P<name>[A-Za-z0-9][A-Za-z0-9._]*?)-(?P<version>\d[^-\s]*?)"
                      r"(?:-[^\s/]+\.whl|\.tar\.gz|\.zip)))\s*(?:#.*)?$")
"""A bare path to a wheel or sdist: ``./vendor/humanize-4.9.0-py3-none-any.whl`` (name and version are in the file name)."""


def foreign_paths(tree: Path) -> list[tuple[str, int, str, str]]:
    """(file, line number, requirement to take from the index instead, path) of each requirement that points at a file
    the repository does not hold: ``name @ file:///...`` (``pip freeze`` in a conda environment writes the author's
    build folders, ``certifi @ file:///croot/certifi_1720453493680/work/certifi``: the package, newest release) and bare
    paths to a wheel or sdist that was never committed (``./vendor/humanize-4.9.0-py3-none-any.whl``:
    ``humanize==4.9.0``, the release the file name pins)."""
    root = tree.resolve()
    found = []
    for rel, constraint in requirement_files(tree):
        if constraint:
            continue
        for i, line in enumerate((tree / rel).read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            m = _FILE_URL.match(line)
            if m is not None:
                path = m.group("path").removeprefix("localhost")
                local = Path(path) if path.startswith("/") and not re.match(r"^/[A-Za-z]:/", path) else None
                if local is not None and local.resolve().is_relative_to(root) and local.exists():
                    continue
                if local is None and not re.match(r"^/?[A-Za-z]:/", path):
                    inside = (tree / rel).parent / path
                    if inside.exists() and inside.resolve().is_relative_to(root):
                        continue  # a folder of the repository itself (`pkg @ file:./libs/pkg`)
                found.append((str(rel), i, m.group("name"), path))
                continue
            a = _ARCHIVE.match(line)
            if a is None or "://" in line:
                continue
            target = Path(a.group("path"))
            if not target.is_absolute() and ((tree / rel).parent / target).exists():
                continue  # the archive is committed: not this failure
            name = a.group("name").replace("_", "-")
            found.append((str(rel), i, f"{name}=={a.group('version')}", a.group("path")))
    return found


def replace_line_requirement(tree: Path, rel: str, line_no: int, spec: str) -> None:
    """The requirement on ``rel``'s line ``line_no`` becomes ``spec``; its indentation and comment stay."""
    path = tree / rel
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    old = lines[line_no - 1]
    end = "\n" if old.endswith("\n") else ""
    body, comment = _strip_comment(old.rstrip("\n"))
    lead, gap = body[:len(body) - len(body.lstrip())], body[len(body.rstrip()):]
    lines[line_no - 1] = f"{lead}{spec}{gap}{comment}{end}"
    path.write_text("".join(lines), encoding="utf-8")
