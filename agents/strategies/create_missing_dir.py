"""create_missing_dir: the app needs a folder at start that the repository does not hold.

Git keeps no empty folders, so a folder the app writes to or serves from (``logs/`` for a ``FileHandler``,
``static/`` for Starlette's ``StaticFiles``, ``uploads/``) exists on the author's machine and on no build machine:
``RuntimeError: Directory 'static' does not exist``, ``FileNotFoundError: [Errno 2] No such file or directory:
'/app/logs/app.log'``, Node's ``ENOENT: no such file or directory, open '/app/logs/app.log'``.

The folder is found from the error and confirmed by the code: a string literal in the repository's own Python or
JavaScript files that the missing path ends with (``"logs/app.log"``, ``directory="static"``). The fix is an empty
``<folder>/.gitkeep``. A missing *file* whose folder exists (a data or config file) is declined: its content is not
the swarm's to invent; so is a folder that .gitignore excludes (the file would not be committed).
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path, PurePosixPath

from agents.strategies import StrategyDeclined, StrategyResult, Tools, failure_text
from agents.strategies.fix_import_path import SKIP
from memory.models import FailureReport

_MISSING = (
    (re.compile(r"Directory '(?P<path>[^']+)' does not exist"), True),
    (re.compile(r"No such file or directory: '(?P<path>[^']+)'"), False),
    (re.compile(r"ENOENT: no such file or directory, (?:open|scandir|stat|lstat) '(?P<path>[^']+)'"), False),
)
_JS_STRING = re.compile(r"""(?P<q>['"`])(?P<s>[\w./-]+?)(?P=q)""")


def _own_sources(tree: Path) -> list[tuple[Path, str]]:
    """The repository's own Python and JavaScript files (no environments or dependencies) and their text."""
    out = []
    for path in sorted(tree.rglob("*")):
        rel = path.relative_to(tree)
        if path.suffix in (".py", ".js", ".mjs", ".cjs", ".ts") and not SKIP.intersection(rel.parts[:-1]) and path.is_file():
            out.append((path, path.read_text(encoding="utf-8", errors="replace")))
    return out


def _literals(tree: Path) -> set[str]:
    """Relative paths written as string literals in the repository's own Python and JavaScript files."""
    found: set[str] = set()
    for path, text in _own_sources(tree):
        if path.suffix == ".py":
            try:
                found.update(n.value for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Constant) and isinstance(n.value, str))
            except (SyntaxError, ValueError):
                continue
        else:
            found.update(m.group("s") for m in _JS_STRING.finditer(text))
    return {s.strip().removeprefix("./").rstrip("/") for s in found
            if s and not s.startswith(("/", "..", "http")) and re.fullmatch(r"[\w.-]+(?:/[\w.-]+)*/?", s.strip().removeprefix("./"))}


def _ignored(tree: Path, rel: str) -> bool:
    try:
        out = subprocess.run(["git", "check-ignore", "-q", "--no-index", rel], cwd=tree, capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0


_CANT_OPEN_DB = re.compile(r"unable to open database file|SQLITE_CANTOPEN")
_DB_FILE = re.compile(r"""['"](?:sqlite(?:\+\w+)?:///)?(?:\./)?(?P<path>[\w.-]+(?:/[\w.-]+)*/[\w.-]+\.(?:db|db3|sqlite|sqlite3))['"]""")


def _database_folders(tree: Path) -> list[str]:
    """Folders of SQLite database files the code names (``sqlite3.connect("data/app.db")``, ``"sqlite:///instance/
    app.db"``) that the repository does not hold. SQLite creates a missing database file, never its folder: it says
    ``unable to open database file`` (``SQLITE_CANTOPEN``) and names no path."""
    found: set[str] = set()
    for _path, text in _own_sources(tree):
        for m in _DB_FILE.finditer(text):
            folder = PurePosixPath(m.group("path")).parent
            if ".." not in folder.parts and not (tree / folder).exists() \
                    and (tree / folder).resolve().is_relative_to(tree.resolve()):  # no folder made through a link out
                found.add(str(folder))
    return sorted(found)


def _add_folder(tree: Path, folder: PurePosixPath) -> None:
    target = tree / folder
    target.mkdir(parents=True, exist_ok=True)
    (target / ".gitkeep").write_text("", encoding="utf-8")


def create_missing_dir(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    text = failure_text(report)
    if _CANT_OPEN_DB.search(text):
        folders = _database_folders(tree)
        if len(folders) > 1:
            raise StrategyDeclined(f"SQLite cannot open its database file and the code names databases in {len(folders)} "
                                   f"folders the repository lacks ({', '.join(folders)}): which one is not plain")
        if folders and not _ignored(tree, f"{folders[0]}/.gitkeep"):
            _add_folder(tree, PurePosixPath(folders[0]))
            return StrategyResult(f"add the folder {folders[0]}/ (an empty .gitkeep): SQLite creates a missing database "
                                  "file but not its folder, and git keeps no empty folders", {"folder": folders[0]}, 0.75)
    literals = _literals(tree)
    for pattern, is_dir in _MISSING:
        for m in pattern.finditer(text):
            missing = PurePosixPath(m.group("path").replace("\\", "/"))
            for literal in sorted(literals, key=len, reverse=True):
                lit = PurePosixPath(literal)
                if len(lit.parts) > len(missing.parts) or missing.parts[-len(lit.parts):] != lit.parts:
                    continue
                folder = lit if is_dir else lit.parent
                if str(folder) in ("", "."):
                    raise StrategyDeclined(f"{literal} is missing, not a folder: its content is not the swarm's to invent")
                target = tree / folder
                if not target.resolve().is_relative_to(tree.resolve()):
                    continue
                if target.is_dir():
                    raise StrategyDeclined(f"the folder {folder} is in the repository; what is missing is {literal}, whose "
                                           "content is not the swarm's to invent")
                if _ignored(tree, f"{folder}/.gitkeep"):
                    raise StrategyDeclined(f"{folder}/ is excluded by .gitignore: the app should create it at start "
                                           "(os.makedirs / fs.mkdirSync), a person's change")
                _add_folder(tree, folder)
                return StrategyResult(f"add the folder {folder}/ (an empty .gitkeep): the app needs it at start ({literal} in "
                                      "the code) and git keeps no empty folders", {"folder": str(folder), "literal": literal}, 0.8)
    raise StrategyDeclined("the failure names no missing folder that the code refers to")
