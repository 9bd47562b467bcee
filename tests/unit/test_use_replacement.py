"""use_replacement and the standard-library move of fix_import_path, on real files with the libraries' own wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.strategies import StrategyDeclined, Tools
from agents.strategies.fix_import_path import fix_import_path, stdlib_home
from agents.strategies.use_replacement import use_replacement
from memory.models import EvidenceLine, FailureReport

NP_FLOAT = """AttributeError: module 'numpy' has no attribute 'float'.
`np.float` was a deprecated alias for the builtin `float`. To avoid this error in existing code, use `float` by itself. \
Doing this will not modify any behavior and is safe. If you specifically wanted the numpy scalar type, use `np.float64` here.
The aliases was originally deprecated in NumPy 1.20; for more details and guidance see the original release note at:"""
NP_NAN = """AttributeError: `np.NaN` was removed in the NumPy 2.0 release. Use `np.nan` instead.. Did you mean: 'nan'?
module 'numpy' has no attribute 'NaN'"""
NP_CAST = """AttributeError: `np.cast` was removed in the NumPy 2.0 release. Use `np.asarray(arr, dtype=dtype)` instead.
module 'numpy' has no attribute 'cast'"""


def report(text: str, category: str = "runtime_error") -> FailureReport:
    lines = text.splitlines()
    return FailureReport(category=category, root_cause=lines[0], evidence=[EvidenceLine(line=i + 1, text=t) for i, t in enumerate(lines)])


def test_a_builtin_alias_becomes_the_builtin(tmp_path: Path) -> None:
    (tmp_path / "stats.py").write_text('import numpy as np\n\nT = np.float("0.75")\n\n\ndef f(v):\n'
                                       '    return np.asarray(v, dtype=np.float), np.float64(1)  # keep float64\n')
    (tmp_path / "other.py").write_text("import numpy\nX = numpy.float(2)\nfloat = 3  # np.float untouched here: no alias\n")
    r = use_replacement(report(NP_FLOAT), tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "stats.py").read_text() == ('import numpy as np\n\nT = float("0.75")\n\n\ndef f(v):\n'
                                                   '    return np.asarray(v, dtype=float), np.float64(1)  # keep float64\n')
    assert (tmp_path / "other.py").read_text().startswith("import numpy\nX = float(2)\n")
    assert r.params["files"] == ["other.py", "stats.py"] and "3 places" in r.summary


def test_a_renamed_attribute_keeps_the_modules_alias(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import numpy as npy\nMISSING = npy.NaN\n")
    use_replacement(report(NP_NAN), tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "app.py").read_text() == "import numpy as npy\nMISSING = npy.nan\n"


def test_advice_that_is_code_or_names_nothing_is_declined(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import numpy as np\nx = np.cast['f8'](1)\n")
    with pytest.raises(StrategyDeclined, match="no replacement"):
        use_replacement(report(NP_CAST), tmp_path, Tools(None))  # type: ignore[arg-type]
    with pytest.raises(StrategyDeclined, match="no replacement"):
        use_replacement(report("AttributeError: module 'numpy' has no attribute 'frobnicate'"), tmp_path, Tools(None))  # type: ignore[arg-type]
    (tmp_path / "app.py").write_text("import pandas as pd\n")
    with pytest.raises(StrategyDeclined, match="no `numpy.float`"):
        use_replacement(report(NP_FLOAT), tmp_path, Tools(None))  # type: ignore[arg-type]


def test_a_name_the_standard_library_moved_is_imported_from_its_submodule(tmp_path: Path) -> None:
    assert stdlib_home("Mapping", "collections") == "collections.abc"
    assert stdlib_home("OrderedDict", "collections") is None  # still there
    assert stdlib_home("Mapping", "flask") is None  # not the standard library
    (tmp_path / "util.py").write_text("from collections import Mapping, OrderedDict as OD\n\n\ndef f():\n"
                                      "    from collections import (\n        Mapping as M,\n    )  # lazy\n    return M\n")
    r = fix_import_path(report("ImportError: cannot import name 'Mapping' from 'collections' (/usr/lib/python3.11/collections/"
                               "__init__.py)", "import_error").model_copy(update={"entity": "Mapping"}), tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "util.py").read_text() == ("from collections import OrderedDict as OD\nfrom collections.abc import Mapping\n\n\n"
                                                  "def f():\n    from collections.abc import Mapping as M  # lazy\n    return M\n")
    assert r.params == {"from": "collections", "to": "collections.abc", "name": "Mapping", "files": ["util.py"]}
    compile((tmp_path / "util.py").read_text(), "util.py", "exec")


COLLECTIONS_ATTR = """Traceback (most recent call last):
  File "/app/util.py", line 7, in merge
    if isinstance(value, collections.Mapping) and isinstance(out.get(key), collections.Mapping):
AttributeError: module 'collections' has no attribute 'Mapping'"""


def test_an_attribute_the_standard_library_moved_is_read_through_its_submodule(tmp_path: Path) -> None:
    (tmp_path / "util.py").write_text("import collections\n\n\ndef merge(a, b):\n"
                                      "    return isinstance(a, collections.Mapping) and collections.OrderedDict(b)\n")
    (tmp_path / "lazy.py").write_text("def f(v):\r\n    import collections as c\r\n    return isinstance(v, c.Mapping)\r\n")
    (tmp_path / "done.py").write_text("import collections\nimport collections.abc\nX = collections.Mapping\n")
    r = use_replacement(report(COLLECTIONS_ATTR, "runtime_version"), tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "util.py").read_text() == ("import collections\nimport collections.abc\n\n\ndef merge(a, b):\n    return "
                                                  "isinstance(a, collections.abc.Mapping) and collections.OrderedDict(b)\n")
    assert (tmp_path / "lazy.py").read_bytes() == (b"def f(v):\r\n    import collections as c\r\n    import collections.abc\r\n"
                                                   b"    return isinstance(v, c.abc.Mapping)\r\n")
    assert (tmp_path / "done.py").read_text() == "import collections\nimport collections.abc\nX = collections.abc.Mapping\n"
    assert r.params["replacement"] == "collections.abc.Mapping" and r.params["files"] == ["done.py", "lazy.py", "util.py"]
    for name in ("util.py", "lazy.py", "done.py"):
        compile((tmp_path / name).read_text(), name, "exec")


def test_a_renamed_standard_library_alias_and_the_ones_left_to_a_person(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text("import configparser\nparser = configparser.SafeConfigParser()\n")
    use_replacement(report("AttributeError: module 'configparser' has no attribute 'SafeConfigParser'", "runtime_version"),
                    tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "conf.py").read_text() == "import configparser\nparser = configparser.ConfigParser()\n"
    (tmp_path / "bench.py").write_text("import time\nT = time.clock()\n")
    with pytest.raises(StrategyDeclined, match="changed behaviour"):  # perf_counter or process_time: a person's choice
        use_replacement(report("AttributeError: module 'time' has no attribute 'clock'", "runtime_version"), tmp_path, Tools(None))  # type: ignore[arg-type]
    with pytest.raises(StrategyDeclined, match="installed package"):  # only site-packages use it
        use_replacement(report("AttributeError: module 'collections' has no attribute 'Callable'", "runtime_version"),
                        tmp_path, Tools(None))  # type: ignore[arg-type]
    (tmp_path / "odd.py").write_text("try: import collections\nexcept ImportError: collections = None\nX = collections.Sequence\n")
    with pytest.raises(StrategyDeclined):  # the import shares a compound statement's line: the edit is left to a person
        use_replacement(report("AttributeError: module 'collections' has no attribute 'Sequence'", "runtime_version"),
                        tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "odd.py").read_text().endswith("X = collections.Sequence\n")


def test_a_form_feed_in_the_source_does_not_shift_the_edit(tmp_path: Path) -> None:
    """Python counts a form feed (an old page break) as whitespace, not as a line end; the edit lands on its line."""
    (tmp_path / "util.py").write_bytes(b"import collections\n\x0c\ndef f(v):\n    return isinstance(v, collections.Mapping)\n")
    use_replacement(report(COLLECTIONS_ATTR, "runtime_version"), tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "util.py").read_bytes() == (b"import collections\nimport collections.abc\n\x0c\ndef f(v):\n"
                                                   b"    return isinstance(v, collections.abc.Mapping)\n")
