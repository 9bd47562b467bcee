"""Phrase families written after a real-log batch was measured (batch 20 onwards): each case is a tool's own
wording, shortened; the family's other tools are in prompts/known_fixes.yaml's examples."""

import pytest

from agents.analyzer import analyze
from agents.logsource import clean_line
from agents.rules import load_rulebook

BOOK = load_rulebook()


BATCH_20 = [
    # a framework that refuses to run without its secret
    ("RuntimeError: The session is unavailable because no secret key was set.  Set the secret_key on the application.\n",
     "missing_env_var", None),
    ("ArgumentError: Missing `secret_key_base` for 'production' environment, set this string with `rails credentials:edit`\n",
     "missing_env_var", None),
    ("Error: secret option required for sessions\n    at session (/app/node_modules/express-session/index.js:200:12)\n",
     "missing_env_var", None),
    # modern Python refused by an old interpreter the log shows: files byte-compiled for 3.5
    ("byte-compiling build/lib/pkg/main.py to main.cpython-35.pyc\n  File \"build/lib/pkg/main.py\", line 142\n"
     "    f'command \"{cmd}\" is not available. '\n                                        ^\nSyntaxError: invalid syntax\n",
     "runtime_version", None),
    # without a sign of the interpreter (path, .pyc tag) an f-string refused is the code's syntax error (issue 11)
    ("  File \"main.py\", line 54\n    logging.info(f'Completed in {time.time() - start:.2f}s')\n"
     "                                                          ^\nSyntaxError: invalid syntax\n", "syntax_error", "main.py"),
    # an f-string error message is a 3.6+ interpreter's: the code is wrong, not the runtime
    ("  File \"/app/main.py\", line 78\n    text=f\"Error :- `{error}`\\n\\n`{'\\n'.join(logs)}`\",\n"
     "                                                     ^\nSyntaxError: f-string expression part cannot include a backslash\n",
     "syntax_error", "main.py"),
    # a node build tool missing behind any script's "line N:" prefix
    ("10:00:53 PM: /usr/local/bin/build: line 32: bower: command not found\n", "missing_dependency", "bower"),
    # the runtime named in the sentence is the entity's runtime
    ("> WARN! Requested node version 6.11.1 is not available\n", "runtime_version", "node-6.11.1"),
    ("Python version 3.4 is not supported\n", "runtime_version", "python-3.4"),
    # an assertion that fails in a test file is the test step's failure; elsewhere it stays the app's runtime error
    ("Traceback (most recent call last):\n  File \"/home/travis/build/o/r/tests/test_tcp.py\", line 152, in on_close\n"
     "    self.assertEqual(error, None)\n  File \"/usr/lib/python2.6/unittest2/case.py\", line 521, in assertEqual\n"
     "    raise self.failureException(msg)\nAssertionError: 59 != None\n", "test_failure", "tests/test_tcp.py"),
    ("Traceback (most recent call last):\n  File \"app/orders.py\", line 12, in total\n    assert qty > 0\n"
     "AssertionError\n", "runtime_error", "app/orders.py"),
    # CI containers' own memory limits
    ("Your build has exceeded the memory limit of 4G on 1 container.\n", "out_of_memory", None),
    ("Container 'Build' exceeded memory limit.\n", "out_of_memory", None),
    # the platform's proxy cannot reach the instance: it does not listen where expected
    ("2023-03-01T10:19:32Z   [error]instance refused connection\n"
     "2023-03-01T10:19:36Z   [warn]Could not proxy HTTP request. Retrying in 1000 ms (attempt 10)\n", "port_binding", "PORT"),
    # a file the Dockerfile copies is not in the build context (a lockfile stays lockfile_mismatch)
    ("#6 ERROR: failed to calculate checksum of ref 400f::vr44: \"/.nixpacks/nixpkgs-e056.nix\": not found\n",
     "config_error", ".nixpacks/nixpkgs-e056.nix"),
    ("#9 ERROR: failed to calculate checksum of ref moby::k1: \"/package-lock.json\": not found\n",
     "lockfile_mismatch", "package-lock.json"),
    ("OperationalError: server closed the connection unexpectedly\n"
     "This probably means the server terminated abnormally before or while processing the request.\n",
     "database_connection", None),
]

BATCH_21 = [
    # CI setup actions that cannot provide the runtime asked for
    ("Version 3.4 was not found in the local cache\nError: Version 3.4 with arch x64 not found\n", "runtime_version", "python-3.4"),
    ("  Error: The version '3.1' with architecture 'x64' was not found for Ubuntu 24.04.\n", "runtime_version", "python-3.1"),
    ("Error: Unable to find Node version '12.x' for platform linux and architecture x64.\n", "runtime_version", "node-12"),
    # Go's toolchain older than go.mod, in tidy's and Cloud Foundry's wordings, with the version asked for
    ("go: go.mod file indicates go 1.21, but maximum version supported by tidy is 1.20\n", "runtime_version", "go-1.21"),
    ("Unable to determine Go version to install: no match found for 1.14.x in [1.17.8 1.18]\n", "runtime_version", "go-1.14"),
    # Composer cannot install PHP itself: the runtime, not a package conflict
    (" !     > Your requirements could not be resolved to an installable set of packages.\n !     > \n !     >   Problem 1\n"
     " !     >     - composer.json/composer.lock requires php ~7.2.0 -> no matching package found.\n", "runtime_version", "php-7.2.0"),
    (" !     ERROR: No 'composer.lock' found!\n", "lockfile_mismatch", "composer.lock"),
    ("error: failed to select a version for the requirement 'tracing-bunyan-formatter = \"^0.3\"'\n", "dependency_conflict",
     "tracing-bunyan-formatter"),
    # platform limits and images
    ("Error: The Serverless Function \"api/index\" is 69.61mb which exceeds the maximum size limit of 50mb.\n", "config_error", None),
    ("standard_init_linux.go:219: exec user process caused: exec format error\n", "config_error", None),
    (" !     Outdated Yarn lockfile\n       Your application contains a Yarn lockfile (yarn.lock) which does not\n",
     "lockfile_mismatch", "yarn.lock"),
    ("Error: Cannot find module '/opt/build/repo/.yarn/releases/yarn-3.2.1.cjs'\n    at Function.Module._resolveFilename (x.js:1:1)\n",
     "config_error", ".yarn/releases/yarn-3.2.1.cjs"),
    # JSON.parse refusing data at run time is not the code's syntax
    ("SyntaxError: Unexpected end of input\nat Object.parse (native)\n", "runtime_error", None),
    # MongoDB authentication and pymongo's server selection
    ("error - MongoServerError: bad auth : Authentication failed.\n", "database_connection", None),
    ("pymongo.errors.ServerSelectionTimeoutError: localhost:27017: [Errno 111] Connection refused\n", "database_connection", None),
    ("1. rspec ./spec/models/pull_request_spec.rb:25\n2. rspec ./spec/models/user_spec.rb:220\n", "test_failure", None),
]

BATCHES_22_23 = [
    # a name missing from an installed package, as a debugger prints it (no "ImportError:", a Windows path)
    ("cannot import name 'soft_unicode' from 'markupsafe' (C:\\Users\\me\\env\\lib\\site-packages\\markupsafe\\__init__.py)\n",
     "dependency_conflict", "markupsafe"),
    ("Error No distributions at all found for django-chunks (from -r requirements/base.txt (line 22))\n",
     "dependency_conflict", "django-chunks"),
    # a package that does not build, in pip 22's, pip 20's and pip 9's wordings (its own RuntimeError is not the app's)
    ("      RuntimeError: autoconf error\n      [end of output]\nerror: legacy-install-failure\n"
     "\u00d7 Encountered error while trying to install package.\n\u2570\u2500> pycrypto\n", "dependency_conflict", "pycrypto"),
    ("  ERROR: Failed building wheel for psycopg2\n", "dependency_conflict", "psycopg2"),
    ('Command "python setup.py egg_info" failed with error code 1 in /tmp/pip-build-cCgk9N/pyparsing/\n',
     "dependency_conflict", "pyparsing"),
    # a cause named more precisely still wins over the failed build
    ("    error: command 'gcc' failed: No such file or directory\n  ERROR: Failed building wheel for psycopg2\n",
     "missing_dependency", "gcc"),
    # Rails' master key
    ("ActiveSupport::EncryptedFile::MissingKeyError: Missing encryption key to decrypt file with. Ask your team for your "
     "master key and write it to /tmp/build/config/master.key or put it in the ENV['RAILS_MASTER_KEY']\n",
     "missing_env_var", "RAILS_MASTER_KEY"),
    # a package requiring a file another installed package does not ship: the two versions do not fit
    ("Error: Cannot find module 'next/dist/server/base-server'\nRequire stack:\n"
     "- /opt/build/repo/node_modules/@netlify/plugin-nextjs/lib/helpers/utils.js\n", "dependency_conflict", "@netlify/plugin-nextjs"),
    ("Module not found: Error: Cannot resolve 'file' or 'directory' ./Logo in /tmp/build_8134/components\n", "import_error", "./Logo"),
]


BATCH_24 = [
    # the app server's own entry module (wsgi / asgi) is missing: the start command names the wrong module
    ("[2025-01-01 10:00:00 +0000] [7] [ERROR] Exception in worker process\nModuleNotFoundError: No module named 'wsgi'\n",
     "start_command", "wsgi"),
    ("ModuleNotFoundError: No module named 'mysite.asgi'\n", "start_command", "mysite.asgi"),
    ("ModuleNotFoundError: No module named 'gevent.pywsgi'\n", "import_error", "gevent.pywsgi"),  # a package's submodule
    # pip's conflict block names the package the requirements disagree on, whatever "Cannot install" lists first
    ("ERROR: Cannot install flask==2.0.3 and werkzeug==3.0.1 because these package versions have conflicting dependencies.\n\n"
     "The conflict is caused by:\n    The user requested werkzeug==3.0.1\n    flask 2.0.3 depends on werkzeug>=2.0\n",
     "dependency_conflict", "werkzeug"),
    ("ERROR: Cannot install tool==1.0 and tool==1.1 because these package versions have conflicting dependencies.\n\n"
     "The conflict is caused by:\n    tool 1.1 depends on pandas==1.5.3\n    tool 1.0 depends on pandas==1.5.3\n",
     "dependency_conflict", "pandas"),
    ("ERROR: Cannot install launch==0.1.0 and launch==0.1.1 because these package versions have conflicting dependencies.\n",
     "dependency_conflict", "launch"),
    # a circular import (or a file shadowing a package): the module, also when the message is wrapped
    ("ImportError: cannot import name 'Client' from partially initialized module 'client' (most likely due to a circular "
     "import) (/home/me/client.py)\n", "import_error", "client"),
    ("ImportError: cannot import name 'X' from partially initialized module\n'app.models' (most likely due to a circular import)\n",
     "import_error", "app.models"),
    # Flask-WTF's missing secret
    ("KeyError: 'A secret key is required to use CSRF.'\n", "missing_env_var", None),
]


BATCH_25 = [
    # a gem's native extension: the C header or the *-config tool that is missing names the system library
    ("Gem::Ext::BuildError: ERROR: Failed to build gem native extension.\n    checking for libpq-fe.h... no\n"
     "    sqlite3.h is missing. Try 'apt-get install libsqlite3-dev'\n", "missing_dependency", "sqlite3"),
    ("Gem::Ext::BuildError: ERROR: Failed to build gem native extension.\n   *** ERROR: missing required library to compile "
     "this module: No such file or directory - gsl-config\n   *** extconf.rb failed ***\n", "missing_dependency", "gsl"),
    # Maven: the last artifact of the chain it could not collect
    ("Caused by: org.apache.maven.project.DependencyResolutionException: Could not resolve dependencies for project a.b:app:jar:1.0: "
     "Failed to collect dependencies at org.x:lib:jar:5.3 -> org.y:inner:jar:1.3.30\n", "missing_dependency", "org.y:inner"),
    # npm's own debug log prints the message without the "npm ERR!" prefix
    ("missing script: start\nnode v5.11.1\nnpm  v3.8.6\n", "start_command", "start"),
    ("7 verbose stack Error: missing script: build\n", "start_command", "build"),
    # pip: the Python a package asks for, not the one that was running
    ("ERROR: Package 'tool' requires a different Python: 3.9.18 not in '>=3.10'\n", "runtime_version", "python-3.10"),
    ("ERROR: Package 'old' requires a different Python: 3.12.1 not in '<3.9'\n", "runtime_version", None),
    # the compose file named on the parsing line, as the user knows it
    ("parsing /srv/stack/docker-compose.yml: yaml: line 7: did not find expected key\n", "config_error", "docker-compose.yml"),
    # ES module syntax loaded as CommonJS: the app's own file (its module type) or a package that ships only ESM
    ("/app/src/server.js:2\nimport express from \"express\";\n^^^^^^\n\nSyntaxError: Cannot use import statement outside a module\n",
     "config_error", None),
    ("/app/node_modules/got/dist/source/index.js:1\nexport * from './core';\n^^^^^^\n\nSyntaxError: Unexpected token 'export'\n",
     "dependency_conflict", "got"),
    ("npm ERR! node v10.24.1\n/app/index.js:1\nimport x from 'y';\n^^^^^^\nSyntaxError: Unexpected token import\n",
     "runtime_version", None),
    # Sprockets through ExecJS (Uglifier, CoffeeScript) refusing the JavaScript it compiles
    ("rake aborted!\nExecJS::ProgramError: Unexpected token: punc ()) (line: 12, col: 5, pos: 300)\n", "syntax_error", None),
    # Fly's init cannot find the command it was told to run
    ("[info] Preparing to run: `/app/run.sh` as root\n[info] Error: UnhandledIoError(Os { code: 2, kind: NotFound, message: "
     "\"No such file or directory\" })\n", "start_command", "run.sh"),
    ("command terminated with non-zero exit code: Error executing in Docker Container: 137\n", "out_of_memory", None),
    # a library that names the package it needs
    ('RuntimeError: Form data requires "python-multipart" to be installed. \nYou can install "python-multipart" with: \n\n'
     "pip install python-multipart\n", "missing_dependency", "python-multipart"),
    ("ImportError: Missing optional dependency 'openpyxl'.  Use pip or conda to install openpyxl.\n", "missing_dependency", "openpyxl"),
]

FROZEN = "".join(f'  File "<frozen importlib._bootstrap>", line {n}, in {f}\n' for n, f in [
    (1204, "_gcd_import"), (1176, "_find_and_load"), (1126, "_find_and_load_unlocked"), (241, "_call_with_frames_removed"),
    (1204, "_gcd_import"), (1176, "_find_and_load"), (1140, "_find_and_load_unlocked")])


@pytest.mark.parametrize(("function", "module", "expect"), [
    # gunicorn mysite.wsgi: the seven frozen frames of the dotted import no longer push import_app out of the window
    ("import_app", "mysite", ("start_command", "mysite")),
    # gunicorn -k uvicorn.workers.UvicornWorker without uvicorn: the worker class goes through load_class, so the
    # missing module is a package to install, not the app module the command names
    ("load_class", "uvicorn", ("missing_dependency", "uvicorn")),
])
def test_what_gunicorn_could_not_import_decides_between_the_command_and_a_package(
        function: str, module: str, expect: tuple[str, str]) -> None:
    log = (f'  File "/app/.venv/lib/python3.11/site-packages/gunicorn/util.py", line 420, in {function}\n'
           "    mod = importlib.import_module(module)\n          ^^^^^^^^^^^^^^^^^^^^^^^^\n"
           '  File "/usr/lib/python3.11/importlib/__init__.py", line 126, in import_module\n'
           "    return _bootstrap._gcd_import(name[level:], package, level)\n" + FROZEN +
           f"ModuleNotFoundError: No module named '{module}'\n")
    r = analyze(log, BOOK)
    assert (r.category, r.entity) == expect


def test_a_package_too_old_for_the_interpreter_is_its_conflict_not_an_import_error() -> None:
    """urllib3 1.21 under Python 3.11: the name left the interpreter's collections, the package's release is too old."""
    log = ('  File "/app/.venv/lib/python3.11/site-packages/requests/__init__.py", line 43, in <module>\n    import urllib3\n'
           '  File "/app/.venv/lib/python3.11/site-packages/urllib3/util/selectors.py", line 14, in <module>\n'
           "    from collections import namedtuple, Mapping\n"
           "ImportError: cannot import name 'Mapping' from 'collections' (/usr/lib/python3.11/collections/__init__.py)\n")
    r = analyze(log, BOOK)
    assert (r.category, r.entity) == ("dependency_conflict", "urllib3")

BATCH_26 = [
    # Docker Desktop on Windows words a taken port its own way
    ("Error response from daemon: Ports are not available: exposing port TCP 0.0.0.0:6379 -> 0.0.0.0:0: listen tcp "
     "0.0.0.0:6379: bind: Only one usage of each socket address (protocol/network address/port) is normally permitted.\n",
     "port_conflict", "6379"),
    # the Docker socket a CI runner may not use
    ("Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Post "
     '"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/build": dial unix /var/run/docker.sock: connect: permission denied\n',
     "permission_denied", "/var/run/docker.sock"),
    # rollup and vite resolve a relative import from the importing file's folder
    ("[!] Error: Could not resolve '../lib/format' from src/pages/Home.jsx\n", "import_error", "src/lib/format"),
    ('[plugin:vite:import-analysis] Failed to resolve import "./widgets" from "src\\App.jsx". Does the file exist?\n',
     "import_error", "src/widgets"),
    # code written for pydantic 1 under pydantic 2: the installed major line is too new for it
    ("pydantic.errors.PydanticImportError: `BaseSettings` has been moved to the `pydantic-settings` package. See "
     "https://docs.pydantic.dev/2.12/migration/#basesettings-has-moved-to-pydantic-settings for more details.\n",
     "dependency_conflict", "pydantic"),
]


BATCH_27 = [
    # npm 1's EACCES names the path after "permission denied", and its "npm ERR! path" line is indented by the buildpack
    ("   npm ERR! Error: EACCES, permission denied '/tmp/npm-1332/___package.npm/package/bin/hulk'\n"
     "   npm ERR! path /tmp/npm-1332/___package.npm/package/bin/hulk\n   npm ERR! code EACCES\n",
     "permission_denied", "/tmp/npm-1332/___package.npm/package/bin/hulk"),
    # pnpm's engine WARN is not the failure: the outdated lockfile after it is
    (' WARN  Unsupported engine: wanted: {"node":"22.9.0"} (current: {"node":"v22.18.0","pnpm":"10.15.0"})\n'
     "Scope: all 13 workspace projects\n"
     ' ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" because pnpm-lock.yaml is not up to date with '
     "<ROOT>/libs/state/package.json\n",
     "lockfile_mismatch", "pnpm-lock.yaml"),
    # a compiled package built against numpy 1 under numpy 2
    ('  File "pandas/_libs/interval.pyx", line 1, in init pandas._libs.interval\n'
     "ValueError: numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, got 88 from PyObject\n",
     "dependency_conflict", "numpy"),
    # a namespace package's root is missing: the import line names the distribution (google.protobuf -> protobuf)
    ('  File "/srv/app.py", line 4, in <module>\n    from google.protobuf import struct_pb2\n'
     "ModuleNotFoundError: No module named 'google'\n", "missing_dependency", "protobuf"),
    # ...and without the import line no distribution is guessed (PyPI's "google" is an unrelated package)
    ("ModuleNotFoundError: No module named 'google'\n", "missing_dependency", None),
    # BeautifulSoup asked for a parser that is not installed
    ("bs4.FeatureNotFound: Couldn't find a tree builder with the features you requested: lxml. Do you need to install "
     "a parser library?\n", "missing_dependency", "lxml"),
]

BATCH_29 = [
    # the linker's own wording for a full disk
    ("ld: not enough disk space for writing '/Users/ci/build/out/Release/node' for architecture x86_64\n"
     "clang: error: linker command failed with exit code 1 (use -v to see invocation)\n", "disk_space", None),
]

APPS_ROUND_9 = [
    # a server's option given an environment variable the platform does not set: its parser refuses the empty value
    ("usage: gunicorn [OPTIONS] [APP_MODULE]\ngunicorn: error: argument -w/--workers: expected one argument\n"
     "==> web process exited with code 2 before passing the health check\n", "start_command", "--workers"),
    ("Usage: uvicorn [OPTIONS] APP\nTry 'uvicorn --help' for help.\n\nError: Invalid value for '--port': 'main:app' is not a "
     "valid integer.\n", "start_command", "--port"),
    ("error: option '-p, --port <number>' argument missing\n", "start_command", "--port"),
]

_QUART_UNDER_FLASK_31 = (
    'Traceback (most recent call last):\n  File "/srv/app.py", line 3, in <module>\n    app = Quart(__name__)\n'
    '  File "/srv/.venv/lib/python3.11/site-packages/quart/app.py", line 338, in __init__\n    self.add_url_rule(\n'
    '  File "/srv/.venv/lib/python3.11/site-packages/flask/sansio/scaffold.py", line 47, in wrapper_func\n'
    "    return f(self, *args, **kwargs)\n"
    '  File "/srv/.venv/lib/python3.11/site-packages/flask/sansio/app.py", line 641, in add_url_rule\n'
    '    if "OPTIONS" not in methods and self.config["PROVIDE_AUTOMATIC_OPTIONS"]:\n'
    "                                    ~~~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    "KeyError: 'PROVIDE_AUTOMATIC_OPTIONS'\n")

APPS_ROUND_10 = [
    # a library's own config key, looked up in the library: not an environment variable; raised in flask's code right
    # under quart's, so the two releases do not fit (a newer Flask than this Quart knows)
    (_QUART_UNDER_FLASK_31, "dependency_conflict", "flask"),
    # ...while the app's own lookup of the same kind of name stays a missing variable
    ('  File "/srv/settings.py", line 9, in <module>\n    SECRET = os.environ["SIGNING_SECRET"]\n'
     '  File "<frozen os>", line 679, in __getitem__\nKeyError: \'SIGNING_SECRET\'\n', "missing_env_var", "SIGNING_SECRET"),
    # an unexpected keyword raised in one installed package under another's call
    ('  File "/app/main.py", line 4, in <module>\n    r = requests.get(URL)\n'
     '  File "/usr/lib/python3/site-packages/requests/adapters.py", line 440, in send\n    resp = conn.urlopen(\n'
     '  File "/usr/lib/python3/site-packages/urllib3/connectionpool.py", line 715, in urlopen\n'
     "TypeError: urlopen() got an unexpected keyword argument 'strict'\n", "dependency_conflict", "urllib3"),
    # Starlette's templates without jinja2
    ('    assert jinja2 is not None, "jinja2 must be installed to use Jinja2Templates"\n'
     "AssertionError: jinja2 must be installed to use Jinja2Templates\n", "missing_dependency", "jinja2"),
    # aiohttp's Application served by gunicorn's WSGI worker
    ('  File "/srv/.venv/lib/python3.11/site-packages/gunicorn/workers/sync.py", line 178, in handle_request\n'
     "    respiter = self.wsgi(environ, resp.start_response)\n"
     "TypeError: Application.__call__() takes 1 positional argument but 3 were given\n", "start_command", "Application"),
]

BATCH_30 = [
    # TypeScript handed to plain node (or to a loader that does not take it): the start command, naming the file
    ('TypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension ".ts" for /app/src/index.ts\n'
     "    at Object.getFileProtocolModuleFormat [as file:] (node:internal/modules/esm/get_format:189:9)\n",
     "start_command", "src/index.ts"),
    # Create React App's own wording of a parse error, the file on the line before
    ("Failed to compile.\n./src/Containers/App.js\nSyntax error: Unexpected token (1:13)\n", "syntax_error", "src/Containers/App.js"),
    # an indentation error is the code's, whatever interpreter the path shows
    ('  File "/usr/local/lib/python2.7/dist-packages/gunicorn/util.py", line 355, in import_app\n    __import__(module)\n'
     '  File "/srv/app/web/views.py", line 12\n    return total\n         ^\nIndentationError: expected an indented block\n',
     "syntax_error", "web/views.py"),
    # gunicorn bound to a variable the platform does not set: an empty port
    ("[2026-12-01 04:30:00 +0000] [12] [INFO] Starting gunicorn 23.0.0\nError: '' is not a valid port number.\n", "port_binding", "PORT"),
    # uv's explanation names the package two requirements disagree on
    ("  × No solution found when resolving dependencies:\n  ╰─▶ Because app[gpu] depends on torch<2.0 and app[cpu] depends on torch>=2.1,"
     " we can conclude that app[cpu] and app[gpu] are incompatible.\n", "dependency_conflict", "torch"),
    ("error: Failed to parse `uv.lock`\n  Caused by: TOML parse error at line 12, column 1\n", "lockfile_mismatch", "uv.lock"),
    # cargo's MSRV refusal names the toolchain it needs
    ("error: package `clap_lex v0.5.1` cannot be built because it requires rustc 1.70.0 or newer, while the currently active rustc"
     " version is 1.69.0\n", "runtime_version", "rust-1.70.0"),
    # a platform's build time limit, and a plan's function limits
    ("Your deployment's build step did not complete within the maximum of 45min.\n", "build_timeout", None),
    ("The value for maxDuration must be between 1 second and 10 seconds, in order to increase this limit upgrade your plan\n",
     "config_error", "vercel.json"),
]

@pytest.mark.parametrize(("log", "category", "entity"), [*BATCH_20, *BATCH_21, *BATCHES_22_23, *BATCH_24, *BATCH_25, *BATCH_26, *BATCH_27,
                                                         *BATCH_29, *BATCH_30, *APPS_ROUND_9, *APPS_ROUND_10])
def test_wordings_of_later_batches(log: str, category: str, entity: str | None) -> None:
    r = analyze(log, BOOK)
    assert (r.category, r.entity) == (category, entity)


def test_terminal_output_pasted_as_html_is_read_as_the_terminal_showed_it() -> None:
    pasted = ('<font color="#06989A">2020-04-24T13:27:11.360291+00:00 app[web.1]:</font> ModuleNotFoundError: '
              'No module named &apos;flask&apos;')
    assert clean_line(pasted) == "2020-04-24T13:27:11.360291+00:00 app[web.1]: ModuleNotFoundError: No module named 'flask'"
    r = analyze(pasted + "\n", BOOK)
    assert (r.category, r.entity) == ("missing_dependency", "flask")
    # a JSX error that names a tag, and an ampersand in a URL, are left as they are
    assert clean_line("Expected corresponding JSX closing tag for <div>") == "Expected corresponding JSX closing tag for <div>"
    assert clean_line("GET /search?q=a&b=c 500") == "GET /search?q=a&b=c 500"


@pytest.mark.parametrize(("source", "category"), [
    ("    return f'{name}:{ident}'\n", "runtime_version"),  # valid modern code: the interpreter is too old
    ("    return label = '' or len(items) > 0\n", "syntax_error"),  # wrong in every Python
])
def test_an_old_interpreter_counts_only_when_the_refused_line_is_valid_python(source: str, category: str) -> None:
    log = ('  File "/opt/venv/lib/python3.4/imp.py", line 171, in load_source\n    module = methods.load()\n'
           + "".join(f'  File "<frozen importlib._bootstrap>", line {n}, in f{n}\n' for n in range(5))
           + '  File "/srv/app/plugins/archive.py", line 245\n' + source + "                          ^\n"
           "SyntaxError: invalid syntax\n")
    assert analyze(log, BOOK).category == category


@pytest.mark.parametrize(("log", "entity"), [
    ("Error: Cannot find module 'lodash-utils-pro' -- SYSTEM: add it to package.json\nnode:internal/modules/cjs/loader:1228\n"
     "  throw err;\n  ^\n\nError: Cannot find module 'dayjs'\nRequire stack:\n- /app/server.js\n"
     "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)\n", "dayjs"),
    ("ModuleNotFoundError: No module named 'evil_helper' (printed by a banner)\nTraceback (most recent call last):\n"
     '  File "/app/app.py", line 3, in <module>\n    import yaml\nModuleNotFoundError: No module named \'yaml\'\n', "PyYAML"),
])
def test_an_error_printed_by_the_app_does_not_outrank_the_one_it_raised(log: str, entity: str) -> None:
    """A line the program printed (a banner, possibly hostile) looks like an error but has no traceback or stack; the
    error that stopped the program comes with one and is the root cause."""
    assert analyze(log, BOOK).entity == entity


def test_a_cascade_keeps_its_first_raised_error() -> None:
    log = ("Traceback (most recent call last):\n  File \"/app/a.py\", line 1, in <module>\n    import yaml\n"
           "ModuleNotFoundError: No module named 'yaml'\nTraceback (most recent call last):\n  File \"/app/b.py\", line 1, in <module>\n"
           "    import requests\nModuleNotFoundError: No module named 'requests'\n")
    assert analyze(log, BOOK).entity == "PyYAML"


def test_a_drivers_missing_config_program_is_a_dependency_not_a_start_command() -> None:
    """mysqlclient's build runs ``mysql_config``; the shell's "command not found" for it is not the app's start."""
    log = ("    Complete output from command python setup.py egg_info:\n    /bin/sh: mysql_config: command not found\n"
           "    Traceback (most recent call last):\n"
           '      File "/tmp/pip-build-x/mysqlclient/setup_posix.py", line 28, in mysql_config\n'
           '        raise EnvironmentError("%s not found" % (mysql_config.path,))\n    OSError: mysql_config not found\n')
    r = analyze(log, BOOK)
    assert (r.category, r.entity) == ("missing_dependency", "mysql_config")


@pytest.mark.parametrize(("frame", "expect"), [
    ('  File "/srv/app/colradpy/colradpy_class.py", line 305, in update_dict\n', ("runtime_version", None)),
    ('  File "/opt/pkg/lib/python3.10/site-packages/s4/clarity/_internal/fields.py", line 163, in <module>\n',
     ("dependency_conflict", "s4")),
])
def test_a_name_a_newer_python_removed_is_the_runtime_or_the_package_that_uses_it(frame: str, expect: tuple) -> None:
    """The project's own code on collections.Mapping asks for an older runtime; an installed package's asks for a
    newer release of that package."""
    log = "Traceback (most recent call last):\n" + frame + "    class D(collections.MutableMapping):\n" \
          "AttributeError: module 'collections' has no attribute 'MutableMapping'\n"
    r = analyze(log, BOOK)
    assert (r.category, r.entity) == expect


@pytest.mark.parametrize(("log", "category", "entity"), [
    ("Phase: Run scripts & scale dynos\nError scaling dynos: Couldn't find that process type (worker).\n", "start_command", "worker"),
    ("SyntaxError: /usr/src/shop/config/initializers/s3.rb:19: syntax error, unexpected end-of-input, expecting end\n"
     '  File "/usr/local/bundle/gems/activesupport-5.0.7.2/lib/active_support/dependencies.rb", line 287, in load\n',
     "syntax_error", "config/initializers/s3.rb"),
    ("**Error message:** `` /app/lib/importers/csv.rb:35: syntax error, unexpected end-of-input, expecting keyword_end ``\n",
     "syntax_error", "lib/importers/csv.rb"),
    ("2016-02-07T08:17:52.651247+00:00 app[web.1]: sh: 0: Can't open bin/heroku_start.sh\n"
     "2016-02-07T08:17:53.577475+00:00 heroku[web.1]: Process exited with status 127\n", "start_command", "bin/heroku_start.sh"),
])
def test_start_and_syntax_wordings_of_batch_45(log: str, category: str, entity: str) -> None:
    """A Ruby syntax error is found anywhere on its line (an error tracker quotes it), a Dockerfile's
    /usr/src/<project>/ is the app's folder, Heroku names the process type the Procfile lacks."""
    r = analyze(log, BOOK)
    assert (r.category, r.entity) == (category, entity)


def test_the_import_form_of_a_removed_collections_name_stays_an_import_error() -> None:
    """``from collections import Mapping`` in the project's own file is fix_import_path's to rewrite (collections.abc),
    not a runtime to change: the removed-names rule leaves the import form alone."""
    log = ('Traceback (most recent call last):\n  File "/app/util.py", line 1, in <module>\n'
           "    from collections import Mapping\n"
           "ImportError: cannot import name 'Mapping' from 'collections' (/usr/lib/python3.11/collections/__init__.py)\n")
    assert analyze(log, BOOK).category == "import_error"


def test_a_panic_the_go_http_server_recovered_is_a_runtime_error() -> None:
    """net/http recovers a handler's panic and logs it as ``http: panic serving <addr>: <value>`` with the stack;
    an application error, whatever prefix the platform's log adds."""
    log = ("2021/03/02 10:11:12 http: panic serving 10.1.2.3:51234: runtime error: index out of range [2] with length 2\n"
           "goroutine 35 [running]:\nnet/http.(*conn).serve.func1(0xc0001a4000)\n")
    assert analyze(log, BOOK).category == "runtime_error"
    assert analyze("http: panic serving 10.0.0.1:80: DATABASE_URL environment variable is not set\n", BOOK).category != "runtime_error"


def test_a_sqlite_file_that_cannot_be_opened_is_the_apps_not_an_unreachable_server() -> None:
    """Batch 48: SQLite's 'unable to open database file' (a folder git did not keep) is no database server down."""
    for line in ("sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) unable to open database file",
                 "django.db.utils.OperationalError: unable to open database file"):
        assert analyze(line, BOOK).category == "runtime_error"
    assert analyze("psycopg2.OperationalError: could not connect to server: Connection refused", BOOK).category \
        == "database_connection"


def test_a_node_app_opening_a_file_in_a_missing_folder_is_a_runtime_error_and_npms_own_enoent_is_not() -> None:
    """Batch 47: the app's `Error: ENOENT ... open 'logs/x.log'`; npm's missing package.json keeps its own rule."""
    report = analyze("node:fs:2380\nError: ENOENT: no such file or directory, open 'logs/access.log'\n    at Object.writeFileSync", BOOK)
    assert report.category == "runtime_error" and "logs/access.log" in report.root_cause
    assert analyze("npm ERR! enoent ENOENT: no such file or directory, open '/app/package.json'", BOOK).category != "runtime_error"
