"""cap_new_major on real files: which unbounded package the failing code uses, and the cap below its newest major line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.strategies import StrategyDeclined
from agents.strategies.cap_new_major import cap_new_major
from memory.models import EvidenceLine, FailureReport
from tests.unit.test_strategies import tools, write

SQLA = "SQLAlchemy (2.0.36)\nAvailable versions: 2.0.36, 2.0.0, 1.4.54, 1.4.0, 1.3.24"
PY_TRACE = [
    'Traceback (most recent call last):',
    '  File "/srv/deploys/dep-0001/src/app.py", line 7, in <module>',
    '    engine.execute("CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY)")',
    "AttributeError: 'Engine' object has no attribute 'execute'",
]


def report(lines: list[str], ecosystem: str = "python") -> FailureReport:
    return FailureReport(category="runtime_error", ecosystem=ecosystem, root_cause=lines[-1],  # type: ignore[arg-type]
                         evidence=[EvidenceLine(line=i, text=t) for i, t in enumerate(lines, 1)])


def test_an_unpinned_package_the_failing_file_imports_is_capped_below_its_new_major(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "Flask==3.0.3\nSQLAlchemy\ngunicorn>=21  # server\n",
                     "app.py": "import os\nfrom flask import Flask\nfrom sqlalchemy import create_engine\nimport gunicorn\n",
                     "other.py": "import requests\n"})
    t = tools({"pip index versions SQLAlchemy": (0, SQLA)})
    r = cap_new_major(report(PY_TRACE), tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "Flask==3.0.3\nSQLAlchemy<2\ngunicorn>=21  # server\n"
    assert r.params["package"] == "SQLAlchemy" and r.alternatives == 2  # gunicorn>=21 is unbounded too: the second variant
    write(tmp_path, {"requirements.txt": "Flask==3.0.3\nSQLAlchemy\ngunicorn>=21  # server\n"})
    t2 = tools({"pip index versions gunicorn": (0, "gunicorn (23.0.0)\nAvailable versions: 23.0.0, 22.0.0, 21.2.0")}, variant=1)
    cap_new_major(report(PY_TRACE), tmp_path, t2)
    assert (tmp_path / "requirements.txt").read_text() == "Flask==3.0.3\nSQLAlchemy\ngunicorn>=21,<23  # server\n"


def test_pinned_or_unrelated_packages_are_not_candidates(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "Flask==3.0.3\nSQLAlchemy~=1.4\nrequests\n", "app.py": "import sqlalchemy\n"})
    with pytest.raises(StrategyDeclined, match="none of the packages"):  # requests is unbounded, but app.py does not use it
        cap_new_major(report(PY_TRACE), tmp_path, tools())
    write(tmp_path, {"requirements.txt": "Flask==3.0.3\nSQLAlchemy==2.0.36\n"})
    with pytest.raises(StrategyDeclined, match="upper bound or a pin"):
        cap_new_major(report(PY_TRACE), tmp_path, tools())


NODE_TRACE = [
    "PathError [TypeError]: Missing parameter name at index 1: *; visit https://git.new/pathToRegexpError for info",
    "    at consumeUntil (/srv/src/node_modules/path-to-regexp/dist/index.js:108:27)",
    "    at matcher (/srv/src/node_modules/router/lib/layer.js:87:23)",
]


def test_an_unbounded_npm_range_goes_back_to_the_previous_major_line(tmp_path: Path) -> None:
    """Node prints ten frames: the app's own call into express is cut off; the start file says what it uses."""
    write(tmp_path, {"package.json": '{\n  "scripts": {"start": "node server.js"},\n  "dependencies": {"express": "*", "cors": "^2.8.5"}\n}\n',
                     "server.js": "const express = require('express');\nconst cors = require('cors');\nconst path = require('node:path');\n"})
    versions = json.dumps(["4.20.0", "4.21.2", "5.0.0", "5.1.0", "5.2.0-beta.1"])
    r = cap_new_major(report(NODE_TRACE, "node"), tmp_path, tools({"npm view express versions": (0, versions)}))
    assert json.loads((tmp_path / "package.json").read_text())["dependencies"] == {"express": "^4.21.2", "cors": "^2.8.5"}
    assert r.params["newest"] == "5.1.0"
    write(tmp_path, {"package-lock.json": "{}\n"})
    with pytest.raises(StrategyDeclined, match="lockfile"):
        cap_new_major(report(NODE_TRACE, "node"), tmp_path, tools())


def test_at_most_two_candidates_leave_the_budget_a_place_for_the_next_strategy(tmp_path: Path) -> None:
    """Three unbounded packages used by the failing file: two are offered, so an attempt's third candidate can come
    from the strategy after this one (llm_patch where a model is configured: the error may be the code's own)."""
    write(tmp_path, {"requirements.txt": "SQLAlchemy\nrequests\nredis>=4\n",
                     "app.py": "import sqlalchemy\nimport requests\nimport redis\n"})
    t = tools({"pip index versions SQLAlchemy": (0, SQLA)})
    assert cap_new_major(report(PY_TRACE), tmp_path, t).alternatives == 2
    with pytest.raises(StrategyDeclined, match="no further package"):
        cap_new_major(report(PY_TRACE), tmp_path, tools(variant=2))


def test_a_lower_bound_on_the_new_major_line_is_not_capped_below_it(tmp_path: Path) -> None:
    """``sqlalchemy>=2`` means the project wants the 2.x line: ``>=2,<2`` would admit nothing."""
    write(tmp_path, {"requirements.txt": "sqlalchemy>=2\n", "app.py": "from sqlalchemy import create_engine\n"})
    with pytest.raises(StrategyDeclined, match="lower bound excludes the older line"):
        cap_new_major(report(PY_TRACE), tmp_path, tools({"pip index versions sqlalchemy": (0, SQLA)}))
    assert (tmp_path / "requirements.txt").read_text() == "sqlalchemy>=2\n"


def test_the_package_the_error_names_comes_before_the_server_that_loaded_the_app(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "flask\nnumpy\ngunicorn\n", "stats.py": "import numpy as np\n"})
    trace = ['  File "/srv/.venv/lib/python3.11/site-packages/gunicorn/arbiter.py", line 608, in spawn_worker',
             '  File "/srv/src/stats.py", line 3, in <module>',
             '  File "/srv/.venv/lib/python3.11/site-packages/numpy/__init__.py", line 394, in __getattr__',
             "AttributeError: module 'numpy' has no attribute 'float'."]
    r = cap_new_major(report(trace), tmp_path, tools({"pip index versions numpy": (0, "numpy (2.4.6)\nAvailable versions: 2.4.6, 1.26.4")}))
    assert r.params["package"] == "numpy" and (tmp_path / "requirements.txt").read_text() == "flask\nnumpy<2\ngunicorn\n"


def test_a_package_the_error_names_that_nothing_declares_is_declared_below_its_new_major(tmp_path: Path) -> None:
    """Flask-SQLAlchemy 2 capped by an earlier fix still pulls the newest SQLAlchemy, which it cannot use: the error
    names sqlalchemy, which no file declares."""
    trace = ['  File "/srv/src/.venv/lib/python3.11/site-packages/flask_sqlalchemy/__init__.py", line 112, in _include_sqlalchemy',
             "    for key in module.__all__:",
             "AttributeError: module 'sqlalchemy' has no attribute '__all__'. Did you mean: '__file__'?"]
    write(tmp_path, {"requirements.txt": "flask<2.2\nflask-sqlalchemy<3\n", "app.py": "from flask_sqlalchemy import SQLAlchemy\n"})
    r = cap_new_major(report(trace), tmp_path, tools({"pip index versions sqlalchemy": (0, SQLA)}))
    assert (tmp_path / "requirements.txt").read_text() == "flask<2.2\nflask-sqlalchemy<3\nsqlalchemy<2\n"
    assert r.params == {"package": "sqlalchemy", "spec": "<2", "file": "requirements.txt", "newest": "2.0.36"}
    write(tmp_path, {"requirements.txt": "flask<2.2\nflask-sqlalchemy<3\nSQLAlchemy>=1.4,<2\n"})  # declared: not this case
    with pytest.raises(StrategyDeclined, match="upper bound or a pin"):
        cap_new_major(report(trace), tmp_path, tools())


def test_the_module_the_failing_line_calls_comes_first_by_its_distribution_name(tmp_path: Path) -> None:
    """``yaml.load(f)`` raises TypeError under PyYAML 6: the failing line calls yaml, which is PyYAML in requirements."""
    trace = ['Traceback (most recent call last):', '  File "/srv/src/app.py", line 7, in <module>',
             "    CONFIG = yaml.load(f)", "TypeError: load() missing 1 required positional argument: 'Loader'"]
    write(tmp_path, {"requirements.txt": "flask\npyyaml\n", "app.py": "import os\nimport yaml\nfrom flask import Flask\n"})
    pyyaml = "PyYAML (6.0.2)\\nAvailable versions: 6.0.2, 6.0.1, 5.4.1, 5.3"
    r = cap_new_major(report(trace), tmp_path, tools({"pip index versions pyyaml": (0, pyyaml.replace("\\n", "\n"))},
                                                     aliases={"yaml": "PyYAML"}))
    assert (tmp_path / "requirements.txt").read_text() == "flask\npyyaml<6\n" and r.params["package"] == "pyyaml"
