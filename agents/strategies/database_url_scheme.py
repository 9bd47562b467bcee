"""database_url_scheme: the platform gives the database URL with the ``postgres://`` scheme, which SQLAlchemy 1.4
and later refuse (``NoSuchModuleError: Can't load plugin: sqlalchemy.dialects:postgres``).

Heroku Postgres sets ``DATABASE_URL=postgres://...`` and cannot be told otherwise (the add-on owns the variable);
Heroku's answer is to change the scheme in code where the URL is read
(https://help.heroku.com/ZKNTJQSK/why-is-sqlalchemy-1-4-x-not-connecting-to-heroku-postgres). So each read of a
database-URL variable in the repository's Python files (``os.environ["DATABASE_URL"]``, ``os.environ.get(...)``,
``os.getenv(...)``; a name like ``DATABASE_URL``, ``*_DATABASE_URL``, ``*_DB_URL``, ``SQLALCHEMY_DATABASE_URI``) is
followed by ``.replace("postgres://", "postgresql://", 1)``: a URL already written ``postgresql://`` (or any other
scheme) is unchanged by it. Where the project declares its driver, the scheme names it (``postgresql+psycopg2://``
beside psycopg2 / psycopg2-binary, ``postgresql+psycopg://`` beside psycopg): SQLAlchemy 2.1's default driver for a bare
``postgresql://`` is psycopg 3, which a project written for psycopg2 does not install. Edits are made at the read's
``ast`` position; nothing else on the line changes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools, failure_text, pyreqs, source_lines
from agents.strategies.bind_port import env_key
from agents.strategies.fix_import_path import SKIP
from memory.models import FailureReport

_URL_VAR = re.compile(r"^(?:\w+_)?(?:DATABASE|DB|POSTGRES(?:QL)?|PG)_?UR[LI]$|^SQLALCHEMY_DATABASE_URI$")
_DRIVERS = (("psycopg2", "postgresql+psycopg2"), ("psycopg2-binary", "postgresql+psycopg2"), ("psycopg", "postgresql+psycopg"),
            ("psycopg-binary", "postgresql+psycopg"), ("asyncpg", "postgresql+asyncpg"), ("pg8000", "postgresql+pg8000"))


def scheme_for(tree: Path) -> str:
    """The scheme naming the PostgreSQL driver the project declares (one of them), else SQLAlchemy's bare name."""
    declared = {d.requirement.name.lower() for d in pyreqs.all_declarations(tree) if not d.constraint}
    found = {scheme for dist, scheme in _DRIVERS if dist in declared}
    return found.pop() if len(found) == 1 else "postgresql"


def _env_read(node: ast.AST) -> tuple[str, bool] | None:
    """(variable, may be None) when ``node`` reads an environment variable by a literal name."""
    name = env_key(node)
    if name is None:
        return None
    if not isinstance(node, ast.Call):
        return name, False  # os.environ["X"]: a missing variable raises, it is never None
    default = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "default"), None)
    return name, not (isinstance(default, ast.Constant) and isinstance(default.value, str))


def _already_fixed(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    while isinstance(parent, ast.BoolOp):  # `(os.getenv(...) or "").replace(...)`
        parent = parents.get(parent)
    return isinstance(parent, ast.Attribute) and parent.attr == "replace"


def edits(source: str, scheme: str = "postgresql") -> list[tuple[int, int, int, int, str]]:
    """(line, col, end line, end col, replacement) for each read of a database-URL variable not yet normalised."""
    fix = f'.replace("postgres://", "{scheme}://", 1)'
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    lines = source_lines(source)
    out = []
    for node in ast.walk(tree):
        read = _env_read(node)
        if read is None or not _URL_VAR.match(read[0]) or _already_fixed(node, parents):
            continue
        assert isinstance(node, ast.expr) and node.end_lineno is not None and node.end_col_offset is not None
        segment = ast.get_source_segment(source, node) or ""
        if "\n" in segment:
            continue
        text = f"({segment} or \"\"){fix}" if read[1] else f"{segment}{fix}"
        line = lines[node.lineno - 1]
        col = len(line.encode("utf-8")[:node.col_offset].decode("utf-8", "ignore"))
        end = len(line.encode("utf-8")[:node.end_col_offset].decode("utf-8", "ignore"))
        out.append((node.lineno, col, node.end_lineno, end, text))
    return out


def database_url_scheme(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    text = failure_text(report)
    if not re.search(r"Can't load plugin: sqlalchemy\.dialects:postgres\b(?!ql)", text):
        raise StrategyDeclined("the failure is not SQLAlchemy refusing the postgres:// scheme")
    touched: list[str] = []
    scheme = scheme_for(tree)
    for path in sorted(tree.rglob("*.py")):
        rel = path.relative_to(tree)
        if SKIP.intersection(rel.parts[:-1]) or path.is_symlink():
            continue
        try:
            source = path.read_text(encoding="utf-8")
            found = edits(source, scheme)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        if not found:
            continue
        lines = source_lines(source)
        for line_no, col, _end_line, end, new in sorted(found, reverse=True):
            line = lines[line_no - 1]
            lines[line_no - 1] = line[:col] + new + line[end:]
        result = "".join(lines)
        ast.parse(result)  # never write a file that no longer parses
        path.write_text(result, encoding="utf-8")
        touched.append(str(rel))
    if not touched:
        raise StrategyDeclined("no read of a database-URL environment variable (DATABASE_URL, *_DB_URL, ...) in the repository's "
                               "Python files to normalise; the URL comes from elsewhere")
    return StrategyResult(f"read the database URL with the {scheme}:// scheme in {', '.join(touched)}: the platform's "
                          "postgres:// is refused by SQLAlchemy 1.4+ (the fix Heroku documents)", {"files": touched, "scheme": scheme}, 0.85)
