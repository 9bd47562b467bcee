"""add_init_py: a local folder imported as a package lacks ``__init__.py``: add an empty one."""

from __future__ import annotations

from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools
from memory.models import FailureReport


def add_init_py(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    module = (report.entity or "").strip()
    if not module or "/" in module or module.startswith("."):
        raise StrategyDeclined(f"no dotted Python module in the diagnosis (entity={module!r})")
    parts = module.split(".")
    created = []
    for base in (tree, tree / "src"):
        folder = base
        for part in parts:
            folder = folder / part
            if not folder.is_dir():
                break
            if not any(folder.glob("*.py")) and not any(p.is_dir() for p in folder.iterdir()):
                break
            init = folder / "__init__.py"
            if not init.exists():
                init.write_text("")
                created.append(str(init.relative_to(tree)))
        if created:
            break
    if not created:
        raise StrategyDeclined(f"every folder on the path of {module} already is a package (or does not exist)")
    return StrategyResult(f"make {', '.join(p.rsplit('/', 1)[0] for p in created)} a package: add {', '.join(created)}",
                          {"files": created}, 0.8)
