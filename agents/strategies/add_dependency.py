"""add_dependency: declare the missing package in the ecosystem's manifest.

Python: requirements.txt (preferred), else the project's metadata when requirements.txt only installs the project
(``.``): pyproject.toml ([project] or Poetry, edited with tomlkit), else setup.cfg's ``install_requires`` or setup.py's
literal list (``pyreqs.declare_setuptools``). A package
already declared anywhere pip reads (``pyreqs``: requirement files and their includes, pyproject) is declined.
Node: package.json, and package-lock.json regenerated with ``npm install --package-lock-only``.
The registry is asked for the current version; a name it does not know is declined.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path

import tomlkit
from packaging.requirements import Requirement

from agents.strategies import StrategyDeclined, StrategyResult, Tools, failure_text, pyreqs, write_json_like
from memory.models import FailureReport

_NAME = re.compile(r"^(@[a-z0-9][a-z0-9._~-]*/)?[A-Za-z0-9][A-Za-z0-9._~-]*(?:\[[A-Za-z0-9_,-]+\])?$")
_VERSION = re.compile(r"^[A-Za-z0-9_.\-]+ \(([^)]+)\)", re.M)


_SYSTEM_TOOLS = {"gcc", "g++", "cc", "c++", "clang", "make", "cmake", "node", "nodejs", "python", "python3", "ruby",
                 "java", "javac", "go", "git", "bash", "sh", "curl", "wget", "tar", "gzip", "unzip"}
"""Programs a build needs from the system image, never from PyPI or npm (a package of that name there is at best
unrelated, at worst a squatter's)."""
_SHARED_LIBRARY = re.compile(r"\.so(?:\.\d+)*$|\.dylib$|\.dll$", re.I)
"""A shared library the loader looks for (``libGL.so.1``): the system image's, whatever ecosystem the log came from."""


def add_dependency(report: FailureReport, tree: Path, ws: Tools) -> StrategyResult:
    name = report.entity
    if not name or not _NAME.match(name):
        raise StrategyDeclined(f"no valid package name in the diagnosis (entity={name!r})")
    if _SHARED_LIBRARY.search(name):
        raise StrategyDeclined(f"{name} is a shared library of the system image, not a Python or npm package: install "
                               "the system package that ships it in the image (for OpenCV's libGL.so.1, libgl1; or "
                               "depend on opencv-python-headless, which needs none); a person must decide")
    if name.lower() in _SYSTEM_TOOLS:
        raise StrategyDeclined(f"{name} is a program of the build image, not a Python or npm package: "
                               "install it in the image (apt, the platform's build packages); a person must decide")
    node, python = (tree / "package.json").is_file(), (tree / "requirements.txt").is_file() or (tree / "pyproject.toml").is_file()
    ecosystem = report.ecosystem
    if ecosystem == "docker" or ecosystem == "other" and report.source == "llm":
        # a build inside an image, or a model that named the package but not its ecosystem: the repository's
        # manifest says which one (the rules' "other" means Ruby, Go, Java, PHP, C: never PyPI or npm)
        ecosystem = "node" if node and not python else "python" if python and not node else ecosystem
    if ecosystem == "node":
        if not node:
            raise StrategyDeclined("node failure but the repository has no package.json")
        if "[" in name:
            raise StrategyDeclined(f"{name} is a Python package with an extra, not an npm package")
        return _node(name, tree, ws)
    if ecosystem == "python":
        return _python(name, tree, ws, _alias_range(report, name, ws))
    raise StrategyDeclined(f"the missing piece belongs to the {ecosystem!r} ecosystem ({name}); this strategy only "
                           "declares Python and npm packages")


def _alias_range(report: FailureReport, name: str, ws: Tools) -> tuple[str, str] | None:
    """(module, range) when the module the error names left ``name`` at some release and the alias table says which
    releases still ship it (``No module named 'pkg_resources'`` → setuptools ``<82``)."""
    text = failure_text(report)
    for m in re.finditer(r"No module named ['\"]?([A-Za-z_][\w.]*)", text):
        module = m.group(1)
        for key in (module, module.split(".")[0]):
            if key in ws.alias_ranges and ws.aliases.get(key, "").lower() == name.lower():
                return key, ws.alias_ranges[key]
    return None


def _runtime_python(tree: Path) -> str:
    """The Python the platform will run: runtime.txt / .python-version when the project asks, else this machine's."""
    for name, pattern in (("runtime.txt", r"python-(\d+\.\d+(?:\.\d+)?)"), (".python-version", r"(\d+\.\d+(?:\.\d+)?)")):
        path = tree / name
        if path.is_file() and not path.is_symlink():
            m = re.fullmatch(pattern, path.read_text(encoding="utf-8", errors="replace").strip())
            if m:
                return m.group(1)
    return ".".join(str(n) for n in sys.version_info[:3])


def _applies(decl: pyreqs.Decl, python: str) -> bool:
    """Whether the platform installs ``decl``: its environment marker (``python_version < "3.8"``) holds there."""
    marker = decl.requirement.marker
    if marker is None:
        return True
    env = {"python_version": ".".join(python.split(".")[:2]), "python_full_version": python if python.count(".") == 2 else python + ".0",
           "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "implementation_name": "cpython",
           "platform_python_implementation": "CPython"}
    try:
        return bool(marker.evaluate(env))
    except Exception:  # noqa: BLE001 - an unknown marker variable: assume the platform installs it
        return True


def _rewrite_declaration(tree: Path, decl: pyreqs.Decl, requirement: Requirement, why: str) -> StrategyResult:
    if not decl.path.endswith(".txt") or not decl.where.isdigit():
        raise StrategyDeclined(f"{decl.requirement} is declared in {decl.path}, which this strategy does not rewrite")
    pyreqs.replace_line_requirement(tree, decl.path, int(decl.where), str(requirement))
    return StrategyResult(f"{decl.path}:{decl.where}: {decl.requirement} → {requirement}: {why}",
                          {"package": requirement.name, "manifest": decl.path, "requirement": str(requirement)}, 0.8)


def _python(name: str, tree: Path, ws: Tools, ranged: tuple[str, str] | None = None) -> StrategyResult:
    req = tree / "requirements.txt"
    pyproject = tree / "pyproject.toml"
    wanted = Requirement(name)  # ``flask[async]``: the package with an extra it only installs when asked
    name = wanted.name
    everywhere = [d for d in pyreqs.declarations(tree, name) if not d.constraint]
    installed = pyreqs.installed_files(tree) if req.is_file() else set()
    # a declaration counts where the platform reads it: requirements.txt and its includes, the project's metadata
    declared = [d for d in everywhere if d.path in installed or not d.path.endswith(".txt") or not req.is_file()]
    python = _runtime_python(tree)
    effective = [d for d in declared if _applies(d, python)]
    if declared and not effective:  # ``importlib-metadata; python_version < "3.8"`` on 3.11: declared, never installed
        decl = declared[0]
        kept = Requirement(str(decl.requirement))
        kept.marker = None
        kept.extras |= wanted.extras
        return _rewrite_declaration(tree, decl, kept, f"its marker ({decl.requirement.marker}) leaves it out on Python {python}, "
                                                      "which the platform runs, and the code imports it there")
    missing_extras = wanted.extras - {e.lower() for d in effective for e in d.requirement.extras}
    if effective and missing_extras:
        decl = effective[0]
        more = Requirement(str(decl.requirement))
        more.extras |= missing_extras
        return _rewrite_declaration(tree, decl, more, f"the code needs {name}'s {', '.join(sorted(missing_extras))} extra, "
                                                      "which installs what that feature imports")
    if declared:
        raise StrategyDeclined(f"{name} is already declared ({declared[0].path}:{declared[0].where}); "
                               "the import name may map to another package")
    elsewhere = f" ({everywhere[0].path} declares it, but the platform installs requirements.txt)" if everywhere else ""
    if req.is_file() or not pyproject.is_file():
        if req.is_file() and _installs_the_project(req.read_text(encoding="utf-8", errors="replace")):
            return _project(name, tree, ws, pyproject)  # requirements.txt only installs the project: declare it there
        version = _pypi_version(name, tree, ws, ranged[1] if ranged else "")
        extras = f"[{','.join(sorted(wanted.extras))}]" if wanted.extras else ""
        spec = f"{name}{extras}=={version}" if version else f"{name}{extras}{ranged[1] if ranged else ''}"
        pyreqs.append_line(req, spec)
        why = f" ({ranged[0]} is shipped by {name}{ranged[1]} only: package_aliases.yaml)" if ranged else elsewhere
        return StrategyResult(f"add {spec} to requirements.txt{why}", {"package": name, "version": version, "manifest": "requirements.txt"}, 0.8)
    return _project(name, tree, ws, pyproject)


def _project(name: str, tree: Path, ws: Tools, pyproject: Path) -> StrategyResult:
    """Declare ``name`` in the project's own metadata: pyproject.toml's dependency tables, else setuptools'
    setup.cfg / setup.py (``pip install .`` reads whichever the build backend does)."""
    if pyproject.is_file():
        try:
            return _pyproject(name, tree, ws, pyproject)
        except StrategyDeclined:
            if not ((tree / "setup.cfg").is_file() or (tree / "setup.py").is_file()):
                raise
    version = _pypi_version(name, tree, ws)
    spec = f"{name}=={version}" if version else name
    manifest = pyreqs.declare_setuptools(tree, spec)
    if manifest is None:
        raise StrategyDeclined("the project declares its dependencies nowhere this strategy can edit (no [project] or Poetry "
                               "table in pyproject.toml, no install_requires in setup.cfg or a literal list in setup.py)")
    return StrategyResult(f"add {spec} to {manifest}", {"package": name, "version": version, "manifest": manifest}, 0.75)


def _installs_the_project(requirements: str) -> bool:
    """True when requirements.txt names no package itself: only ``.`` / ``-e .`` (the project) and comments."""
    lines = [line.split("#", 1)[0].strip() for line in requirements.splitlines()]
    lines = [line for line in lines if line]
    return bool(lines) and all(re.fullmatch(r"(?:-e\s+|--editable\s+)?\.(?:\[[\w,\s-]*\])?/?", line) for line in lines)


def _pyproject(name: str, tree: Path, ws: Tools, pyproject: Path) -> StrategyResult:
    """Declare ``name`` with tomlkit, which keeps the file's layout and comments."""
    try:
        doc = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 - tomlkit raises several parse error types
        raise StrategyDeclined(f"pyproject.toml does not parse: {exc}") from exc
    version = _pypi_version(name, tree, ws)
    spec = f"{name}=={version}" if version else name
    project = doc.get("project")
    poetry = doc.get("tool", {}).get("poetry", {}).get("dependencies")
    if project is not None and "dependencies" in project:
        project["dependencies"].append(spec)
    elif poetry is not None:
        poetry[name] = f"^{version}" if version else "*"
    elif project is not None:
        project["dependencies"] = [spec]
    else:
        raise StrategyDeclined("pyproject.toml has neither [project] dependencies nor [tool.poetry.dependencies]")
    pyproject.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return StrategyResult(f"add {spec} to pyproject.toml", {"package": name, "version": version, "manifest": "pyproject.toml"}, 0.75)


def _pypi_version(name: str, tree: Path, ws: Tools, within: str = "") -> str | None:
    """The newest release on the index (within the range ``within``, when given)."""
    result = ws.run(f"python -m pip index versions {shlex.quote(name)} --disable-pip-version-check", tree, timeout=60)
    if result.ok and within:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        m = re.search(r"^Available versions: (.+)$", result.output, re.M)
        try:
            allowed = SpecifierSet(within)
        except InvalidSpecifier:
            return None
        return next((v.strip() for v in (m.group(1).split(",") if m else []) if v.strip() in allowed), None)
    if result.ok:
        m = _VERSION.search(result.output.strip())
        return m.group(1) if m else None
    if "No matching distribution" in result.output or "ERROR: No matching" in result.output:
        raise StrategyDeclined(f"the package index has no distribution named {name}")
    return None  # registry unreachable: declare it without a pin rather than guess one


def _node(name: str, tree: Path, ws: Tools) -> StrategyResult:
    pkg_path = tree / "package.json"
    try:
        pkg = json.loads(pkg_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise StrategyDeclined(f"package.json is not valid JSON: {exc}") from exc
    for section in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
        if name in pkg.get(section, {}):
            raise StrategyDeclined(f"{name} is already in {section}; the install itself must have failed")
        same = next((d for d in pkg.get(section, {}) if isinstance(d, str) and d.lower() == name.lower()), None)
        if same is not None:  # npm names are lower case since 2017; an old ``Express`` on the registry is not the one meant
            raise StrategyDeclined(f"{section} already has {same}: the code asks for {name}, a letter-case slip in the "
                                   "require/import, not a missing package")
    view = ws.run(f"npm view {shlex.quote(name)} version --silent", tree, timeout=60)
    if not view.ok and ("E404" in view.output or "404" in view.output):
        raise StrategyDeclined(f"the npm registry has no package named {name}")
    version = view.output.strip().splitlines()[-1] if view.ok and view.output.strip() else None
    latest, why = version, ""
    if version and pkg.get("type") != "module" and _required_by_cjs(tree, name):
        version = _newest_requirable(name, version, tree, ws)
        why = f" ({name}@{latest} is an ES module only; the code require()s it)" if version != latest else ""
    pkg.setdefault("dependencies", {})[name] = f"^{version}" if version else "*"
    pkg["dependencies"] = dict(sorted(pkg["dependencies"].items()))
    write_json_like(pkg_path, pkg)
    params: dict[str, object] = {"package": name, "version": version, "manifest": "package.json"}
    if (tree / "package-lock.json").is_file():
        lock = ws.run("npm install --package-lock-only --ignore-scripts --no-audit --no-fund", tree, timeout=180)
        if not lock.ok:
            raise StrategyDeclined(f"npm could not update package-lock.json: {lock.output[-400:]}")
        params["lockfile"] = "package-lock.json"
    return StrategyResult(f"add {name}@{pkg['dependencies'][name]} to package.json{why}", params, 0.75)


_SKIP_DIRS = {"node_modules", ".git", "dist", "build", ".next", "coverage"}


def _required_by_cjs(tree: Path, name: str) -> bool:
    """Whether CommonJS code of the repository loads ``name`` with ``require()`` (a ``.js`` file of a package that is
    not ``"type": "module"``, or a ``.cjs`` file)."""
    pattern = re.compile(r"\brequire\(\s*['\"]" + re.escape(name) + r"(?:/[^'\"]*)?['\"]\s*\)")
    seen = 0
    for path in tree.rglob("*"):
        if seen > 2000 or any(part in _SKIP_DIRS for part in path.relative_to(tree).parts):
            continue
        if path.suffix in (".js", ".cjs") and path.is_file() and not path.is_symlink():
            seen += 1
            try:
                if pattern.search(path.read_text(encoding="utf-8", errors="replace")):
                    return True
            except OSError:
                continue
    return False


def _has_require(exports: object) -> bool:
    if isinstance(exports, dict):
        return any(k == "require" or _has_require(v) for k, v in exports.items())
    if isinstance(exports, list):
        return any(_has_require(v) for v in exports)
    return isinstance(exports, str) and exports.endswith(".cjs")


def _paths(exports: object) -> list[str]:
    if isinstance(exports, dict):
        return [p for v in exports.values() for p in _paths(v)]
    if isinstance(exports, list):
        return [p for v in exports for p in _paths(v)]
    return [exports] if isinstance(exports, str) else []


def esm_only(meta: dict[str, object]) -> bool:
    """A release ``require()`` cannot load as the package it is: ``"type": "module"`` (or only ``.mjs`` entry points)
    with no ``require`` condition in its exports. Node 20.19+ and 22 do load ES modules with require(), but hand back
    the module namespace, so ``require('chalk').green`` is undefined: for CommonJS code such a release is no fix."""
    exports = meta.get("exports")
    if _has_require(exports):
        return False
    if meta.get("type") == "module":
        return True
    entry = _paths(exports) or [str(meta.get("main") or "index.js")]
    return all(p.endswith(".mjs") for p in entry)


def _npm_meta(ws: Tools, tree: Path, spec: str) -> dict[str, object] | None:
    view = ws.run(f"npm view {shlex.quote(spec)} --json", tree, timeout=60)
    if not view.ok:
        return None
    try:
        meta = json.loads(view.output)
    except json.JSONDecodeError:
        return None
    return meta if isinstance(meta, dict) else None


def _newest_requirable(name: str, latest: str, tree: Path, ws: Tools, majors: int = 4) -> str:
    """The newest release CommonJS code can ``require()``: the latest when it can, else the newest release of each
    older major line (at most ``majors`` of them) until one ships CommonJS (chalk 5 is ESM-only, chalk 4 is not)."""
    meta = _npm_meta(ws, tree, f"{name}@{latest}")
    if meta is None or not esm_only(meta):
        return latest
    versions = meta.get("versions")
    if not isinstance(versions, list):
        listing = ws.run(f"npm view {shlex.quote(name)} versions --json", tree, timeout=60)
        try:
            versions = json.loads(listing.output) if listing.ok else []
        except json.JSONDecodeError:
            versions = []
    best: dict[int, tuple[int, ...]] = {}
    for v in versions if isinstance(versions, list) else []:
        m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", str(v))
        if m:
            key = tuple(int(x) for x in m.groups())
            best[key[0]] = max(best.get(key[0], key), key)
    latest_major = int(latest.split(".")[0]) if latest.split(".")[0].isdigit() else None
    for major in sorted((m for m in best if latest_major is None or m < latest_major), reverse=True)[:majors]:
        candidate = ".".join(map(str, best[major]))
        older = _npm_meta(ws, tree, f"{name}@{candidate}")
        if older is not None and not esm_only(older):
            return candidate
    raise StrategyDeclined(f"{name}@{latest} is an ES module only and the code loads it with require(); no recent "
                           f"release ships CommonJS: the code must import() it, a person must decide")
