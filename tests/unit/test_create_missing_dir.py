"""create_missing_dir on real files: the folder an app needs at start, found from the error and the code's literals."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from agents.strategies import StrategyDeclined, Tools
from agents.strategies.create_missing_dir import create_missing_dir
from memory.models import FailureReport


def report(cause: str) -> FailureReport:
    return FailureReport(category="runtime_error", root_cause=cause)


@pytest.mark.parametrize(("files", "cause", "folder"), [
    ({"main.py": 'app.mount("/static", StaticFiles(directory="static"), name="static")\n'},
     "RuntimeError: Directory 'static' does not exist", "static"),
    ({"app.py": 'import logging\nhandler = logging.FileHandler("logs/app.log")\n'},
     "FileNotFoundError: [Errno 2] No such file or directory: '/srv/deploys/dep-0001/src/logs/app.log'", "logs"),
    ({"server.js": "const out = fs.createWriteStream('./var/uploads/index.json');\n"},
     "Error: ENOENT: no such file or directory, open '/app/var/uploads/index.json'", "var/uploads"),
])
def test_the_folder_the_app_needs_is_added(tmp_path: Path, files: dict[str, str], cause: str, folder: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    r = create_missing_dir(report(cause), tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / folder / ".gitkeep").is_file() and r.params["folder"] == folder


def test_a_missing_file_in_a_folder_that_exists_is_declined(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "app.py").write_text('open("config/settings.json").read()\n')
    with pytest.raises(StrategyDeclined, match="not the swarm's to invent"):
        create_missing_dir(report("FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'"), tmp_path,
                           Tools(None))  # type: ignore[arg-type]
    assert sorted(p.name for p in (tmp_path / "config").iterdir()) == []


def test_a_folder_gitignore_excludes_is_declined(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("logs/\n")
    (tmp_path / "app.py").write_text('logging.FileHandler("logs/app.log")\n')
    with pytest.raises(StrategyDeclined, match="gitignore"):
        create_missing_dir(report("FileNotFoundError: [Errno 2] No such file or directory: '/app/logs/app.log'"), tmp_path,
                           Tools(None))  # type: ignore[arg-type]
    assert not (tmp_path / "logs").exists()


def test_a_path_the_code_does_not_name_is_declined(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('hi')\n")
    with pytest.raises(StrategyDeclined, match="no missing folder"):
        create_missing_dir(report("FileNotFoundError: [Errno 2] No such file or directory: '/etc/app/conf.d/x'"), tmp_path,
                           Tools(None))  # type: ignore[arg-type]


@pytest.mark.parametrize(("code", "folder"), [
    ('import sqlite3\nDB = sqlite3.connect("data/app.db")\n', "data"),
    ('engine = create_engine("sqlite:///instance/site.sqlite3")\n', "instance"),
    ("const db = new sqlite3.Database('./var/db/store.db');\n", "var/db"),
])
def test_the_folder_of_a_sqlite_database_the_code_names_is_added(tmp_path: Path, code: str, folder: str) -> None:
    (tmp_path / ("app.py" if "const" not in code else "server.js")).write_text(code)
    r = create_missing_dir(report("sqlite3.OperationalError: unable to open database file"), tmp_path,
                           Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / folder / ".gitkeep").is_file() and r.params["folder"] == folder


def test_sqlite_databases_in_two_missing_folders_are_declined(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('a = sqlite3.connect("data/a.db")\nb = sqlite3.connect("cache/b.db")\n')
    with pytest.raises(StrategyDeclined, match="not plain"):
        create_missing_dir(report("Error: SQLITE_CANTOPEN: unable to open database file"), tmp_path,
                           Tools(None))  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]


def test_a_sqlite_folder_behind_a_link_out_of_the_repository_is_not_made(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (repo / "store").symlink_to(outside)
    (repo / "app.py").write_text('DB = sqlite3.connect("store/db/app.db")\n')
    with pytest.raises(StrategyDeclined):
        create_missing_dir(report("sqlite3.OperationalError: unable to open database file"), repo,
                           Tools(None))  # type: ignore[arg-type]
    assert list(outside.iterdir()) == []
