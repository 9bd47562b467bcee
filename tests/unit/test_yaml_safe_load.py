"""yaml_safe_load on real files: PyYAML 6's required Loader, fixed at the call sites the analyzer's traceback leads to."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.analyzer import analyze
from agents.rules import load_rulebook
from agents.strategies import StrategyDeclined, Tools
from agents.strategies.yaml_safe_load import yaml_safe_load

BOOK = load_rulebook()
LOG = ('Traceback (most recent call last):\n  File "/srv/app/settings.py", line 4, in <module>\n'
       '    CONFIG = yaml.load(fh)\nTypeError: load() missing 1 required positional argument: \'Loader\'\n')


def test_load_without_a_loader_becomes_safe_load(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        "import yaml\nimport yaml as y\nwith open('c.yml') as fh:\n    CONFIG = yaml.load(fh)  # the config\n"
        "DOCS = list(y.load_all(open('d.yml')))\nKEEP = yaml.load(open('e.yml'), Loader=yaml.FullLoader)\n"
        "def f(s):\n    return {'k': yaml.load(s)}\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.py").write_text("import yaml\nyaml.load(s)\n")
    report = analyze(LOG +
                     "TypeError: load_all() missing 1 required positional argument: 'Loader'\n", BOOK)
    r = yaml_safe_load(report, tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "settings.py").read_text() == (
        "import yaml\nimport yaml as y\nwith open('c.yml') as fh:\n    CONFIG = yaml.safe_load(fh)  # the config\n"
        "DOCS = list(y.safe_load_all(open('d.yml')))\nKEEP = yaml.load(open('e.yml'), Loader=yaml.FullLoader)\n"
        "def f(s):\n    return {'k': yaml.safe_load(s)}\n")
    assert r.params == {"files": ["settings.py"], "sites": 3}
    assert (tmp_path / "node_modules" / "x.py").read_text() == "import yaml\nyaml.load(s)\n"


def test_only_the_function_the_error_names_is_rewritten(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import yaml\na = yaml.load(s)\nb = list(yaml.load_all(s))\n")
    yaml_safe_load(analyze(LOG, BOOK), tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "app.py").read_text() == "import yaml\na = yaml.safe_load(s)\nb = list(yaml.load_all(s))\n"


@pytest.mark.parametrize(("files", "log", "reason"), [
    ({"app.py": "import yaml\nyaml.load(s)\n"}, "TypeError: unsupported operand type(s) for +: 'int' and 'str'\n",
     "not PyYAML 6"),
    ({"app.py": "from yaml import load\nload(s)\n"}, LOG, "no `yaml.load"),
    ({"app.py": "import yaml\nyaml.load(s, yaml.SafeLoader)\n"}, LOG, "no `yaml.load"),
])
def test_declines_what_it_cannot_rewrite(tmp_path: Path, files: dict[str, str], log: str, reason: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(StrategyDeclined, match=reason):
        yaml_safe_load(analyze(log, BOOK), tmp_path, Tools(None))  # type: ignore[arg-type]
    for name, text in files.items():
        assert (tmp_path / name).read_text() == text
