"""declare_imports on real files: which imports no declared requirement provides, as pip would resolve them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.strategies import StrategyDeclined
from agents.strategies.declare_imports import declare_imports, imports
from memory.models import FailureReport
from tests.unit.test_strategies import tools, write

ALIASES = {"dateutil": "python-dateutil", "yaml": "PyYAML"}
ERROR = FailureReport(category="runtime_error", ecosystem="other")


def pip_report(*names: str) -> tuple[int, str]:
    return 0, json.dumps({"version": "1", "install": [{"metadata": {"name": n, "version": "1.0"}} for n in names]})


DJANGO = """import os
from django.http import JsonResponse


def healthz(request):
    import dateutil  # loaded on first request
    return JsonResponse({"ok": dateutil.__name__})
"""


def test_a_lazy_import_nobody_declares_is_declared_with_its_distribution_name(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "Django==5.2.3\n", "manage.py": DJANGO})
    t = tools({"pip install --dry-run": pip_report("Django", "asgiref", "sqlparse"),
               "pip index versions python-dateutil": (0, "python-dateutil (2.9.0.post0)")}, aliases=ALIASES)
    r = declare_imports(ERROR, tmp_path, t)
    assert (tmp_path / "requirements.txt").read_text() == "Django==5.2.3\npython-dateutil==2.9.0.post0\n"
    assert r.params["import"] == "dateutil" and r.params["where"] == "manage.py:6" and r.params["resolved"]
    assert "inside a function" in r.summary and r.alternatives == 1


def test_a_package_that_comes_with_a_declared_one_counts_as_declared(tmp_path: Path) -> None:
    # Werkzeug arrives with Flask: pip's resolution says so, so only yaml is a candidate
    write(tmp_path, {"requirements.txt": "Flask==3.0.0\n", "app.py": "from werkzeug.exceptions import NotFound\n"
                     "import flask\n\n\ndef load():\n    import yaml\n    return yaml\n"})
    t = tools({"pip install --dry-run": pip_report("Flask", "Werkzeug", "Jinja2", "itsdangerous", "click", "blinker"),
               "pip index versions PyYAML": (0, "PyYAML (6.0.2)")}, aliases=ALIASES)
    r = declare_imports(ERROR, tmp_path, t)
    assert r.params["package"] == "PyYAML" and r.alternatives == 1


def test_without_the_index_only_declared_names_count_and_the_summary_says_so(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "Flask==3.0.0\n", "app.py": "from werkzeug.exceptions import NotFound\n"
                     "import flask\n\n\ndef load():\n    import yaml\n    return yaml\n"})
    t = tools({"pip install --dry-run": (1, "ERROR: Could not find a version that satisfies the requirement Flask"),
               "pip index versions": (1, "network unreachable")}, aliases=ALIASES)
    first = declare_imports(ERROR, tmp_path, t)
    # the lazy import comes first, Werkzeug (module level, provided in fact) second
    assert first.params["import"] == "yaml" and first.alternatives == 2 and not first.params["resolved"]
    assert "only the declared names were compared" in first.summary
    write(tmp_path, {"requirements.txt": "Flask==3.0.0\n"})
    second = declare_imports(ERROR, tmp_path, tools({"pip install --dry-run": (1, "no index"), "pip index": (1, "")},
                                                     aliases=ALIASES, variant=1))
    assert second.params["import"] == "werkzeug"
    assert (tmp_path / "requirements.txt").read_text() == "Flask==3.0.0\nwerkzeug\n"


def test_stdlib_own_modules_tests_and_type_checking_imports_are_not_candidates(tmp_path: Path) -> None:
    write(tmp_path, {
        "requirements.txt": "fastapi\n",
        "main.py": "import json, os.path\nfrom typing import TYPE_CHECKING\nimport helpers\nfrom pkg.sub import x\n"
                   "if TYPE_CHECKING:\n    import mypy_extensions\nelse:\n    import fastapi\n",
        "helpers.py": "from __future__ import annotations\n", "pkg/__init__.py": "", "pkg/sub.py": "x = 1\n",
        "tests/test_main.py": "import pytest\n", "conftest.py": "import hypothesis\n",
        "src/lib/__init__.py": "", "other.py": "import lib\nfrom . import helpers\n",
        "broken.py": "def (:\n",
    })
    names = {u.module for u in imports(tmp_path)}
    assert "pytest" not in names and "hypothesis" not in names and "mypy_extensions" not in names and "fastapi" in names
    with pytest.raises(StrategyDeclined, match="every package the code imports is declared"):
        declare_imports(ERROR, tmp_path, tools({"pip install --dry-run": pip_report("fastapi", "starlette", "pydantic")}))


def test_not_a_python_project(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{}", "index.js": "require('x')\n"})
    with pytest.raises(StrategyDeclined, match="not a Python project"):
        declare_imports(ERROR, tmp_path, tools())
