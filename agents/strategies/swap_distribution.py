"""swap_distribution: the project declares a distribution that ships the right module name but is another project.

On PyPI, ``jwt`` is not PyJWT: it is another JWT library whose top-level module is also ``jwt``. A requirement
written after the import (``jwt`` for ``import jwt``) installs it, the import succeeds, and the code written for
PyJWT fails on the first name the other project lacks: ``module 'jwt' has no attribute 'encode'``. The same holds for
``attr`` (not attrs), ``serial`` (not pyserial), ``docx`` (not python-docx) and others.

When a Python error names a module that is missing a name (``module 'M' has no attribute``, ``cannot import name
'X' from 'M'``), or a traceback fails inside ``site-packages/M/``, and package_aliases.yaml says the module ``M``
is shipped by a distribution with another name (``jwt`` → ``PyJWT``) while the project's requirement files declare
the distribution named ``M`` itself, that declaration names the aliased distribution instead. A pin is not carried
over: it was a release of the other project (``jwt==1.3.1`` becomes ``PyJWT==<newest>``). When the right
distribution is declared too, the two fight over one folder of site-packages and the wrong one is removed.

The same renaming serves relax_pin, where the declared name is on no index at all (``yaml`` for ``PyYAML``) or the
release refuses to install and names its successor (``sklearn``): there the specifier was meant for the real
distribution and is kept. A declaration in the project's metadata (setup.py, setup.cfg, pyproject.toml) is a
person's edit; the Validator's start-up check decides whether the swap cures the error before anything is pushed.
"""

from __future__ import annotations

from pathlib import Path

from packaging.utils import canonicalize_name

from agents.entities import SITE_PACKAGE
from agents.strategies import StrategyDeclined, StrategyResult, Tools, failure_text, pyreqs
from agents.strategies.cap_new_major import LACKS_NAME
from agents.strategies.registries import is_prerelease, pypi_versions
from memory.models import FailureReport

PROJECT_METADATA = ("setup.py", "setup.cfg", "pyproject.toml")
"""Files that declare what the project itself needs: renaming or marking a requirement there is a person's edit."""


def distribution_of_module(name: str, tools: Tools) -> str | None:
    """The distribution that ships the top-level module ``name`` (package_aliases.yaml), when it has another name:
    ``yaml`` is declared where ``PyYAML`` was meant."""
    dist = next((d for module, d in tools.aliases.items() if "." not in module and module.lower() == name.lower()), None)
    return dist if dist is not None and canonicalize_name(dist) != canonicalize_name(name) else None


def declare_distribution(name: str, dist: str, decls: list[pyreqs.Decl], tree: Path, tools: Tools, why: str,
                         same_project: bool = True) -> StrategyResult:
    """Each requirement-file line that declares ``name`` names ``dist`` instead: unpinned where it was, with its
    specifier when it was meant for ``dist`` (``same_project``) and a release of ``dist`` satisfies it
    (``yaml==6.0.1`` → ``PyYAML==6.0.1``), else at ``dist``'s newest release. Where ``dist`` is declared already,
    the lines that declare ``name`` are removed instead."""
    if any(d.path in PROJECT_METADATA for d in decls):
        raise StrategyDeclined(f"{name} is the module {dist} ships; the project metadata that declares it is for a person "
                               "to rename")
    files = sorted({d.path for d in decls})
    params = {"package": name, "from": "; ".join(d.label() for d in decls), "to": dist, "manifest": files[0], "files": files}
    if pyreqs.declarations(tree, dist):
        for decl in sorted(decls, key=pyreqs.position, reverse=True):
            pyreqs.drop(tree, decl)
        return StrategyResult(f"remove {name} from {', '.join(files)}: {why}; {dist} is declared and ships the same module",
                              params, 0.8)
    versions = pypi_versions(tools, dist, tree)
    if not versions:
        raise StrategyDeclined(f"could not read the versions of {dist} from the package index")
    stable = [v for v in versions if not is_prerelease(v)] or versions
    new: list[str] = []
    for decl in decls:
        req = decl.requirement
        kept = "" if not req.specifier else str(req.specifier) \
            if same_project and any(pyreqs.satisfies(v, decl) for v in versions) else f"=={stable[0]}"
        pyreqs.replace_line_requirement(tree, decl.path, int(decl.where), pyreqs.spelled(req, kept, dist))
        new.append(f"{dist}{kept}")
    return StrategyResult(f"declare {', '.join(sorted(set(new)))} instead of {name} in {', '.join(files)}: {why}",
                          params, 0.8)


def named_modules(report: FailureReport) -> list[str]:
    """Top-level modules the error says lack a name, then the installed packages its traceback fails in (innermost
    first), without repeats."""
    text = failure_text(report)
    found = [(m["module"] or m["module2"]).split(".")[0] for m in LACKS_NAME.finditer(text)]
    found += reversed([m["pkg"] for m in SITE_PACKAGE.finditer(text)])
    return list(dict.fromkeys(found))


def swap_distribution(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    if report.ecosystem not in ("python", "other"):
        raise StrategyDeclined("only Python distributions are declared under another project's name")
    tried: list[str] = []
    for module in named_modules(report):
        dist = distribution_of_module(module, tools)
        if dist is None:
            continue
        decls = [d for d in pyreqs.declarations(tree, module) if not d.constraint]
        if not decls:
            tried.append(f"{module} ({dist} is not declared as {module})")
            continue
        return declare_distribution(module, dist, decls, tree, tools,
                                    f"the {module} distribution is another project; `import {module}` as the code uses it "
                                    f"comes from {dist} (package_aliases.yaml)", same_project=False)
    raise StrategyDeclined("the error names no module that the project declares under another project's name"
                           + (f": {', '.join(tried)}" if tried else ""))
