"""Each strategy on real files in a temp folder; registry look-ups go through a scripted workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.ports import CommandResult
from agents.strategies import StrategyDeclined, Tools
from agents.strategies.add_dependency import add_dependency
from agents.strategies.add_init_py import add_init_py
from agents.strategies.fix_import_path import fix_import_path
from agents.strategies.fix_start_command import fix_start_command
from agents.strategies.relax_pin import relax_pin
from agents.strategies.set_runtime_version import choose, set_runtime_version
from agents.strategies.sync_lockfile import sync_lockfile
from agents.strategies.trim_unused_dependencies import trim_unused_dependencies
from memory.models import FailureReport


class ScriptedWorkspace:
    """Answers registry commands from a table; anything else fails loudly."""

    def __init__(self, answers: dict[str, tuple[int, str]]) -> None:
        self.answers, self.calls = answers, []

    def run(self, command: str, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> CommandResult:
        self.calls.append(command)
        for key, (code, out) in self.answers.items():
            if key in command:
                return CommandResult(command, code, out, 0.01)
        raise AssertionError(f"unexpected command {command}")


def tools(answers: dict[str, tuple[int, str]] | None = None, **kw: object) -> Tools:
    return Tools(ScriptedWorkspace(answers or {}), **kw)  # type: ignore[arg-type]


def write(tree: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)


def test_add_dependency_pins_the_index_version(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "flask==3.0.0"})
    t = tools({"pip index versions PyYAML": (0, "PyYAML (6.0.2)\nAvailable versions: 6.0.2, 6.0.1")})
    add_dependency(FailureReport(category="missing_dependency", entity="PyYAML", ecosystem="python"), tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.0.0\nPyYAML==6.0.2\n"
    with pytest.raises(StrategyDeclined, match="already"):
        add_dependency(FailureReport(category="missing_dependency", entity="pyyaml", ecosystem="python"), tmp_path, t)
    t404 = tools({"pip index versions": (1, "ERROR: No matching distribution found for nopkg")})
    with pytest.raises(StrategyDeclined, match="no distribution"):
        add_dependency(FailureReport(category="missing_dependency", entity="nopkg", ecosystem="python"), tmp_path, t404)


def test_add_dependency_keeps_to_the_releases_that_still_ship_the_module(tmp_path: Path) -> None:
    """``No module named 'pkg_resources'``: setuptools 82 dropped it; package_aliases.yaml says ``setuptools<82``."""
    write(tmp_path, {"requirements.txt": "pyramid==2.0.2\n"})
    t = tools({"pip index versions setuptools": (0, "setuptools (84.2.1)\nAvailable versions: 84.2.1, 83.0.0, 82.0.1, 81.0.0, 80.9.0")},
              aliases={"pkg_resources": "setuptools"}, alias_ranges={"pkg_resources": "<82"})
    r = add_dependency(FailureReport(category="missing_dependency", entity="setuptools", ecosystem="python",
                                     root_cause="ModuleNotFoundError: No module named 'pkg_resources'"), tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "pyramid==2.0.2\nsetuptools==81.0.0\n" and "<82" in r.summary


def test_add_dependency_pyproject(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\ndependencies = [\n    "flask",\n]\n'})
    add_dependency(FailureReport(category="missing_dependency", entity="requests", ecosystem="python"), tmp_path,
                   tools({"pip index": (0, "requests (2.32.3)")}))
    assert '"requests==2.32.3",' in (tmp_path / "pyproject.toml").read_text()


@pytest.mark.parametrize(("requirements", "manifest"), [(".\n", "pyproject.toml"), ("-e .  # the app\n", "pyproject.toml"),
                                                        (".\nidna==3.10\n", "requirements.txt")])
def test_add_dependency_where_requirements_only_install_the_project(tmp_path: Path, requirements: str, manifest: str) -> None:
    write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\nversion = "0.1"\ndependencies = []\n', "requirements.txt": requirements})
    r = add_dependency(FailureReport(category="missing_dependency", entity="requests", ecosystem="python"), tmp_path,
                       tools({"pip index": (0, "requests (2.32.3)")}))
    assert r.params["manifest"] == manifest and "requests==2.32.3" in (tmp_path / manifest).read_text()
    if manifest == "pyproject.toml":
        import tomllib

        assert tomllib.loads((tmp_path / manifest).read_text())["project"]["dependencies"] == ["requests==2.32.3"]
        assert (tmp_path / "requirements.txt").read_text() == requirements


SETUP_CFG = """[metadata]
name = inventory

[options]
py_modules = app
install_requires =
    flask>=2.2  # the web layer
    gunicorn
python_requires = >=3.9
"""
SETUP_PY = """from setuptools import setup

setup(
    name='inventory',
    install_requires=[
        'flask>=2.2',
        "gunicorn"
    ],
)
"""


@pytest.mark.parametrize(("files", "manifest", "expect"), [
    ({"setup.cfg": SETUP_CFG}, "setup.cfg", "    gunicorn\n    PyYAML==6.0.2\npython_requires"),
    ({"setup.cfg": "[options]\ninstall_requires = flask\n"}, "setup.cfg", "install_requires =\n    flask\n    PyYAML==6.0.2\n"),
    ({"setup.cfg": "[metadata]\nname = x\n[options]\npackages = find:\n"}, "setup.cfg", "[options]\ninstall_requires =\n    PyYAML==6.0.2\n"),
    ({"setup.py": SETUP_PY}, "setup.py", "        \"gunicorn\",\n        'PyYAML==6.0.2',\n    ],"),
    ({"setup.py": "from setuptools import setup\nsetup(name='x', install_requires=['flask'])\n"}, "setup.py",
     "install_requires=['flask', 'PyYAML==6.0.2'])"),
    ({"setup.py": "import setuptools\nsetuptools.setup(name='x', install_requires=[])\n"}, "setup.py", "install_requires=['PyYAML==6.0.2'])"),
])
def test_add_dependency_declares_in_setuptools_metadata(tmp_path: Path, files: dict[str, str], manifest: str, expect: str) -> None:
    """requirements.txt installs the project (``.``) and pyproject.toml only names the build backend: setuptools reads
    the dependencies from setup.cfg or setup.py, so the package is declared there, each file's layout kept."""
    write(tmp_path, {"requirements.txt": ".\n", "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61"]\n', **files})
    t = tools({"pip index versions PyYAML": (0, "PyYAML (6.0.2)")})
    r = add_dependency(FailureReport(category="missing_dependency", entity="PyYAML", ecosystem="python"), tmp_path, t)
    assert r.params["manifest"] == manifest and expect in (tmp_path / manifest).read_text()
    assert (tmp_path / "requirements.txt").read_text() == ".\n"
    from agents.strategies import pyreqs

    assert [d.requirement.name for d in pyreqs.declarations(tmp_path, "pyyaml")] == ["PyYAML"]  # read back where written
    with pytest.raises(StrategyDeclined, match="already"):
        add_dependency(FailureReport(category="missing_dependency", entity="pyyaml", ecosystem="python"), tmp_path, t)
    if manifest == "setup.py":
        compile((tmp_path / "setup.py").read_text(), "setup.py", "exec")


def test_setuptools_declarations_are_edited_in_place(tmp_path: Path) -> None:
    """relax_pin's edits (set_spec, drop) work on setup.cfg lines and setup.py strings, keeping comments and quotes."""
    from agents.strategies import pyreqs

    write(tmp_path, {"setup.cfg": SETUP_CFG, "setup.py": SETUP_PY})
    cfg, py = (pyreqs.declarations(tmp_path, "flask")[i] for i in (0, 1))
    assert (cfg.path, cfg.where, py.path) == ("setup.cfg", "7", "setup.py")
    pyreqs.set_spec(tmp_path, cfg, "<3")
    pyreqs.set_spec(tmp_path, py, "<3")
    assert "    flask<3  # the web layer\n" in (tmp_path / "setup.cfg").read_text()
    assert "        'flask<3',\n" in (tmp_path / "setup.py").read_text()
    pyreqs.drop(tmp_path, pyreqs.declarations(tmp_path, "gunicorn")[1])
    assert "gunicorn" not in (tmp_path / "setup.py").read_text()
    compile((tmp_path / "setup.py").read_text(), "setup.py", "exec")
    write(tmp_path, {"setup.cfg": "[options]\ninstall_requires = flask==1.0\n"})
    one = pyreqs.declarations(tmp_path, "flask")[0]
    pyreqs.set_spec(tmp_path, one, ">=2")
    assert (tmp_path / "setup.cfg").read_text() == "[options]\ninstall_requires = flask>=2\n"


def test_relax_pin_takes_requirements_that_name_the_authors_folders_from_the_index(tmp_path: Path) -> None:
    """``pip freeze`` in a conda environment writes ``pkg @ file:///croot/...``: no build machine has those folders.
    Each such line is taken from the index at its newest stable release; a folder of the repository itself stays."""
    (tmp_path / "libs" / "mine").mkdir(parents=True)
    write(tmp_path, {"requirements.txt": "blinker==1.9.0\ncertifi @ file:///croot/certifi_1720453493680/work/certifi\n"
                                         "click @ file:///home/conda/feedstock_root/build_artifacts/click_1692311806742/work  # cli\n"
                                         "mine @ file:./libs/mine\nFlask==3.0.3\n"})
    t = tools({"pip index versions certifi": (0, "certifi (2026.1.4)\nAvailable versions: 2026.1.4, 2025.8.3"),
               "pip index versions click": (0, "click (8.5.1)\nAvailable versions: 8.5.1, 8.5.0rc1, 8.1.7")})
    cause = "ERROR: Could not install packages due to an OSError: [Errno 2] No such file or directory: '/croot/certifi_1720453493680/work/certifi'"
    r = relax_pin(FailureReport(category="dependency_conflict", entity="/croot/certifi_1720453493680/work/certifi",
                                ecosystem="python", root_cause=cause), tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == ("blinker==1.9.0\ncertifi==2026.1.4\nclick==8.5.1  # cli\n"
                                                           "mine @ file:./libs/mine\nFlask==3.0.3\n")
    assert r.params["packages"] == ["certifi==2026.1.4", "click==8.5.1"]


@pytest.mark.parametrize(("name", "pkg", "cause"), [
    ("server.js", '{"type": "module"}', "ReferenceError: __dirname is not defined in ES module scope"),
    ("src/app.mjs", "{}", "ReferenceError: require is not defined in ES module scope, you can use import instead"),
])
def test_set_module_type_defines_commonjs_names_in_an_es_module(tmp_path: Path, name: str, pkg: str, cause: str) -> None:
    """An ES module that uses __dirname/__filename/require gets Node's documented ES-module definitions after its last
    import; package.json's type stays (the code is ES modules)."""
    from agents.strategies.set_module_type import set_module_type

    source = ("import path from 'node:path';\nimport express from 'express';\n\nconst here = __filename;\n"
              "const app = express();\napp.use(express.static(path.join(__dirname, 'public')));\nconst cfg = require('./c.json');\n")
    write(tmp_path, {"package.json": pkg, name: source})
    r = set_module_type(FailureReport(category="config_error", root_cause=cause), tmp_path, tools())
    assert (tmp_path / name).read_text() == source.replace(
        "import express from 'express';\n",
        "import express from 'express';\nimport { fileURLToPath } from 'node:url';\nimport { createRequire } from 'node:module';\n"
        "const __filename = fileURLToPath(import.meta.url);\nconst __dirname = fileURLToPath(new URL('.', import.meta.url));\n"
        "const require = createRequire(import.meta.url);\n")
    assert r.params["files"] == [name] and (tmp_path / "package.json").read_text() == pkg


@pytest.mark.parametrize("cause", ["ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.",
                                   "npm ERR! code EINTEGRITY", "verifying github.com/x/y@v1.2.3: checksum mismatch"])
def test_relax_pin_never_moves_a_pin_whose_checksum_failed(tmp_path: Path, cause: str) -> None:
    """An integrity failure is a person's call (a tampered file or a stale hash): the pin and its hash stay."""
    text = "--require-hashes\nflask==3.0.3 \\\n    --hash=sha256:00\n"
    write(tmp_path, {"requirements.txt": text})
    with pytest.raises(StrategyDeclined, match="checksum"):
        relax_pin(FailureReport(category="dependency_conflict", entity="flask", ecosystem="python", root_cause=cause), tmp_path,
                  tools({"pip index": (0, "flask (3.1.0)")}))
    assert (tmp_path / "requirements.txt").read_text() == text


@pytest.mark.parametrize(("files", "expect"), [
    ({"Procfile": "web: gunicorn --daemon --bind 0.0.0.0:$PORT app:app\n"}, ("Procfile", "web: gunicorn --bind 0.0.0.0:$PORT app:app\n")),
    ({"Procfile": "web: nohup python server.py > server.log 2>&1 &\n"}, ("Procfile", "web: python server.py\n")),
    ({"package.json": '{"scripts": {"start": "node server.js &"}}'}, ("package.json", '{\n  "scripts": {\n    "start": "node server.js"\n  }\n}\n')),
    ({"package.json": '{"scripts": {"start": "pm2 start ecosystem.config.js"}}'},
     ("package.json", '{\n  "scripts": {\n    "start": "pm2-runtime start ecosystem.config.js"\n  }\n}\n')),
])
def test_fix_start_command_keeps_the_server_in_the_foreground(tmp_path: Path, files: dict[str, str], expect: tuple[str, str]) -> None:
    """A web command that detaches the server (`&`, nohup, gunicorn --daemon, pm2 start) returns at once and leaves the
    platform no process: the server stays in the foreground; `&&` chains are left alone."""
    write(tmp_path, files)
    r = fix_start_command(FailureReport(category="start_command", root_cause="==> web process exited with code 0 before passing "
                                        "the health check"), tmp_path, tools())
    assert (tmp_path / expect[0]).read_text() == expect[1] and "background" in r.summary


def test_relax_pin_ceilings_step_back_a_major_line_then_the_newest_minor_line() -> None:
    """Which release dropped a name is not in the index: the ceilings offered are below the newest major line, below the
    newest minor line (Flask 3.1 broke Quart 0.19, which needs Flask>=3.0.3: only ``<3.1`` fits), then older lines."""
    from agents.strategies.relax_pin import _ceilings

    flask = ["3.1.3", "3.1.0", "3.0.3", "3.0.0", "2.3.3", "2.2.5", "2.0.1", "1.1.4"]
    assert _ceilings(flask) == [(3,), (3, 1), (2, 3)]
    markupsafe = ["3.0.2", "3.0.0", "2.1.5", "2.1.0", "2.0.1", "1.1.1"]  # <3.0 admits what <3 admits: not offered twice
    assert _ceilings(markupsafe) == [(3,), (2, 1), (2,)]


def test_relax_pin_to_newest_stable(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "# deps\nrequests==99.0.0 ; python_version >= '3.8'\nidna\n"})
    t = tools({"pip index versions requests": (0, "requests (2.32.3)\nAvailable versions: 3.0.0b1, 2.32.3, 2.31.0")})
    r = relax_pin(FailureReport(category="dependency_conflict", entity="requests", ecosystem="python"), tmp_path, t)
    assert "requests==2.32.3 ; python_version >= '3.8'" in (tmp_path / "requirements.txt").read_text()
    assert r.params["from"] == "==99.0.0"


def test_relax_pin_finds_the_newest_release_that_still_exports_the_subpath(tmp_path: Path) -> None:
    """``require('uuid/v4')``: uuid 8+ exports no ``./v4``; the registry's metadata says which line still does."""
    write(tmp_path, {"package.json": '{"dependencies": {"uuid": "*"}}'})
    cause = ("Error [ERR_PACKAGE_PATH_NOT_EXPORTED]: Package subpath './v4' is not defined by \"exports\" in "
             "/srv/node_modules/uuid/package.json")
    t = tools({"npm view uuid versions": (0, json.dumps(["3.4.0", "7.0.3", "8.3.2", "9.0.1"])),
               "npm view uuid@8.3.2 exports": (0, json.dumps({".": "./dist/index.js", "./package.json": "./package.json"})),
               "npm view uuid@7.0.3 exports": (0, json.dumps({".": "./dist/index.js", "./v4": "./dist/v4.js"})),
               "npm view uuid@3.4.0 exports": (0, "")})
    r = relax_pin(FailureReport(category="dependency_conflict", entity="uuid", ecosystem="node", root_cause=cause), tmp_path, t)
    assert json.loads((tmp_path / "package.json").read_text())["dependencies"] == {"uuid": "^7.0.3"}
    assert "still exports ./v4" in r.summary


def test_relax_pin_node(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": json.dumps({"dependencies": {"vite": "^99.0.0"}})})
    t = tools({"npm view vite versions": (0, '["5.0.0", "7.1.11", "8.0.0-beta.1"]')})
    relax_pin(FailureReport(category="dependency_conflict", entity="vite", ecosystem="node"), tmp_path, t)
    assert json.loads((tmp_path / "package.json").read_text())["dependencies"]["vite"] == "^7.1.11"


ERESOLVE = """npm error code ERESOLVE
npm error ERESOLVE unable to resolve dependency tree
npm error While resolving: p@1.0.0
npm error Found: react@18.2.0
npm error   react@"18.2.0" from the root project
npm error Could not resolve dependency:
npm error peer react@"17.0.2" from react-dom@17.0.2
npm error   react-dom@"17.0.2" from the root project"""


@pytest.mark.parametrize(("variant", "expect"), [(0, ("react-dom", "18.2.0")), (1, ("react", "^19.2.0"))])
def test_relax_pin_aligns_the_package_that_declares_the_peer(tmp_path: Path, variant: int, expect: tuple[str, str]) -> None:
    write(tmp_path, {"package.json": json.dumps({"dependencies": {"react": "18.2.0", "react-dom": "17.0.2"}})})
    rows = lambda major, peers: json.dumps([{"version": v, "peerDependencies": {"react": p}} for v, p in peers])  # noqa: E731
    t = tools({"npm install --package-lock-only": (1, ERESOLVE),
               "npm view react-dom versions": (0, '["17.0.2", "18.2.0", "18.3.1", "19.2.0"]'),
               "npm view react versions": (0, '["17.0.2", "18.2.0", "19.2.0", "19.3.0-canary.1"]'),
               "react-dom@^19": (0, "npm warn Unknown user config\n" + rows(19, [("19.2.0", "^19.2.0")])),
               "react-dom@^18": (0, rows(18, [("18.2.0", "^18.2.0"), ("18.3.1", "^18.3.1")]))}, variant=variant)
    report = FailureReport(category="dependency_conflict", entity="react", ecosystem="node", rule_id="npm-eresolve")
    r = relax_pin(report, tmp_path, t)
    name, version = expect
    assert json.loads((tmp_path / "package.json").read_text())["dependencies"][name] == version and r.alternatives == 2


def test_sync_lockfile_runs_npm(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}", "package-lock.json": "{}"})
    t = tools({"npm install --package-lock-only": (0, "up to date")})
    sync_lockfile(FailureReport(category="lockfile_mismatch", entity="package-lock.json"), tmp_path, t)
    assert t.ws.calls == ["npm install --package-lock-only --ignore-scripts --no-audit --no-fund"]  # type: ignore[attr-defined]
    with pytest.raises(StrategyDeclined):
        sync_lockfile(FailureReport(category="lockfile_mismatch", entity="poetry.lock"), tmp_path / "nothing", t)


def test_add_init_py(tmp_path: Path) -> None:
    write(tmp_path, {"profile/server.py": "x = 1\n", "auth/__init__.py": "", "auth/session.py": ""})
    r = add_init_py(FailureReport(category="import_error", entity="profile.server"), tmp_path, tools())
    assert (tmp_path / "profile/__init__.py").exists() and r.params["files"] == ["profile/__init__.py"]
    with pytest.raises(StrategyDeclined):
        add_init_py(FailureReport(category="import_error", entity="auth.sesion"), tmp_path, tools())


def test_fix_import_path_case_and_typo(tmp_path: Path) -> None:
    write(tmp_path, {"helpers/__init__.py": "", "helpers/text.py": "def slug(s): return s\n",
                     "auth/__init__.py": "", "auth/session.py": "X = 1\n",
                     "auth/middleware.py": "import os\nfrom .sesion import X\nfrom auth import sesion\n",
                     "app.py": "from Helpers.text import slug\nimport Helpers\nprint(slug('a'))\n"})
    r = fix_import_path(FailureReport(category="import_error", entity="Helpers.text"), tmp_path, tools())
    assert (tmp_path / "app.py").read_text() == "from helpers.text import slug\nimport helpers as Helpers\nprint(slug('a'))\n"
    assert r.params == {"from": "Helpers.text", "to": "helpers.text", "files": ["app.py"]} and r.predicted_success == 0.8
    r = fix_import_path(FailureReport(category="import_error", entity="auth.sesion"), tmp_path, tools())
    assert (tmp_path / "auth/middleware.py").read_text() == "import os\nfrom .session import X\nfrom auth import session as sesion\n"
    assert "spelling" in r.summary and r.predicted_success == 0.6


def test_fix_import_path_javascript(tmp_path: Path) -> None:
    write(tmp_path, {"lib/greeting.js": "exports.greet = () => 'hi'\n", "lib/index.mjs": "",
                     "server.js": "const { greet } = require('./lib/Greeting');\nconst x = require('./lib/Greeting');\n",
                     "src/app.mjs": "import { greet } from '../lib/greetings.js';\nimport http from 'node:http';\n",
                     "node_modules/x/a.js": "require('./lib/Greeting')\n"})
    r = fix_import_path(FailureReport(category="import_error", entity="./lib/Greeting"), tmp_path, tools())
    assert (tmp_path / "server.js").read_text() == "const { greet } = require('./lib/greeting');\nconst x = require('./lib/greeting');\n"
    assert r.params["files"] == ["server.js"] and (tmp_path / "node_modules/x/a.js").read_text() == "require('./lib/Greeting')\n"
    # Node prints the absolute path of a missing ES module; the analyzer keeps the part inside the repository
    fix_import_path(FailureReport(category="import_error", entity="lib/greetings.js"), tmp_path, tools())
    assert (tmp_path / "src/app.mjs").read_text().startswith("import { greet } from '../lib/greeting.js';")


def test_fix_import_path_writes_an_es_module_specifier_in_full(tmp_path: Path) -> None:
    """ES modules resolve relative specifiers as written: ``./routes/health`` needs its ``.js`` (Node: 'Did you mean to
    import "./routes/health.js"?'), a folder its ``index.js``; a CommonJS file of the same project keeps its form."""
    write(tmp_path, {"package.json": '{"type": "module"}\n', "routes/health.js": "export default 1\n",
                     "lib/db/index.js": "export const db = 1\n", "util.js": "export const u = 1\n",
                     "index.js": "import express from 'express';\nimport health from './routes/health';\n"
                                 "import { db } from './lib/db';\nimport { u } from './util.js';\n",
                     "legacy/package.json": '{"type": "commonjs"}\n', "legacy/old.js": "const h = require('../routes/health');\n"})
    r = fix_import_path(FailureReport(category="import_error", entity="routes/health"), tmp_path, tools())
    assert (tmp_path / "index.js").read_text() == ("import express from 'express';\nimport health from './routes/health.js';\n"
                                                   "import { db } from './lib/db';\nimport { u } from './util.js';\n")
    assert r.params["files"] == ["index.js"] and (tmp_path / "legacy/old.js").read_text() == "const h = require('../routes/health');\n"
    fix_import_path(FailureReport(category="import_error", entity="lib/db"), tmp_path, tools())
    assert "import { db } from './lib/db/index.js';" in (tmp_path / "index.js").read_text()
    write(tmp_path, {"routes/health.mjs": "export default 2\n", "index.js": "import health from './routes/health';\n"})
    with pytest.raises(StrategyDeclined):  # health.js and health.mjs both fit: no guess
        fix_import_path(FailureReport(category="import_error", entity="routes/health"), tmp_path, tools())


def test_fix_import_path_gives_a_json_import_its_attribute(tmp_path: Path) -> None:
    cause = 'TypeError [ERR_IMPORT_ASSERTION_TYPE_MISSING]: Module "file:///srv/app/config.json" needs an import attribute of type "json"'
    write(tmp_path, {"package.json": '{"type": "module"}\n', "config.json": "{}\n", "data/other.json": "{}\n",
                     "index.js": "import express from 'express';\nimport config from './config.json';\nimport o from './data/other.json';\n",
                     "lib/util.js": "import config from '../config.json' with { type: 'json' };\n"})
    r = fix_import_path(FailureReport(category="import_error", entity="/srv/app/config.json", root_cause=cause), tmp_path, tools())
    assert (tmp_path / "index.js").read_text() == ("import express from 'express';\nimport config from './config.json' with { type: 'json' };\n"
                                                   "import o from './data/other.json' with { type: 'json' };\n")
    assert r.params["files"] == ["index.js"]  # lib/util.js already says it


def test_missing_es_module_path_is_kept_relative_to_the_repository() -> None:
    from agents.analyzer import analyze
    from agents.rules import load_rulebook

    log = ("node:internal/errors:496\nError [ERR_MODULE_NOT_FOUND]: Cannot find module "
           "'/srv/deploys/dep-0007-ab12/src/lib/greetings.js' imported from /srv/deploys/dep-0007-ab12/src/server.js\n")
    r = analyze(log, load_rulebook(), repo_files=["server.js", "lib/greeting.js", "package.json"])
    assert (r.category, r.entity) == ("import_error", "lib/greetings.js")


def test_fix_import_path_declines_what_it_cannot_pin_down(tmp_path: Path) -> None:
    write(tmp_path, {"request.py": "x = 1\n", "app.py": "import requests\n", "pkg/__init__.py": "",
                     "pkg/alpha.py": "", "pkg/alphb.py": "", "main.py": "from pkg.alphx import y\n"})
    with pytest.raises(StrategyDeclined):  # a top-level near-miss may be a PyPI package: never "fixed" into a local file
        fix_import_path(FailureReport(category="import_error", entity="requests"), tmp_path, tools())
    with pytest.raises(StrategyDeclined):  # two modules fit equally: no guess
        fix_import_path(FailureReport(category="import_error", entity="pkg.alphx"), tmp_path, tools())
    assert (tmp_path / "main.py").read_text() == "from pkg.alphx import y\n"


@pytest.mark.parametrize(
    ("procfile", "files", "expect"),
    [
        ("web: python main.py\n", {"app.py": "import http.server\nif __name__ == '__main__':\n    s.serve_forever()\n",
                                    "util.py": "x = 1\n"}, "web: python app.py\n"),
        ("web: gunicorn wsgi:app --workers 2\n", {"service/web.py": "from flask import Flask\napp = Flask(__name__)\n"},
         "web: gunicorn service.web:app --workers 2\n"),
        ("web: python -m srv.main\n", {"srv/server.py": "if __name__ == '__main__':\n    app.run()\n"},
         "web: python -m srv.server\n"),
    ],
)
def test_fix_start_command(tmp_path: Path, procfile: str, files: dict[str, str], expect: str) -> None:
    write(tmp_path, {"Procfile": procfile, **files})
    fix_start_command(FailureReport(category="start_command"), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == expect


def test_fix_start_command_adds_the_build_that_writes_the_compiled_entry(tmp_path: Path) -> None:
    """``node dist/index.js`` with no dist/ in the repository, ``src/index.ts`` there and tsconfig.json's outDir
    ``dist``: the missing step is the compile, so package.json gains ``"build": "tsc"`` (read with comments and a
    trailing comma, as tsc reads it); nothing else changes."""
    pkg = '{\n    "scripts": {"start": "node ./dist/index.js"},\n    "devDependencies": {"typescript": "^5.4.5"}\n}\n'
    write(tmp_path, {"package.json": pkg, "src/index.ts": "console.log(1)\n", "src/other.js": "x.listen(3000)\n",
                     "tsconfig.json": '{\n  // compiled output\n  "compilerOptions": {"outDir": "./dist", "rootDir": "src",},\n}\n'})
    r = fix_start_command(FailureReport(category="start_command", entity="index.js"), tmp_path, tools())
    data = json.loads((tmp_path / "package.json").read_text())
    assert data["scripts"] == {"start": "node ./dist/index.js", "build": "tsc"} and r.params["script"] == "build"
    assert (tmp_path / "package.json").read_text().startswith('{\n    "scripts"')  # the file's own indentation
    write(tmp_path, {"package.json": pkg.replace("typescript", "ts-node")})  # no tsc to run: no build script
    with pytest.raises(StrategyDeclined, match="does not declare typescript"):
        fix_start_command(FailureReport(category="start_command"), tmp_path, tools())
    write(tmp_path, {"package.json": pkg.replace('"start"', '"build": "vite build", "start"')})  # a build that writes elsewhere
    with pytest.raises(StrategyDeclined, match="does not produce it"):
        fix_start_command(FailureReport(category="start_command"), tmp_path, tools())


@pytest.mark.parametrize(("tsconfig", "start", "compiled"), [
    ('{"compilerOptions": {"outDir": "dist", "rootDir": "src"}}', "node src/index.ts", "node dist/index.js"),
    ('{"compilerOptions": {"outDir": "./build"}}', "NODE_ENV=production node src/server/main.ts --trace", "NODE_ENV=production node build/server/main.js --trace"),
    ('{"compilerOptions": {"module": "commonjs"}}', "node src/index.ts", "node src/index.js"),
])
def test_fix_start_command_runs_the_compiled_typescript(tmp_path: Path, tsconfig: str, start: str, compiled: str) -> None:
    """``node src/index.ts``: Node cannot run TypeScript (ERR_UNKNOWN_FILE_EXTENSION); the start runs what tsc writes
    (tsconfig's outDir and rootDir, or tsc's default root: the sources' common folder) and the build compiles it."""
    pkg = {"scripts": {"start": start}, "devDependencies": {"typescript": "^5.5.0"}}
    write(tmp_path, {"package.json": json.dumps(pkg, indent=2), "tsconfig.json": tsconfig, "src/index.ts": "export {}\n",
                     "src/server/main.ts": "export {}\n", "src/types.d.ts": "declare module 'x';\n"})
    r = fix_start_command(FailureReport(category="start_command", entity="src/index.ts"), tmp_path, tools())
    assert json.loads((tmp_path / "package.json").read_text())["scripts"] == {"start": compiled, "build": "tsc"}
    assert "cannot run the TypeScript source" in r.summary
    pkg["scripts"]["build"] = "rimraf dist && tsc -p ."  # a tsc build already there: only the start changes
    write(tmp_path, {"package.json": json.dumps(pkg, indent=2)})
    fix_start_command(FailureReport(category="start_command"), tmp_path, tools())
    assert json.loads((tmp_path / "package.json").read_text())["scripts"]["start"] == compiled
    pkg["scripts"] = {"start": start}
    pkg["devDependencies"] = {"ts-node": "^10"}
    write(tmp_path, {"package.json": json.dumps(pkg, indent=2)})
    with pytest.raises(StrategyDeclined, match="does not declare typescript"):
        fix_start_command(FailureReport(category="start_command"), tmp_path, tools())


@pytest.mark.parametrize(
    ("files", "cause", "entity", "expect"),
    [
        ({"Procfile": "web: gunicorn app:app --workers $WEB_CONCURRENCY --bind 0.0.0.0:$PORT\n"},
         "gunicorn: error: argument -w/--workers: expected one argument", "--workers",
         ("Procfile", "web: gunicorn app:app --bind 0.0.0.0:$PORT\n")),
        ({"Procfile": 'web: gunicorn -w "${WEB_CONCURRENCY}" app:app\n'},  # the short spelling, quoted and braced
         "gunicorn: error: argument -w/--workers: invalid int value: ''", "--workers", ("Procfile", "web: gunicorn app:app\n")),
        ({"Procfile": "web: uvicorn main:app --host 0.0.0.0 --port=$PORT --workers=$UVICORN_WORKERS\n"},
         "Error: Option '--workers' requires an argument.", "--workers",
         ("Procfile", "web: uvicorn main:app --host 0.0.0.0 --port=$PORT\n")),
        ({"package.json": '{"scripts": {"start": "node cli.js serve -c $CONCURRENCY"}}'},
         "error: option '-c, --concurrency <n>' argument missing", "--concurrency",
         ("package.json", '{\n  "scripts": {\n    "start": "node cli.js serve"\n  }\n}\n')),
        # a port option is not dropped (the default port is not where the platform routes): it takes $PORT
        ({"Procfile": "web: uvicorn main:app --host 0.0.0.0 --port ${APP_PORT}\n"},
         "Error: Invalid value for '--port': '' is not a valid integer.", "--port",
         ("Procfile", "web: uvicorn main:app --host 0.0.0.0 --port $PORT\n")),
    ],
)
def test_fix_start_command_drops_an_option_given_an_unset_variable(tmp_path: Path, files: dict[str, str], cause: str,
                                                                    entity: str, expect: tuple[str, str]) -> None:
    write(tmp_path, files)
    r = fix_start_command(FailureReport(category="start_command", entity=entity, root_cause=cause), tmp_path, tools())
    assert (tmp_path / expect[0]).read_text() == expect[1] and r.params["variable"]


def test_fix_start_command_keeps_an_option_value_the_author_wrote(tmp_path: Path) -> None:
    write(tmp_path, {"Procfile": "web: gunicorn app:app --workers four\n"})
    with pytest.raises(StrategyDeclined, match="author's choice"):
        fix_start_command(FailureReport(category="start_command", entity="--workers",
                                        root_cause="gunicorn: error: argument -w/--workers: invalid int value: 'four'"), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn app:app --workers four\n"


def test_fix_start_command_finds_a_bare_asgi_callable(tmp_path: Path) -> None:
    write(tmp_path, {"Procfile": "web: uvicorn main:app --host 0.0.0.0 --port $PORT\n",
                     "api.py": "async def app(scope, receive, send):\n    pass\n"})
    fix_start_command(FailureReport(category="start_command", entity="main"), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == "web: uvicorn api:app --host 0.0.0.0 --port $PORT\n"


def test_fix_start_command_follows_npm_start_into_package_json(tmp_path: Path) -> None:
    pkg = '{\n    "name": "p",\n    "scripts": {\n        "start": "node index.js"\n    }\n}\n'
    write(tmp_path, {"Procfile": "web: npm start\n", "package.json": pkg,
                     "server.js": "require('http').createServer(() => {}).listen(process.env.PORT)\n"})
    r = fix_start_command(FailureReport(category="start_command", entity="index.js"), tmp_path, tools())
    assert (tmp_path / "package.json").read_text() == pkg.replace("index.js", "server.js")  # same indentation: a one-line diff
    assert (tmp_path / "Procfile").read_text() == "web: npm start\n" and r.params["file"] == "package.json"


def test_set_runtime_version(tmp_path: Path) -> None:
    assert choose("3.99.0", ["3.10.13", "3.11.7"]) == "3.11.7"
    assert choose("2.7.10", ["3.10.13", "3.11.7"]) == "3.10.13"
    write(tmp_path, {"runtime.txt": "python-3.99.0\n"})
    set_runtime_version(FailureReport(category="runtime_version"), tmp_path, tools(runtimes={"python": ["3.11.7"]}))
    assert (tmp_path / "runtime.txt").read_text() == "python-3.11.7\n"
    with pytest.raises(StrategyDeclined, match="which the platform has"):
        set_runtime_version(FailureReport(category="runtime_version"), tmp_path, tools(runtimes={"python": ["3.11.7"]}))


def test_trim_unused_dependencies_keeps_what_is_used(tmp_path: Path) -> None:
    write(tmp_path, {
        "requirements.txt": "idna==3.10\nPyYAML\ngunicorn\npsycopg2-binary\n# comment\nnumpy==2.1.3\npandas==2.2.3\n",
        "app.py": "import idna\nimport yaml\nDB = 'postgresql+psycopg2://x'\n",
        "Procfile": "web: gunicorn app:app\n",
    })
    r = trim_unused_dependencies(FailureReport(category="build_timeout"), tmp_path, tools(aliases={"yaml": "PyYAML", "psycopg2": "psycopg2-binary"}))
    assert (tmp_path / "requirements.txt").read_text() == "idna==3.10\nPyYAML\ngunicorn\npsycopg2-binary\n# comment\n"
    assert r.params["removed"] == ["numpy", "pandas"]


def test_trim_unused_dependencies_node(tmp_path: Path) -> None:
    pkg = {"name": "p", "scripts": {"build": "tsc -p .", "start": "node dist/server.js"},
           "dependencies": {"express": "^4.19.2", "lodash": "^4.17.21", "aws-sdk": "^2.1692.0", "@scope/kit": "1.0.0",
                            "googleapis": "^144.0.0", "pg": "^8.12.0"},
           "devDependencies": {"typescript": "^5.6.3", "@types/node": "^22.0.0", "puppeteer": "^23.0.0"}}
    write(tmp_path, {"package.json": json.dumps(pkg, indent=2), "package-lock.json": "{}",
                     "src/server.ts": "import express from 'express';\nimport get from 'lodash/get';\nconst kit = require('@scope/kit/sub');\n"
                                      "const url = 'pg://db';\nimport './local';\n",
                     "node_modules/aws-sdk/index.js": "require('aws-sdk')\n"})
    t = tools({"npm install --package-lock-only": (0, "")})
    r = trim_unused_dependencies(FailureReport(category="build_timeout"), tmp_path, t)
    after = json.loads((tmp_path / "package.json").read_text())
    assert sorted(r.params["removed"]) == ["aws-sdk", "googleapis", "puppeteer"]
    assert set(after["dependencies"]) == {"express", "lodash", "@scope/kit", "pg"}
    assert set(after["devDependencies"]) == {"typescript", "@types/node"}  # tsc in a script; types read by tsc
    assert any("npm install --package-lock-only" in c for c in t.ws.calls)  # type: ignore[attr-defined]


def test_retry_backs_off_across_attempts(tmp_path: Path) -> None:
    from agents.strategies.retry import retry

    rep = FailureReport(category="network_transient")
    delays = [retry(rep, tmp_path, Tools(None, attempt=a)).params["delay_s"] for a in (1, 2, 3)]  # type: ignore[arg-type]
    assert delays == [2.0, 4.0, 8.0]
    assert retry(FailureReport(category="rate_limit"), tmp_path, Tools(None, attempt=1)).params["delay_s"] == 10.0  # type: ignore[arg-type]
    with pytest.raises(StrategyDeclined):
        retry(FailureReport(category="syntax_error"), tmp_path, Tools(None))  # type: ignore[arg-type]


# relax_pin: a package declared twice with conflicting pins (issue 11), read with packaging/tomlkit.
INDEX = {"pip index versions requests": (0, "requests (2.32.3)\nAvailable versions: 2.32.3, 2.31.0, 2.25.1")}


def test_relax_pin_duplicate_lines_in_one_file(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "flask==3.0.0\nrequests==2.25.1  # old\nidna\nRequests[socks]==2.31.0\n"})
    r = relax_pin(FailureReport(category="dependency_conflict", entity="requests", ecosystem="python"), tmp_path, tools(INDEX))
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.0.0\nrequests==2.31.0  # old\nidna\n"
    assert r.params["to"] == "2.31.0" and r.alternatives == 2


def test_relax_pin_requirements_against_constraints(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "-c constraints/prod.txt\nrequests>=2.30\n", "constraints/prod.txt": "requests==2.25.1\n"})
    relax_pin(FailureReport(category="dependency_conflict", entity="requests", ecosystem="python"), tmp_path, tools(INDEX))
    assert (tmp_path / "requirements.txt").read_text() == "-c constraints/prod.txt\nrequests==2.32.3\n"
    assert (tmp_path / "constraints/prod.txt").read_text() == "requests==2.32.3\n"


def test_relax_pin_second_variant_takes_the_newest(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "requests==2.25.1\nrequests==2.31.0\n"})
    relax_pin(FailureReport(category="dependency_conflict", entity="requests", ecosystem="python"), tmp_path,
              tools(INDEX, variant=1))
    assert (tmp_path / "requirements.txt").read_text() == "requests==2.32.3\n"


def test_relax_pin_pyproject_keeps_its_style(tmp_path: Path) -> None:
    text = '[project]\nname = "x"  # the app\ndependencies = [\n    "flask>=3",\n    "requests==99.0.0",  # pinned\n]\n'
    write(tmp_path, {"pyproject.toml": text})
    relax_pin(FailureReport(category="dependency_conflict", entity="requests", ecosystem="python"), tmp_path, tools(INDEX))
    assert (tmp_path / "pyproject.toml").read_text() == text.replace("requests==99.0.0", "requests==2.32.3")


# relax_pin: a requirement that is no package at all (the index answers as pip does for these names).
NO_DIST = (1, "ERROR: No matching distribution found for {}")


@pytest.mark.parametrize("name, files, expect", [
    ("sqlite3", {"requirements.txt": "requests==2.32.3\nsqlite3  # the database\nsix\n"},
     {"requirements.txt": "requests==2.32.3\nsix\n"}),
    ("pkg-resources", {"requirements.txt": "certifi==2024.2.2\npkg-resources==0.0.0\nsix==1.16.0\n",
                       "requirements-dev.txt": "-r requirements.txt\npkg_resources==0.0.0\npytest\n"},
     {"requirements.txt": "certifi==2024.2.2\nsix==1.16.0\n", "requirements-dev.txt": "-r requirements.txt\npytest\n"}),
    ("python", {"pyproject.toml": '[project]\nname = "x"\ndependencies = [\n    "python==3.11.4",  # ours\n    "six",\n]\n'},
     {"pyproject.toml": '[project]\nname = "x"\ndependencies = [\n    "six",\n]\n'}),
])
def test_relax_pin_removes_a_requirement_that_is_no_package(tmp_path: Path, name: str, files: dict[str, str],
                                                            expect: dict[str, str]) -> None:
    write(tmp_path, files)
    t = tools({f"pip index versions {name}": (NO_DIST[0], NO_DIST[1].format(name))})
    r = relax_pin(FailureReport(category="dependency_conflict", entity=name, ecosystem="python"), tmp_path, t)
    assert {rel: (tmp_path / rel).read_text() for rel in expect} == expect
    assert r.params["to"] == "(removed)" and name in r.summary


@pytest.mark.parametrize("line, expect", [
    ("yaml==6.0.1  # config\n", "PyYAML==6.0.1  # config\n"),
    ("yaml>=99\n", "PyYAML==6.0.2\n"),
    ("yaml; python_version >= '3.8'\n", "PyYAML; python_version >= \"3.8\"\n"),
])
def test_relax_pin_declares_the_distribution_of_an_import_name(tmp_path: Path, line: str, expect: str) -> None:
    write(tmp_path, {"requirements.txt": "flask\n" + line})
    t = tools({"pip index versions yaml": (NO_DIST[0], NO_DIST[1].format("yaml")),
               "pip index versions PyYAML": (0, "PyYAML (6.0.2)\nAvailable versions: 6.0.2, 6.0.1, 5.4.1")}, aliases={"yaml": "PyYAML"})
    r = relax_pin(FailureReport(category="dependency_conflict", entity="yaml", ecosystem="python"), tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "flask\n" + expect
    assert r.params["to"] == "PyYAML"


@pytest.mark.parametrize("name, cause, expect", [
    ("sklearn", "      The 'sklearn' PyPI package is deprecated, use 'scikit-learn'\n      rather than 'sklearn' for pip commands.",
     "scikit-learn\n"),
    ("tensorflow-gpu", '      The "tensorflow-gpu" package has been removed!\n      \n      Please install "tensorflow" instead.',
     "tensorflow\n"),
])
def test_relax_pin_declares_the_package_a_placeholder_release_names(tmp_path: Path, name: str, cause: str, expect: str) -> None:
    write(tmp_path, {"requirements.txt": f"flask==3.0.3\n{name}\n"})
    new = expect.strip()
    t = tools({f"pip index versions {new}": (0, f"{new} (2.0.0)\nAvailable versions: 2.0.0, 1.9.0")})
    report = FailureReport(category="dependency_conflict", entity=name, ecosystem="python", root_cause=cause.splitlines()[0],
                           evidence=[{"line": i, "text": t} for i, t in enumerate(cause.splitlines(), 1)])
    r = relax_pin(report, tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.0.3\n" + expect
    assert r.params["to"] == new and "install says so" in r.summary


@pytest.mark.parametrize("name, line, expect", [
    ("pywin32", "pywin32==306\n", 'pywin32==306; sys_platform == "win32"\n'),
    ("pywinpty", "pywinpty==2.0.12  # from pip freeze\n", 'pywinpty==2.0.12; sys_platform == "win32"  # from pip freeze\n'),
])
def test_relax_pin_marks_a_package_the_index_has_only_for_another_platform(tmp_path: Path, name: str, line: str,
                                                                        expect: str) -> None:
    """``pip freeze`` on Windows writes packages that have only Windows wheels; Linux's pip finds no distribution.
    The index, asked as pip on Windows asks (``--platform win_amd64``), has them: the line gets a marker."""
    write(tmp_path, {"requirements.txt": "flask==3.0.0\n" + line + "six==1.16.0\n"})
    t = tools({f"pip index versions {name} --platform win_amd64": (0, f"{name} (311)\nAvailable versions: 311, 306"),
               f"pip index versions {name}": (NO_DIST[0], NO_DIST[1].format(name))})
    r = relax_pin(FailureReport(category="dependency_conflict", entity=name, ecosystem="python"), tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.0.0\n" + expect + "six==1.16.0\n"
    assert r.params["to"] == f'{name}; sys_platform == "win32"' and "win32" in r.summary


def test_relax_pin_leaves_a_platform_package_that_already_has_a_marker_to_a_person(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": 'pywin32==306; python_version >= "3.8"\n'})
    t = tools({"pip index versions pywin32 --platform win_amd64": (0, "pywin32 (311)\nAvailable versions: 311, 306"),
               "pip index versions pywin32": (NO_DIST[0], NO_DIST[1].format("pywin32"))})
    with pytest.raises(StrategyDeclined, match="already has the marker"):
        relax_pin(FailureReport(category="dependency_conflict", entity="pywin32", ecosystem="python"), tmp_path, t)


def test_poetry_declarations_are_set_and_removed_in_place(tmp_path: Path) -> None:
    """pyreqs edits [tool.poetry.dependencies] keys with tomlkit: the comment and the python key stay."""
    from agents.strategies import pyreqs

    write(tmp_path, {"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "2.25.1"  # pinned\nsqlite3 = "*"\n'})
    pyreqs.set_spec(tmp_path, pyreqs.declarations(tmp_path, "requests")[0], "==2.32.3")
    pyreqs.drop(tmp_path, pyreqs.declarations(tmp_path, "sqlite3")[0])
    assert (tmp_path / "pyproject.toml").read_text() == '[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "2.32.3"  # pinned\n'


def test_relax_pin_still_declines_a_name_that_may_be_a_typo(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "flaskk\n"})
    t = tools({"pip index versions flaskk": (NO_DIST[0], NO_DIST[1].format("flaskk"))})
    with pytest.raises(StrategyDeclined, match="no distribution named flaskk"):
        relax_pin(FailureReport(category="dependency_conflict", entity="flaskk", ecosystem="python"), tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "flaskk\n"


# fix_start_command: module-vs-script starts and a stale Procfile after a rename (issue 11).
RELATIVE = {"shop/__init__.py": "", "shop/helpers.py": "def hi():\n    return 'ok'\n",
            "shop/web.py": "from .helpers import hi\nif __name__ == '__main__':\n    serve_forever()\n"}


@pytest.mark.parametrize("procfile", ["web: python shop/web.py\n", "web: python3 ./shop/web.py --workers 2\n"])
def test_fix_start_command_runs_a_package_module_as_a_module(tmp_path: Path, procfile: str) -> None:
    write(tmp_path, {"Procfile": procfile, **RELATIVE})
    r = fix_start_command(FailureReport(category="import_error", entity="helpers"), tmp_path, tools())
    assert "-m shop.web" in (tmp_path / "Procfile").read_text() and "relative imports" in r.summary


def test_fix_start_command_module_start_in_package_json(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": json.dumps({"scripts": {"start": "python tools/serve.py"}}),
                     "tools/serve.py": "from . import conf\n", "tools/conf.py": ""})
    fix_start_command(FailureReport(category="import_error"), tmp_path, tools())
    assert json.loads((tmp_path / "package.json").read_text())["scripts"]["start"] == "python -m tools.serve"


def commit_then_rename(tree: Path, old: str, new: str) -> None:
    """A real git history: everything committed, then ``old`` renamed to ``new`` in a second commit."""
    import subprocess

    git = ["git", "-C", str(tree), "-c", "user.name=t", "-c", "user.email=t@t"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "one"], ["mv", old, new], ["commit", "-qm", "rename"]):
        subprocess.run([*git, *args], check=True)


def test_fix_start_command_follows_a_rename_in_git_history(tmp_path: Path) -> None:
    server = "import http.server\nif __name__ == '__main__':\n    http.server.HTTPServer(('', 1), None).serve_forever()\n"
    write(tmp_path, {"Procfile": "web: python server.py\n", "server.py": server,
                     "app.py": server})  # app.py ranks first by name: only the history says server.py became api.py
    commit_then_rename(tmp_path, "server.py", "api.py")
    fix_start_command(FailureReport(category="start_command", entity="server.py"), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == "web: python api.py\n"


def test_fix_start_command_stale_gunicorn_module_after_rename(tmp_path: Path) -> None:
    write(tmp_path, {"Procfile": "web: gunicorn legacy:app\n", "legacy.py": "from flask import Flask\napp = Flask(__name__)\n",
                     "main.py": "from fastapi import FastAPI\napp = FastAPI()\n"})
    commit_then_rename(tmp_path, "legacy.py", "website.py")
    fix_start_command(FailureReport(category="start_command", entity="legacy"), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn website:app\n"


def test_fix_start_command_finds_django_manage_py(tmp_path: Path) -> None:
    manage = ("import sys\nif __name__ == '__main__':\n    from django.core.management import execute_from_command_line\n"
              "    execute_from_command_line(sys.argv)\n")
    write(tmp_path, {"Procfile": "web: python manage_old.py runserver 0.0.0.0:$PORT\n", "manage.py": manage,
                     "app.py": "if __name__ == '__main__':\n    serve_forever()\n"})  # app.py ranks first by name alone
    fix_start_command(FailureReport(category="start_command", entity="manage_old.py"), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == "web: python manage.py runserver 0.0.0.0:$PORT\n"


@pytest.mark.parametrize(("entity", "ecosystem", "source"), [
    ("gcc", "python", "rules"),          # a compiler the image lacks is never a PyPI package
    ("make", "node", "llm"),
    ("org.junit", "other", "rules"),     # a Java package: not for requirements.txt
    ("ext-mbstring", "other", "rules"),  # a PHP extension
    ("libGL.so.1", "python", "llm"),     # a shared library the loader could not find: the system image's
    ("libpq.so.5", "node", "rules"),
])
def test_add_dependency_declines_what_is_not_a_python_or_npm_package(tmp_path: Path, entity: str, ecosystem: str,
                                                                      source: str) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "package.json").write_text('{"name": "a", "dependencies": {}}\n')
    report = FailureReport(category="missing_dependency", entity=entity, ecosystem=ecosystem, source=source)
    with pytest.raises(StrategyDeclined):
        add_dependency(report, tmp_path, tools({"": (0, "x (1.0)")}))  # the registry would say yes to anything
    assert (tmp_path / "requirements.txt").read_text() == "flask\n"


def test_fix_start_command_finds_a_server_started_at_module_level_after_a_rename(tmp_path: Path) -> None:
    write(tmp_path, {"Procfile": "web: python main.py\n", "requirements.txt": "",
                     "server.py": 'from http.server import HTTPServer\nHTTPServer(("", 8000), None).serve_forever()\n',
                     "helpers.py": "def f():\n    return 1\n"})
    fix_start_command(FailureReport(category="start_command", entity="main.py"), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == "web: python server.py\n"


def test_fix_start_command_points_node_dot_at_the_server_when_main_is_gone(tmp_path: Path) -> None:
    write(tmp_path, {"Procfile": "web: npm start\n",
                     "package.json": '{"name": "a", "main": "index.js", "scripts": {"start": "node ."}}\n',
                     "server.js": "require('http').createServer(() => {}).listen(process.env.PORT);\n"})
    fix_start_command(FailureReport(category="start_command", entity="index.js"), tmp_path, tools())
    assert json.loads((tmp_path / "package.json").read_text())["scripts"]["start"] == "node server.js"
    write(tmp_path, {"package.json": '{"name": "a", "main": "server.js", "scripts": {"start": "node ."}}\n'})
    with pytest.raises(StrategyDeclined):  # main exists: `node .` is not what is wrong
        fix_start_command(FailureReport(category="start_command", entity="x"), tmp_path, tools())


@pytest.mark.parametrize(("server", "module", "expect"), [
    ("gunicorn --bind 0.0.0.0:$PORT", "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n",
     "web: gunicorn --bind 0.0.0.0:$PORT 'service:create_app()'\n"),
    ("uvicorn --host 0.0.0.0 --port $PORT", "from fastapi import FastAPI\n\n\ndef make_app(debug=False):\n    return FastAPI(debug=debug)\n",
     "web: uvicorn --host 0.0.0.0 --port $PORT --factory service:make_app\n"),
    ("gunicorn", "from flask import Flask\n\napplication = Flask(__name__)\n", "web: gunicorn service:application\n"),
])
def test_fix_start_command_a_factory_or_another_app_name_in_the_named_module(tmp_path: Path, server: str, module: str,
                                                                             expect: str) -> None:
    write(tmp_path, {"Procfile": f"web: {server} service:app\n", "service.py": module})
    fix_start_command(FailureReport(category="start_command", ecosystem="python"), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == expect


def test_fix_start_command_leaves_a_module_that_binds_the_name(tmp_path: Path) -> None:
    write(tmp_path, {"Procfile": "web: gunicorn service:app\n", "service.py": "from factory import app\n\n\ndef create_app():\n    return app\n"})
    with pytest.raises(StrategyDeclined):
        fix_start_command(FailureReport(category="start_command", ecosystem="python"), tmp_path, tools())


@pytest.mark.parametrize(("command", "expect"), [
    ("gunicorn --bind 0.0.0.0:$PORT web:create_app", "gunicorn --bind 0.0.0.0:$PORT 'web:create_app()'"),
    ("exec python -m gunicorn web:create_app -w 2", "exec python -m gunicorn 'web:create_app()' -w 2"),
    ("hypercorn web:create_app --bind 0.0.0.0:$PORT", "hypercorn 'web:create_app()' --bind 0.0.0.0:$PORT"),
    ("uvicorn web:create_app --host 0.0.0.0 --port $PORT", "uvicorn --factory web:create_app --host 0.0.0.0 --port $PORT"),
    ("waitress-serve --port=$PORT web:create_app", "waitress-serve --port=$PORT --call web:create_app"),
])
def test_fix_start_command_a_factory_named_as_the_app_is_called(tmp_path: Path, command: str, expect: str) -> None:
    """The name is bound, but to a function that takes nothing: no server can call it with a request (gunicorn answers
    each one with ``create_app() takes 0 positional arguments but 2 were given``); each server is told to call it its
    own way."""
    write(tmp_path, {"Procfile": f"web: {command}\n",
                     "web.py": "from flask import Flask\n\n\ndef create_app(*, testing=False):\n    return Flask(__name__)\n"})
    cause = "TypeError: create_app() takes 0 positional arguments but 2 were given"
    r = fix_start_command(FailureReport(category="start_command", entity="create_app", root_cause=cause), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == f"web: {expect}\n"
    assert "create_app() takes no argument" in r.summary


@pytest.mark.parametrize("module", [
    "def create_app(environ, start_response):\n    return []\n",  # a WSGI callable named like a factory
    "def create_app(*args):\n    return []\n",
    "import functools\n\n\n@functools.lru_cache\ndef create_app():\n    return None\n",  # a decorator may change it
])
def test_fix_start_command_leaves_an_app_that_takes_the_request(tmp_path: Path, module: str) -> None:
    write(tmp_path, {"Procfile": "web: gunicorn web:create_app\n", "web.py": module})
    with pytest.raises(StrategyDeclined):
        fix_start_command(FailureReport(category="start_command", entity="create_app"), tmp_path, tools())


def test_relax_pin_caps_an_undeclared_transitive_package_below_its_newest_line(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "Flask==2.0.3\ngunicorn"})
    t = tools({"pip index versions Werkzeug": (0, "Werkzeug (3.1.3)\nAvailable versions: 3.1.3, 3.0.6, 2.3.8, 2.2.3")})
    r = relax_pin(FailureReport(category="dependency_conflict", entity="Werkzeug", ecosystem="python"), tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "Flask==2.0.3\ngunicorn\nWerkzeug<3\n"
    assert r.params["to"] == "<3"
    write(tmp_path, {"requirements.txt": "", "pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask==2.0.3"]\n'})
    (tmp_path / "requirements.txt").unlink()
    t0 = tools({"pip index versions": (0, "scikit-image (0.19.2)\nAvailable versions: 0.19.2, 0.18.3")})
    relax_pin(FailureReport(category="dependency_conflict", entity="scikit-image", ecosystem="python"), tmp_path, t0)
    assert '"scikit-image<0.19"' in (tmp_path / "pyproject.toml").read_text()
    one_line = tools({"pip index versions": (0, "newpkg (1.0.0)\nAvailable versions: 1.0.0, 1.0.0rc1")})
    with pytest.raises(StrategyDeclined, match="no release older"):
        relax_pin(FailureReport(category="dependency_conflict", entity="newpkg", ecosystem="python"), tmp_path, one_line)


def test_fix_start_command_a_bare_wsgi_module_that_moved(tmp_path: Path) -> None:
    write(tmp_path, {"Procfile": "web: gunicorn -k gthread mysite.wsgi --bind 0.0.0.0:$PORT\n",
                     "config/__init__.py": "", "config/wsgi.py": "from django.core.wsgi import get_wsgi_application\n"
                     "application = get_wsgi_application()\n", "config/settings.py": "DEBUG = False\n"})
    r = fix_start_command(FailureReport(category="start_command", entity="mysite"), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn -k gthread config.wsgi --bind 0.0.0.0:$PORT\n"
    assert "config.wsgi defines application" in r.summary
    write(tmp_path, {"Procfile": "web: gunicorn -k uvicorn.workers.UvicornWorker config.wsgi\n"})
    with pytest.raises(StrategyDeclined):  # the worker class is an option's value, the module exists
        fix_start_command(FailureReport(category="start_command", entity="config"), tmp_path, tools())


@pytest.mark.parametrize(("variant", "expect"), [(0, "MarkupSafe<2.1\n"), (1, "MarkupSafe<2\n")])
def test_relax_pin_caps_a_declared_release_that_removed_a_name(tmp_path: Path, variant: int, expect: str) -> None:
    write(tmp_path, {"requirements.txt": "Jinja2==2.11.3\nMarkupSafe==2.1.1\n"})
    t = tools({"pip index versions MarkupSafe": (0, "MarkupSafe (3.0.2)\nAvailable versions: 3.0.2, 2.1.5, 2.1.1, 2.0.1, 1.1.1"),
               "pip download": (1, "ERROR: Could not find a version (the index cannot be reached)")},  # wheels unread: guess
              variant=variant)
    cause = "ImportError: cannot import name 'soft_unicode' from 'markupsafe' (/app/.venv/lib/python3.11/site-packages/markupsafe/__init__.py)"
    r = relax_pin(FailureReport(category="dependency_conflict", entity="MarkupSafe", ecosystem="python", root_cause=cause),
                  tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "Jinja2==2.11.3\n" + expect
    assert r.alternatives == 2 and "soft_unicode" in r.summary


def test_relax_pin_moves_up_a_release_too_old_for_the_interpreter(tmp_path: Path) -> None:
    """urllib3 1.21 imports collections.Mapping, gone from Python 3.10: the name left the interpreter, not urllib3,
    so the pin moves to the newest release instead of being capped."""
    write(tmp_path, {"requirements.txt": "flask\nrequests==2.31.0\nurllib3==1.21.1\n"})
    t = tools({"pip index versions urllib3": (0, "urllib3 (2.2.3)\nAvailable versions: 2.2.3, 2.2.2, 1.26.20, 1.21.1")})
    cause = ("ImportError: cannot import name 'Mapping' from 'collections' "
             "(/usr/lib/python3.11/collections/__init__.py)")
    relax_pin(FailureReport(category="dependency_conflict", entity="urllib3", ecosystem="python", root_cause=cause), tmp_path, t)
    assert "urllib3==1.21.1" not in (tmp_path / "requirements.txt").read_text()
    assert "urllib3<" not in (tmp_path / "requirements.txt").read_text()

def test_fix_start_command_a_called_factory_that_was_renamed(tmp_path: Path) -> None:
    write(tmp_path, {"Procfile": "web: gunicorn 'service:create_app()' --bind 0.0.0.0:$PORT\n",
                     "service.py": "from flask import Flask\n\n\ndef make_app():\n    return Flask(__name__)\n"})
    fix_start_command(FailureReport(category="start_command", entity="create_app"), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn 'service:make_app()' --bind 0.0.0.0:$PORT\n"


def test_relax_pin_a_major_line_that_moved_an_api_tries_the_minor_then_the_major_ceiling(tmp_path: Path) -> None:
    cause = "pydantic.errors.PydanticImportError: `BaseSettings` has been moved to the `pydantic-settings` package."
    index = {"pip index versions pydantic": (0, "pydantic (2.12.4)\nAvailable versions: 2.12.4, 2.11.9, 1.10.27")}
    for variant, expect in ((0, "pydantic<2.12\n"), (1, "pydantic<2\n")):
        write(tmp_path, {"requirements.txt": "fastapi\npydantic\n"})
        relax_pin(FailureReport(category="dependency_conflict", entity="pydantic", ecosystem="python", root_cause=cause),
                  tmp_path, tools(index, variant=variant))
        assert (tmp_path / "requirements.txt").read_text() == "fastapi\n" + expect


def test_add_dependency_gives_commonjs_code_a_release_it_can_require(tmp_path: Path) -> None:
    """chalk 5 is an ES module only: require('chalk') gets its namespace, not chalk. The newest 4.x ships CommonJS."""
    write(tmp_path, {"package.json": '{"name": "x", "version": "1.0.0"}\n',
                     "server.js": "const chalk = require('chalk');\nconsole.log(chalk.green('up'));\n"})
    t = tools({"npm view chalk version": (0, "5.6.2\n"),
               "npm view chalk@5.6.2 --json": (0, '{"version": "5.6.2", "type": "module", "exports": "./source/index.js",'
                                                   ' "versions": ["3.0.0", "4.1.1", "4.1.2", "5.0.0", "5.6.2"]}'),
               "npm view chalk@4.1.2 --json": (0, '{"version": "4.1.2", "main": "source"}')})
    r = add_dependency(FailureReport(category="missing_dependency", entity="chalk", ecosystem="node"), tmp_path, t)
    assert json.loads((tmp_path / "package.json").read_text())["dependencies"] == {"chalk": "^4.1.2"}
    assert "ES module only" in r.summary


def test_add_dependency_keeps_the_newest_release_for_esm_code_or_a_dual_package(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"name": "x", "version": "1.0.0", "type": "module"}\n',
                     "server.js": "import chalk from 'chalk';\n"})
    add_dependency(FailureReport(category="missing_dependency", entity="chalk", ecosystem="node"), tmp_path,
                   tools({"npm view chalk version": (0, "5.6.2\n")}))
    assert json.loads((tmp_path / "package.json").read_text())["dependencies"] == {"chalk": "^5.6.2"}
    write(tmp_path, {"package.json": '{"name": "y", "version": "1.0.0"}\n', "server.js": "const u = require('uuid');\n"})
    t = tools({"npm view uuid version": (0, "10.0.0\n"),
               "npm view uuid@10.0.0 --json": (0, '{"type": "module", "exports": {".": {"import": "./dist/esm/index.js",'
                                                   ' "require": "./dist/cjs/index.js"}}}')})
    add_dependency(FailureReport(category="missing_dependency", entity="uuid", ecosystem="node"), tmp_path, t)
    assert json.loads((tmp_path / "package.json").read_text())["dependencies"] == {"uuid": "^10.0.0"}


def test_relax_pin_caps_numpy_below_its_major_line_when_a_compiled_package_broke(tmp_path: Path) -> None:
    """pandas 1.5 was built against numpy 1: numpy 2's ABI change breaks it, so the first ceiling is <2."""
    write(tmp_path, {"requirements.txt": "flask\npandas==1.5.3\nnumpy\n"})
    t = tools({"pip index versions numpy": (0, "numpy (2.3.5)\nAvailable versions: 2.3.5, 2.2.6, 1.26.4, 1.25.2")})
    cause = "ValueError: numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, got 88 from PyObject"
    r = relax_pin(FailureReport(category="dependency_conflict", entity="numpy", ecosystem="python", root_cause=cause), tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "flask\npandas==1.5.3\nnumpy<2\n"
    assert r.alternatives == 2


@pytest.mark.parametrize(("variant", "expect"), [(0, "markupsafe<3"), (1, "markupsafe<2.1"), (2, "markupsafe<2")])
def test_relax_pin_offers_older_lines_of_an_undeclared_package(tmp_path: Path, variant: int, expect: str) -> None:
    """MarkupSafe lost soft_unicode in 2.1: <3 admits 2.1.5 (no), <2.1 admits 2.0.1 (yes). Each ceiling is a variant
    for the start-up check to try."""
    write(tmp_path, {"requirements.txt": "Flask==1.1.4\n"})
    t = tools({"pip index versions markupsafe": (0, "markupsafe (3.0.2)\nAvailable versions: 3.0.2, 2.1.5, 2.0.1, 1.1.1"),
               "pip download": (1, "ERROR: Could not find a version (the index cannot be reached)")},  # wheels unread: guess
              variant=variant)
    cause = "ImportError: cannot import name 'soft_unicode' from 'markupsafe' (/app/.venv/lib/python3.11/site-packages/markupsafe/__init__.py)"
    r = relax_pin(FailureReport(category="dependency_conflict", entity="markupsafe", ecosystem="python", root_cause=cause), tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "Flask==1.1.4\n" + expect + "\n"
    assert r.alternatives == 3


def test_fix_import_path_follows_the_imported_names_to_a_renamed_module(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "import os\n\nfrom utils import slugify, TITLE\n",
                     "helpers.py": "TITLE = 'x'\n\n\ndef slugify(text):\n    return text\n",
                     "other.py": "def slugify(text):\n    return text\n"})
    r = fix_import_path(FailureReport(category="import_error", entity="utils", ecosystem="python"), tmp_path, tools())
    assert (tmp_path / "app.py").read_text() == "import os\n\nfrom helpers import slugify, TITLE\n"
    assert "helpers" in r.summary
    write(tmp_path, {"app.py": "from utils import slugify\n"})  # two modules define slugify: no guess
    with pytest.raises(StrategyDeclined, match="no single"):
        fix_import_path(FailureReport(category="import_error", entity="utils", ecosystem="python"), tmp_path, tools())


def test_fix_import_path_follows_the_names_a_js_file_takes_to_a_renamed_file(tmp_path: Path) -> None:
    write(tmp_path, {"server.js": "const db = require('./lib/db');\nconsole.log(db.count(), db.all());\n",
                     "lib/database.js": "const rows = [];\nmodule.exports = { count: () => rows.length, all() { return rows; } };\n",
                     "lib/cache.js": "exports.count = () => 0;\n"})
    r = fix_import_path(FailureReport(category="import_error", entity="./lib/db", ecosystem="node"), tmp_path, tools())
    assert (tmp_path / "server.js").read_text().startswith("const db = require('./lib/database');")
    assert "./lib/database" in r.summary
    write(tmp_path, {"server.js": "const { count } = require('./lib/db');\n"})  # two files export count: no guess
    with pytest.raises(StrategyDeclined):
        fix_import_path(FailureReport(category="import_error", entity="./lib/db", ecosystem="node"), tmp_path, tools())


def test_set_module_type_follows_the_code(tmp_path: Path) -> None:
    from agents.strategies.set_module_type import set_module_type
    cause = "ReferenceError: require is not defined in ES module scope, you can use import instead"
    write(tmp_path, {"package.json": '{"name": "x", "type": "module", "scripts": {"start": "node index.js"}}\n',
                     "index.js": "// import x from 'y' in a comment does not count\nconst http = require('http');\n",
                     "greet.js": "module.exports = { greet: (n) => `hi ${n}` };\n"})
    r = set_module_type(FailureReport(category="config_error", entity="package.json", ecosystem="node", root_cause=cause), tmp_path, tools())
    assert "type" not in json.loads((tmp_path / "package.json").read_text()) and "CommonJS" in r.summary
    esm = "SyntaxError: Cannot use import statement outside a module"
    write(tmp_path, {"package.json": '{"name": "x"}\n', "index.js": "import http from 'http';\nexport const x = 1;\n",
                     "greet.js": "export function greet() {}\n"})
    set_module_type(FailureReport(category="config_error", entity="package.json", ecosystem="node", root_cause=esm), tmp_path, tools())
    assert json.loads((tmp_path / "package.json").read_text())["type"] == "module"
    write(tmp_path, {"package.json": '{"name": "x"}\n', "greet.js": "module.exports = {};\n"})  # mixed: a person decides
    with pytest.raises(StrategyDeclined, match="mixes"):
        set_module_type(FailureReport(category="config_error", entity="package.json", ecosystem="node", root_cause=esm), tmp_path, tools())
    with pytest.raises(StrategyDeclined, match="not about the module system"):
        set_module_type(FailureReport(category="config_error", entity="netlify.toml", ecosystem="node",
                                      root_cause="Failed during stage 'Reading and parsing configuration files'"), tmp_path, tools())


def test_fix_start_command_gives_an_asgi_app_uvicorns_worker(tmp_path: Path) -> None:
    cause = "TypeError: FastAPI.__call__() missing 1 required positional argument: 'send'"
    write(tmp_path, {"Procfile": "web: gunicorn main:app --bind 0.0.0.0:$PORT\n"})
    fix_start_command(FailureReport(category="start_command", entity="FastAPI", root_cause=cause), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn -k uvicorn.workers.UvicornWorker main:app --bind 0.0.0.0:$PORT\n"
    write(tmp_path, {"Procfile": "web: gunicorn --worker-class gthread main:app\n"})
    fix_start_command(FailureReport(category="start_command", entity="FastAPI", root_cause=cause), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn --worker-class uvicorn.workers.UvicornWorker main:app\n"


def test_fix_start_command_gives_an_aiohttp_app_aiohttps_own_worker(tmp_path: Path) -> None:
    """aiohttp's Application called the WSGI way: its __call__ takes no request; aiohttp ships its own gunicorn worker."""
    cause = "TypeError: Application.__call__() takes 1 positional argument but 3 were given"
    write(tmp_path, {"Procfile": "web: gunicorn app:app --bind 0.0.0.0:$PORT\n",
                     "app.py": "from aiohttp import web\napp = web.Application()\n"})
    r = fix_start_command(FailureReport(category="start_command", entity="Application", root_cause=cause), tmp_path, tools())
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn -k aiohttp.GunicornWebWorker app:app --bind 0.0.0.0:$PORT\n"
    assert r.params["worker"] == "aiohttp.GunicornWebWorker"
    write(tmp_path, {"Procfile": "web: gunicorn -k uvicorn.workers.UvicornH11Worker main:app\n", "main.py": "import fastapi\n"})
    with pytest.raises(StrategyDeclined):  # already uvicorn's worker: nothing to change here
        fix_start_command(FailureReport(category="start_command", entity="FastAPI", root_cause=cause), tmp_path, tools())


def test_set_runtime_version_writes_a_malformed_runtime_txt_the_way_the_platform_reads_it(tmp_path: Path) -> None:
    write(tmp_path, {"runtime.txt": "Python 3.11\n"})
    r = set_runtime_version(FailureReport(category="runtime_version", entity="Python 3.11"), tmp_path,
                            tools(runtimes={"python": ["3.10.13", "3.11.7", "3.12.1"]}))
    assert (tmp_path / "runtime.txt").read_text() == "python-3.11.7\n" and "python-3.11.7" in r.summary
    with pytest.raises(StrategyDeclined, match="which the platform has"):
        set_runtime_version(FailureReport(category="runtime_version", entity="3.11"), tmp_path,
                            tools(runtimes={"python": ["3.11.7"]}))


def test_fix_start_command_a_procfile_with_windows_line_endings(tmp_path: Path) -> None:
    (tmp_path / "Procfile").write_bytes(b"web: python app.py\r\n")
    (tmp_path / "app.py").write_text("print('hi')\n")
    cause = "python: can't open file '/srv/app.py\\r': [Errno 2] No such file or directory"
    r = fix_start_command(FailureReport(category="start_command", entity="app.py", root_cause=cause), tmp_path, tools())
    assert (tmp_path / "Procfile").read_bytes() == b"web: python app.py\n" and "CRLF" in r.summary


def test_relax_pin_takes_an_uncommitted_wheel_from_the_index_at_its_release(tmp_path: Path) -> None:
    """``./vendor/humanize-4.9.0-py3-none-any.whl`` was never committed: the wheel's name says humanize 4.9.0."""
    write(tmp_path, {"requirements.txt": "flask\n./vendor/humanize-4.9.0-py3-none-any.whl\n", "wheels/ok-1.0-py3-none-any.whl": "x"})
    (tmp_path / "requirements.txt").write_text("flask\n./vendor/humanize-4.9.0-py3-none-any.whl\nwheels/ok-1.0-py3-none-any.whl\n")
    cause = ("ERROR: Could not install packages due to an OSError: [Errno 2] No such file or directory: "
             "'/srv/deploys/dep-0001/src/vendor/humanize-4.9.0-py3-none-any.whl'")
    r = relax_pin(FailureReport(category="dependency_conflict", entity="/srv/x.whl", ecosystem="python", root_cause=cause), tmp_path, tools())
    assert (tmp_path / "requirements.txt").read_text() == "flask\nhumanize==4.9.0\nwheels/ok-1.0-py3-none-any.whl\n"
    assert r.params["packages"] == ["humanize==4.9.0"]


def test_add_dependency_ignores_a_declaration_the_platform_does_not_install(tmp_path: Path) -> None:
    """flask-cors in requirements-dev.txt only: the platform installs requirements.txt (and what it includes)."""
    write(tmp_path, {"requirements.txt": "flask\n-r requirements/base.txt\n", "requirements/base.txt": "gunicorn\n",
                     "requirements-dev.txt": "-r requirements.txt\nflask-cors\npytest\n"})
    r = add_dependency(FailureReport(category="missing_dependency", entity="flask-cors", ecosystem="python"), tmp_path,
                       tools({"pip index versions flask-cors": (0, "flask-cors (6.0.1)")}))
    assert (tmp_path / "requirements.txt").read_text().endswith("flask-cors==6.0.1\n") and "requirements-dev.txt declares it" in r.summary
    with pytest.raises(StrategyDeclined, match="already declared"):  # gunicorn is installed through the include
        add_dependency(FailureReport(category="missing_dependency", entity="gunicorn", ecosystem="python"), tmp_path, tools())


def test_a_package_required_in_another_letter_case_is_written_as_package_json_declares_it(tmp_path: Path) -> None:
    """``require('Express')``: the registry has an old ``Express``, but the project declares ``express``: a slip of
    case in the code, not a missing package (add_dependency says so; fix_import_path writes the specifier)."""
    write(tmp_path, {"package.json": '{"dependencies": {"express": "^4.19.2"}}\n',
                     "index.js": "const express = require('Express');\nconst Router = require(\"Express/lib/router\");\n",
                     "lib/other.js": "import x from 'Expressive';\n"})
    rep = FailureReport(category="missing_dependency", entity="Express", ecosystem="node")
    with pytest.raises(StrategyDeclined, match="letter-case slip"):
        add_dependency(rep, tmp_path, tools())
    r = fix_import_path(rep, tmp_path, tools())
    assert (tmp_path / "index.js").read_text() == "const express = require('express');\nconst Router = require(\"express/lib/router\");\n"
    assert (tmp_path / "lib/other.js").read_text() == "import x from 'Expressive';\n" and r.params["files"] == ["index.js"]


def test_a_module_named_in_a_string_is_corrected_where_no_import_statement_names_it(tmp_path: Path) -> None:
    """``DJANGO_SETTINGS_MODULE`` (or ``import_module("...")``) names a module by string: the string is the import."""
    write(tmp_path, {"mysite/__init__.py": "", "mysite/settings.py": "DEBUG = False\n",
                     "mysite/wsgi.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.setting")\n'
                                       'LABEL = "see mysite.setting docs"\n'})
    r = fix_import_path(FailureReport(category="import_error", entity="mysite.setting", ecosystem="python"), tmp_path, tools())
    assert (tmp_path / "mysite/wsgi.py").read_text() == ('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
                                                        'LABEL = "see mysite.setting docs"\n')
    assert r.params["to"] == "mysite.settings"


def test_relax_pin_does_not_take_a_file_of_the_project_for_a_package(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "flask\n", "app.py": "import flask\n"})
    for entity in ("app.py", "src/app.py"):
        with pytest.raises(StrategyDeclined, match="file of the project"):
            relax_pin(FailureReport(category="runtime_error", entity=entity, ecosystem="python"), tmp_path, tools())


def test_a_declaration_whose_marker_leaves_it_out_on_the_runtime_loses_the_marker(tmp_path: Path) -> None:
    """``importlib-metadata; python_version < "3.8"`` is declared, but never installed on the 3.11 the platform runs."""
    write(tmp_path, {"requirements.txt": 'flask>=2.3\nimportlib-metadata>=4.0; python_version < "3.8"  # backport\n',
                     "runtime.txt": "python-3.11.7\n"})
    rep = FailureReport(category="missing_dependency", entity="importlib-metadata", ecosystem="python")
    r = add_dependency(rep, tmp_path, tools())
    assert (tmp_path / "requirements.txt").read_text() == "flask>=2.3\nimportlib-metadata>=4.0  # backport\n"
    assert "leaves it out on Python 3.11.7" in r.summary
    with pytest.raises(StrategyDeclined, match="already declared"):  # now it is installed: nothing more to add
        add_dependency(rep, tmp_path, tools())
    write(tmp_path, {"requirements.txt": 'importlib-metadata>=4.0; python_version >= "3.8"\n'})
    with pytest.raises(StrategyDeclined, match="already declared"):
        add_dependency(rep, tmp_path, tools())


def test_an_extra_the_code_needs_is_added_to_the_declaration(tmp_path: Path) -> None:
    """``Install Flask with the 'async' extra``: flask is declared; flask[async] installs asgiref."""
    write(tmp_path, {"requirements.txt": "Flask>=3,<4  # web\ngunicorn\n"})
    r = add_dependency(FailureReport(category="missing_dependency", entity="Flask[async]", ecosystem="python"), tmp_path, tools())
    assert (tmp_path / "requirements.txt").read_text() == "Flask[async]<4,>=3  # web\ngunicorn\n"
    assert "async extra" in r.summary
    with pytest.raises(StrategyDeclined, match="already declared"):
        add_dependency(FailureReport(category="missing_dependency", entity="flask[async]", ecosystem="python"), tmp_path, tools())


def test_a_start_script_running_a_compiled_file_from_another_folder_follows_tsconfig_outdir(tmp_path: Path) -> None:
    """``node dist/index.js`` while tsconfig.json compiles src/ to build/: dist/ is never written."""
    from agents.strategies.fix_start_command import fix_start_command

    write(tmp_path, {"package.json": '{\n  "scripts": {\n    "build": "tsc",\n    "start": "node dist/index.js"\n  },\n'
                                     '  "devDependencies": {"typescript": "^5.5.4"}\n}\n',
                     "tsconfig.json": '{\n  // compiled output\n  "compilerOptions": {"outDir": "./build", "rootDir": "src"},\n}\n',
                     "src/index.ts": "console.log('hi');\n"})
    r = fix_start_command(FailureReport(category="start_command", entity="dist/index.js", ecosystem="node"), tmp_path, tools())
    assert json.loads((tmp_path / "package.json").read_text())["scripts"] == {"build": "tsc", "start": "node build/index.js"}
    assert "outDir puts the compiled index.js in build/" in r.summary


@pytest.mark.parametrize(("spec", "expect"), [
    (">=3.99", ">=3.11"), (">=3.99, <4", ">=3.11, <4"), ("~=3.99.0", ">=3.11"), ("==3.99.*", ">=3.11"),
])
def test_set_runtime_version_moves_requires_python_s_lower_bound_to_a_python_the_platform_has(
        tmp_path: Path, spec: str, expect: str) -> None:
    """pip refuses the project (``Package 'notes' requires a different Python: 3.11.7 not in '>=3.99'``): the lower
    bound moves, the other clauses and the file's comments stay."""
    text = f'[project]\nname = "notes"  # the service\nrequires-python = "{spec}"\ndependencies = ["flask>=2"]\n'
    write(tmp_path, {"pyproject.toml": text, "requirements.txt": ".\n"})
    r = set_runtime_version(FailureReport(category="runtime_version"), tmp_path, tools(runtimes={"python": ["3.10.13", "3.11.7"]}))
    assert (tmp_path / "pyproject.toml").read_text() == text.replace(spec, expect)
    assert r.params == {"file": "pyproject.toml", "from": spec, "to": expect}


@pytest.mark.parametrize("spec", [">=3.8", "<3.12"])
def test_set_runtime_version_leaves_a_requires_python_the_platform_meets(tmp_path: Path, spec: str) -> None:
    write(tmp_path, {"pyproject.toml": f'[project]\nname = "a"\nrequires-python = "{spec}"\n'})
    with pytest.raises(StrategyDeclined, match="asks for a missing runtime"):
        set_runtime_version(FailureReport(category="runtime_version"), tmp_path, tools(runtimes={"python": ["3.11.7"]}))
