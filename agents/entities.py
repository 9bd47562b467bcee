"""Normalising an entity to what the fix needs: a distribution name, a repo path, a port, a version."""

from __future__ import annotations

import re
from collections.abc import Iterable

from agents.rules import RuleBook

# prefixes that CI systems and platforms put in front of the repository root
_CI_ROOTS = [
    re.compile(r"^/home/travis/build/[^/]+/[^/]+/"),
    re.compile(r"^/home/runner/work/[^/]+/[^/]+/"),
    re.compile(r"^/github/workspace/"),
    re.compile(r"^/builds/worker/checkouts/[^/]+/"),  # Taskcluster
    re.compile(r"^/builds/[^/]+/[^/]+/"),
    re.compile(r"^/vercel/path\d+/"),
    re.compile(r"^/vercel/[0-9a-f]{6,}/"),
    re.compile(r"^/opt/buildhome/repo/"),
    re.compile(r"^/opt/build/repo/"),
    re.compile(r"^/opt/render/project/src/"),
    re.compile(r"^(?:[A-Za-z]:)?/(?:[^/]+/)*?(?:jenkins|Jenkins_Slave|jenkins-agent)/(?:[^/]+/)*?workspace/[^/]+/"),
    re.compile(r"^/workspace/"),
    re.compile(r"^/app/"),
    re.compile(r"^/usr/src/[^/]+/"),  # a Dockerfile's WORKDIR /usr/src/<project>
    re.compile(r"^/srv/app/"),
    re.compile(r"^/code/"),
    re.compile(r"^(?:/[^/]+)*?/tmp/build[-_][0-9a-f]+/"),  # Heroku's /tmp/build_<hash>/, a deploy tool's <root>/tmp/build-<id>/
    re.compile(r"^/(?:tmp|var/tmp)/[^/]+/(?:src/(?!(?:main|test)/))?"),
    re.compile(r"^/root/[^/.][^/]*/"),  # a clone in a container's home
]
_HOME = re.compile(r"^(?:/home|/Users)/[^/]+/(.*)$")
_CONTAINERS = {"code", "src", "projects", "project", "work", "dev", "git", "repos", "repo", "documents",
               "workspace", "workspaces", "github", "sites", "www", "programming", "programing"}
_NODE_BUILTINS = {
    "assert", "buffer", "child_process", "cluster", "crypto", "dgram", "dns", "events", "fs", "http", "http2",
    "https", "net", "os", "path", "process", "querystring", "readline", "stream", "string_decoder", "timers",
    "tls", "tty", "url", "util", "v8", "vm", "worker_threads", "zlib",
}
_STDLIB_ONLY = {"_ctypes", "_sqlite3", "_ssl", "_tkinter", "_bz2", "_lzma", "distutils", "tkinter", "_curses"}


def repo_path(path: str, repo_files: Iterable[str] = ()) -> str:
    """A path as it is inside the repository: CI prefixes stripped, or matched against the repo's files."""
    path = path.strip().strip("'\"")
    path = re.sub(r"^(?:\.\.?/)+", "", path)  # ../svg/table.go from a sibling package: the path from the module root
    if re.match(r"^(?:[A-Za-z]:)?\\", path) or "\\" in path and "/" not in path:
        path = path.replace("\\", "/")  # a Windows path (\Jenkins_Slave\workspace\...)
    files = list(repo_files)
    if files and path.startswith("/"):
        best = [f for f in files if path.endswith("/" + f)]
        if best:
            return max(best, key=len)
        # a file that is missing: keep the part from the deepest repository folder it names
        dirs = {f.rsplit("/", 1)[0] for f in files if "/" in f}
        inside = [d for d in dirs if f"/{d}/" in path and "/" not in path[path.rindex(f"/{d}/") + len(d) + 2:]]
        if inside:
            d = max(inside, key=len)
            return path[path.rindex(f"/{d}/") + 1:]
    for root in _CI_ROOTS:
        if root.match(path):
            return root.sub("", path, count=1)
    if re.fullmatch(r"/[^/]+\.[A-Za-z0-9]+", path):  # /start.sh: a file at a container's root is the app's own
        return path[1:]
    m = _HOME.match(path)
    if m and re.search(r"/src/(?:main|test)/", path):  # Maven/Gradle's layout: the project starts where src/ does
        return path[path.index("/src/") + 1:]
    if m:
        parts = [p for p in m.group(1).split("/") if p]
        while len(parts) > 2 and parts[0].lower() in _CONTAINERS:
            parts = parts[1:]
        if len(parts) >= 2:
            return "/".join(parts[1:])
    return path


def python_module(module: str, book: RuleBook, local_modules: set[str]) -> tuple[str, str]:
    """(category, entity) for ``No module named X``: a dependency, or a local import gone wrong."""
    top = module.split(".")[0]
    if top in local_modules or top in book.local_module_names or top.lower() in {m.lower() for m in local_modules}:
        return "import_error", module  # a different letter case only works on a case-insensitive disk
    if "." in module and any(len(n) >= 4 and top.lower().startswith(n) for n in local_modules):
        return "import_error", module  # telliot_feed_examples.sources in the telliot-feeds checkout: the project's own
    if top in _STDLIB_ONLY:
        return "runtime_version", module
    for key in (module, top):
        if key in book.python_aliases:
            return "missing_dependency", book.python_aliases[key]
    return "missing_dependency", top


NAMESPACE_TOPS = {"google", "azure", "zope", "backports", "jaraco", "sphinxcontrib", "ruamel", "opentelemetry",
                   "oslo", "mpl_toolkits", "repoze", "flufl", "plone", "collective", "paste"}
"""Top-level names shared by several distributions (namespace packages): ``google.cloud.storage`` missing is
a missing distribution even though ``google`` imported."""
_FRAME = re.compile(r'File "(?P<path>[^"]+)", line \d+|^\s*(?P<path2>\S+\.py):\d+: in ')


def python_submodule(module: str, book: RuleBook, text: str) -> tuple[str, str]:
    """(category, entity) for Python 3's ``No module named 'a.b.c'``: Python imports the parents first, so
    ``a.b`` imported and only ``c`` is missing. That is not a distribution to add (``a`` is there) unless
    ``a`` is a namespace shared by several distributions. When ``a`` is an installed package (a
    site-packages frame) imported from outside it, the installed version lacks a submodule the code
    expects: a version conflict. Otherwise the project's (or the package's own) import is wrong."""
    parts = module.split(".")
    top = parts[0]
    if top in NAMESPACE_TOPS:
        for n in range(len(parts), 1, -1):
            if ".".join(parts[:n]) in book.python_aliases:
                return "missing_dependency", book.python_aliases[".".join(parts[:n])]
        return "missing_dependency", "-".join(parts[:3])
    frames = [m.group("path") or m.group("path2") for line in text.splitlines() for m in [_FRAME.search(line)] if m]
    importer = frames[-1].replace("\\", "/") if frames else ""
    installed = re.search(rf"(?:site|dist)-packages/{re.escape(top)}/", text) is not None
    if installed and f"/{top}/" not in importer:
        return "dependency_conflict", book.python_aliases.get(top, top)
    return "import_error", module


_VERSION_SKEW = re.compile(r"^\s*(?:[\w.]+\.)?(?:KeyError: |AttributeError: |TypeError: .*(?:got an unexpected keyword argument|"
                           r"takes \d+ positional arguments? but \d+ (?:was|were) given|missing \d+ required (?:positional|keyword-only) argument))")
"""Exceptions that, raised inside one installed package right under another's call, mean the two releases do not fit."""
SITE_PACKAGE = re.compile(r"[/\\](?:site|dist)-packages[/\\](?P<pkg>[A-Za-z_]\w*)")
"""The installed package a path is in (``…/site-packages/flask/app.py`` → ``flask``)."""


def cross_package_raise(before: list[str], exc_line: str) -> str | None:
    """The import name of the installed package that raised ``exc_line`` when the call into it came straight from
    another installed package (no project frame in between): ``KeyError: 'PROVIDE_AUTOMATIC_OPTIONS'`` raised in
    flask's code called by quart's is a Flask release that Quart's release predates. None otherwise (the project
    called the package itself, or the exception is not one that says the releases disagree)."""
    if not _VERSION_SKEW.match(exc_line):
        return None
    frames = [m.group("path") or m.group("path2") for line in before for m in [_FRAME.search(line)] if m]
    owners = [(site.group("pkg") if (site := SITE_PACKAGE.search(path)) else None) for path in frames]
    if len(owners) < 2 or owners[-1] is None:
        return None
    raised = owners[-1]
    caller = next((o for o in reversed(owners) if o != raised), "")
    if not caller or caller in _LOADERS:  # a project frame (None) called it, every frame is its own, or a server loaded it
        return None
    return raised


_LOADERS = frozenset({"gunicorn", "uvicorn", "hypercorn", "waitress", "daphne", "celery", "click", "typer", "_pytest",
                      "pluggy", "runpy"})
"""Servers and runners that load whatever code they are given (the app, its own package installed): a call from them
into a package says nothing about whether two releases fit."""


_LOCAL_ROOTS = ("src", "lib", "app", "components", "pages", "utils", "server", "client", "config", "dist", "build",
                "routes", "models", "services", "controllers", "helpers", "modules", "api")
"""First path segments that name the project's own folders (``src/domain/Branch``), not an npm package."""


def node_module(spec: str, book: RuleBook) -> tuple[str, str]:
    if "/node_modules/" in spec:  # a path into an installed package that is not there: the package is missing
        inner = spec.rsplit("/node_modules/", 1)[1].split("/")
        pkg = "/".join(inner[:2]) if inner[0].startswith("@") and len(inner) > 1 else inner[0]
        return "missing_dependency", book.node_aliases.get(pkg, pkg)
    if spec.startswith((".", "/", "@/", "~/", "#")) or re.match(r"^[A-Za-z]:\\", spec):
        return "import_error", spec
    if "/" in spec and not spec.startswith("@") and spec.split("/", 1)[0] in _LOCAL_ROOTS:
        return "import_error", spec
    if not spec.startswith("@") and any(seg in _LOCAL_ROOTS for seg in spec.split("/")[1:-1]):
        return "import_error", spec  # a path alias into the project's own folders (common/src/theme/agency)
    name = spec.removeprefix("node:")
    parts = name.split("/")
    pkg = "/".join(parts[:2]) if name.startswith("@") and len(parts) >= 2 else parts[0]
    if spec.startswith("node:") or pkg in _NODE_BUILTINS:
        return "runtime_version", pkg
    return "missing_dependency", book.node_aliases.get(pkg, pkg)


def package(spec: str) -> str:
    """``requests==99.0.0`` / ``vite@7.1.11`` / ``@scope/pkg@^1`` → the bare package name."""
    spec = spec.strip().strip("'\"`")
    if spec.startswith("@"):
        scope, _, rest = spec[1:].partition("/")
        return "@" + scope + "/" + re.split(r"@", rest, maxsplit=1)[0]
    name = re.split(r"[=<>!~;\[ @(]", spec, maxsplit=1)[0]
    return _EXECUTABLE_PACKAGES.get(name, name)


_EXECUTABLE_PACKAGES = {"bundle": "bundler"}
"""Commands whose package has another name (``bundle`` comes with the ``bundler`` gem)."""


def version(value: str) -> str:
    value = value.strip()
    m = re.fullmatch(r"python(?:-|\s+(?:version\s+)?)?(\d+(?:\.\d+)*)", value, re.I)
    if m:
        return f"python-{m.group(1)}"
    m = re.fullmatch(r"Requires-Python\s*(?:>=|~=|==|>)\s*(\d+(?:\.\d+)*)", value, re.I)  # pip: the oldest it accepts
    if m:
        return f"python-{m.group(1)}"
    m = re.fullmatch(r"node(?:\.js)?[- ]*(?:version\s*)?[>=v ]*(\d+(?:\.\d+)*)", value, re.I)
    if m:
        return f"node-{m.group(1)}"
    m = re.match(r"node\b\D*?(\d+(?:\.\d+)*)", value, re.I)  # 'node" is incompatible ... Expected version ">=16.14.0'
    if m:
        return f"node-{m.group(1)}"
    m = re.fullmatch(r"(?:class file|major\.minor) version (\d+)(?:\.\d+)?", value)  # the JVM's class-file version
    if m and int(m.group(1)) >= 45:
        return f"java-{int(m.group(1)) - 44}"  # 52 → Java 8, 61 → Java 17
    m = re.fullmatch(r"(?:Java SE|(?:target|source) release:?)\s*(?:1\.)?(\d+)", value)  # Gradle's / javac's target
    if m:
        return f"java-{m.group(1)}"
    m = re.fullmatch(r"Gemfile specified\s+(\d+(?:\.\d+)*)", value)  # Bundler: the Ruby the Gemfile asks for
    if m:
        return f"ruby-{m.group(1)}"
    m = re.fullmatch(r"go\b.*?\b(\d+\.\d+(?:\.\d+)?)(?:\.x)?", value, re.I)  # 'Go version to install: no match found for 1.14'
    if m:
        return f"go-{m.group(1)}"
    m = re.fullmatch(r"rustc?\s+(\d+(?:\.\d+)*)", value, re.I)  # cargo: 'requires rustc 1.70 or newer'
    if m:
        return f"rust-{m.group(1)}"
    m = re.fullmatch(r"\.NET\s+(?:Core\s+)?(\d+(?:\.\d+)*)", value)  # the SDK's 'does not support targeting .NET 8.0'
    if m:
        return f"dotnet-{m.group(1)}"
    m = re.fullmatch(r"(php|ruby|go|java|dotnet|elixir|bundler|poetry|cargo|pnpm|npm|yarn)[-\s'\"(>=<~^]*v?(\d+(?:\.\d+)*)", value, re.I)
    if m:
        return f"{m.group(1).lower()}-{m.group(2)}"
    return f"python-{value}" if value[:1].isdigit() else value


def normalise(kind: str, value: str, book: RuleBook, local_modules: set[str], repo_files: list[str]) -> tuple[str | None, str]:
    """(category override or None, entity)."""
    if kind == "python_module":
        return python_module(value, book, local_modules)
    if kind == "node_module":
        category, entity = node_module(value, book)
        return category, (repo_path(entity, repo_files) if category == "import_error" and entity.startswith("/") else entity)
    if kind == "path":
        return None, repo_path(value, repo_files)
    if kind == "basename":
        return None, value.rstrip("/").rsplit("/", 1)[-1]
    if kind == "package":
        return None, package(value)
    if kind == "version":
        return None, version(value)
    if kind == "env_var":
        return None, value.strip().upper()  # a settings field (database_url) is read from DATABASE_URL
    return None, value.strip()
