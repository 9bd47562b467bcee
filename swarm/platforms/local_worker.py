"""One local deploy, run as a detached process: export, build, start, health-check, go live.

``python -m swarm.platforms.local_worker DEPLOY_DIR`` reads ``config.json`` there and keeps
``meta.json`` up to date; build and runtime output go to ``build.log`` and ``runtime.log``.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from io import BytesIO
from pathlib import Path
from typing import Any

from memory.atomic import write_atomic
from swarm.appenv import app_environment
from swarm.procs import alive, kill_group, track, untrack

INJECTED = {
    "node": ["npm error code ECONNRESET",
             "npm error network request to https://registry.npmjs.org/ failed, reason: socket hang up",
             "npm error network This is a problem related to network connectivity."],
    "python": ["WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection "
               "broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object>: Failed to establish "
               "a new connection: [Errno 104] Connection reset by peer')': /simple/",
               "ERROR: Could not install packages due to an OSError: HTTPSConnectionPool(host='pypi.org', port=443): "
               "Max retries exceeded (Caused by ReadTimeoutError(\"Read timed out.\"))"],
}


class BuildFailed(Exception):
    pass


class Worker:
    def __init__(self, ddir: Path, cfg: dict[str, Any] | None = None, src: Path | None = None) -> None:
        self.ddir = ddir
        self.cfg: dict[str, Any] = cfg if cfg is not None else json.loads((ddir / "config.json").read_text())
        self.src = src or ddir / "src"
        self.build_log = open(ddir / "build.log", "ab", buffering=0)
        self.deadline: float | None = None

    # -- meta -------------------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        return json.loads((self.ddir / "meta.json").read_text())

    def update(self, **fields: Any) -> None:
        state_dir = Path(self.cfg["state_dir"])
        with open(state_dir / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            meta = {**self.meta(), **fields}
            write_atomic(self.ddir / "meta.json", json.dumps(meta, indent=2), mode=0o644)
            fcntl.flock(lock, fcntl.LOCK_UN)

    def say(self, line: str) -> None:
        self.build_log.write(f"==> {line}\n".encode())

    # -- steps ------------------------------------------------------------------------------
    def export(self) -> None:
        self.say(f"exporting commit {self.cfg['sha'][:12]}")
        out = subprocess.run(["git", "-C", self.cfg["repo"], "archive", "--format=tar", self.cfg["sha"]],
                             capture_output=True, timeout=120)
        if out.returncode != 0:
            raise BuildFailed(f"cannot export commit {self.cfg['sha']}: {out.stderr.decode(errors='replace').strip()}")
        self.src.mkdir()
        skipped: list[str] = []

        def keep(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
            try:
                return tarfile.data_filter(member, dest)
            except tarfile.FilterError as exc:  # a link out of the source tree: a platform's clone would not follow it
                skipped.append(f"{member.name} ({exc})")
                return None

        with tarfile.open(fileobj=BytesIO(out.stdout)) as tar:
            tar.extractall(self.src, filter=keep)
        for name in skipped:
            self.say(f"not extracted: {name}; symbolic links out of the repository are not followed")

    def ecosystem(self) -> str:
        if (self.src / "package.json").is_file():
            return "node"
        return "python"

    def run(self, command: str | list[str], env: dict[str, str]) -> None:
        text = command if isinstance(command, str) else shlex.join(command)
        self.say(f"$ {text}")
        timeout = None if self.deadline is None else max(0.1, self.deadline - time.monotonic())
        proc = subprocess.Popen(command, cwd=self.src, env=env, shell=isinstance(command, str), stdin=subprocess.DEVNULL,
                                stdout=self.build_log, stderr=subprocess.STDOUT, start_new_session=True)
        track(proc.pid, text)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc.pid)
            limit = self.cfg["build_timeout_s"]
            self.say(f"Build timed out: killed after {limit}s (build time limit exceeded)")
            raise BuildFailed(f"build exceeded the time limit of {limit}s and was killed") from None
        except BaseException:
            kill_group(proc.pid)
            raise
        finally:
            untrack(proc.pid)
        if code != 0:
            raise BuildFailed(f"`{text}` exited with code {code}")

    def python_for_runtime(self) -> str:
        for name in ("runtime.txt", ".python-version"):
            path = self.src / name
            if path.is_file():
                text = path.read_text(errors="replace").strip()
                wanted = text.splitlines()[0].strip() if text else ""
                m = re.match(r"^(?:python-)?(\d+)\.(\d+)(?:\.\d+)?$", wanted)
                if not m:
                    raise BuildFailed(f"{name} asks for {wanted!r}, which is not a Python version (use python-X.Y.Z)")
                exe = f"python{m.group(1)}.{m.group(2)}"
                found = shutil.which(exe)
                if found is None or subprocess.run([found, "--version"], capture_output=True).returncode != 0:
                    self.say(f"Requested runtime ({wanted}) is not available on this platform")
                    self.build_log.write(f"/bin/sh: 1: {exe}: not found\n".encode())
                    raise BuildFailed(f"{name} asks for {wanted}: {exe} is not installed")
                return found
        return sys.executable

    def build(self, env: dict[str, str]) -> None:
        eco = self.ecosystem()
        if self.cfg.get("inject_network_error"):
            self.say("installing dependencies")
            for line in INJECTED[eco]:
                self.build_log.write((line + "\n").encode())
            raise BuildFailed("registry network error (injected fault: build_network_errors)")
        if self.cfg.get("build_command"):
            self.run(self.cfg["build_command"], env)
            return
        if eco == "node":
            pkg = json.loads((self.src / "package.json").read_text())
            locked = (self.src / "package-lock.json").is_file() or (self.src / "npm-shrinkwrap.json").is_file()
            key = node_key(self.src) if not self.cfg.get("build_timeout_s") else None
            if key is not None and not locked:
                key = f"unlocked-{key}"
            # without a lockfile npm resolves the newest matching releases: a tree resolved from the same package.json
            # is reused only while it is fresh (what npm would resolve again unless a release appeared meanwhile)
            if key is None or not self.reuse_node_modules(key, max_age_s=None if locked else UNLOCKED_FRESH_S):
                self.run(["npm", "ci", "--no-audit", "--no-fund"] if locked else ["npm", "install", "--no-audit", "--no-fund"], env)
                if key is not None:
                    self.keep_node_modules(key)
            if "build" in pkg.get("scripts", {}):
                self.run(["npm", "run", "build"], env)
            return
        python = self.python_for_runtime()
        # one whose environment depends on more than the interpreter and the requirement files (an editable or local
        # install, a VCS pin) really installs; so does a build under a time limit (the build_timeout fault) unless the
        # shared environment's own install is on record as fitting in that limit
        key = env_key(self.src, python)
        if key is not None and not self.fits_limit(key):
            key = None
        if key is None:
            self.python_env(python, self.src / ".venv", env)
            return
        self.shared_env(python, key, env)

    def python_env(self, python: str, target: Path, env: dict[str, str]) -> bool:
        """A virtual environment at ``target`` with the requirements installed. Without a pip of its own when this
        process has one: seeding pip into every new environment (``ensurepip``) took 3-5 s of a 7 s build here, and
        ``pip --python`` installs into the environment from outside it the same way (the same resolver, the same
        log, packages byte-compiled as before). The app runs on the environment's interpreter either way.

        A build under a time limit (the build_timeout fault) keeps the reference procedure, pip seeded into the
        environment: the limit models a platform whose build takes that long, and scenarios set it against that
        build (a faster one would no longer overrun it, and the fault would not happen). True when the fast
        procedure was used."""
        seeded = bool(self.cfg.get("build_timeout_s")) or importlib.util.find_spec("pip") is None
        self.run([python, "-m", "venv", *(() if seeded else ("--without-pip",)), str(target)], env)
        if not (self.src / "requirements.txt").is_file():
            return not seeded
        pip = [str(target / "bin" / "python"), "-m", "pip"] if seeded else [sys.executable, "-m", "pip", "--python", str(target / "bin" / "python")]
        self.run([*pip, "install", "--disable-pip-version-check", "-r", "requirements.txt"], env)
        return not seeded

    def _env_root(self) -> Path:
        return Path(self.cfg["env_cache"]) if self.cfg.get("env_cache") else env_cache()

    def fits_limit(self, key: str) -> bool:
        """Whether a build may use the shared environment ``key`` under this build's time limit: always without a
        limit; with one, when the environment is not built yet (it is then built under the limit) or its install is on
        record as taking no longer than the limit when built the reference way (one built pip-less, without a limit, or by
        an older swarm is not: reusing it would hide a build that overruns)."""
        limit = self.cfg.get("build_timeout_s")
        done = self._env_root() / key / ".swarm-complete"
        if not limit or not done.is_file():
            return True
        try:
            record = done.read_text().split()
            took = float(record[1])
        except (OSError, IndexError, ValueError):
            return False
        return took <= float(limit) and "fast" not in record[2:]

    def shared_env(self, python: str, key: str, env: dict[str, str]) -> None:
        """One environment per interpreter and dependency set, shared by the platform's builds and the validator's:
        a build whose dependencies did not change reuses it instead of installing again. Built in place under a
        per-key lock (a venv's scripts name their own path, so it cannot be built elsewhere and moved) and marked
        complete only when the install succeeded; a failed or killed build leaves nothing that is reused."""
        root = self._env_root()
        target = root / key
        root.mkdir(parents=True, exist_ok=True)
        with open(root / f"{key}.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if (target / ".swarm-complete").is_file():
                    self.say(f"reusing the environment already built for these dependencies (env {key[:12]})")
                    os.utime(target / ".swarm-complete")
                else:
                    shutil.rmtree(target, ignore_errors=True)
                    began = time.monotonic()
                    fast = self.python_env(python, target, env)
                    # "ok <seconds the install took>": a later build under a time limit reuses it only if that fits,
                    # and only when it was built the reference way ("fast" marks a pip-less build)
                    (target / ".swarm-complete").write_text(f"ok {time.monotonic() - began:.1f}{' fast' if fast else ''}\n")
                    prune_envs(root, keep=target)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        venv = self.src / ".venv"
        if venv.is_symlink() or venv.is_file():
            venv.unlink()
        elif venv.is_dir():
            shutil.rmtree(venv)
        venv.symlink_to(target, target_is_directory=True)

    def _node_cache(self, key: str) -> Path:
        return self._env_root() / f"node-{key}"

    def reuse_node_modules(self, key: str, max_age_s: float | None = None) -> bool:
        """``npm ci`` of a lockfile already installed here (by the platform or the validator): the installed tree is
        linked in (hard links; npm ci would delete and rebuild the same files). False when there is none, or when it
        is older than ``max_age_s`` (a tree ``npm install`` resolved without a lockfile)."""
        cached = self._node_cache(key)
        mark = cached / ".swarm-complete"
        if not mark.is_file():
            return False
        if max_age_s is not None and time.time() - mark.stat().st_mtime > max_age_s:
            shutil.rmtree(cached, ignore_errors=True)  # stale: this build's fresh install takes its place
            return False
        target = self.src / "node_modules"
        shutil.rmtree(target, ignore_errors=True)
        done = subprocess.run(["cp", "-al", str(cached / "node_modules"), str(target)], capture_output=True)
        if done.returncode != 0:
            shutil.rmtree(target, ignore_errors=True)
            return False
        if max_age_s is None:
            self.say(f"reusing the node_modules already installed for this lockfile (env node-{key[:12]})")
            os.utime(mark)  # a lockfile pins the tree: kept while in use
        else:  # freshness counts from the install, not from the last reuse
            self.say(f"reusing the node_modules npm resolved from this package.json {time.time() - mark.stat().st_mtime:.0f}s "
                     f"ago (no lockfile; env node-{key[:21]})")
        return True

    def keep_node_modules(self, key: str) -> None:
        """Keep this build's installed tree for the next build of the same lockfile (best effort)."""
        cached = self._node_cache(key)
        tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            if not (self.src / "node_modules").is_dir():
                (tmp / "node_modules").mkdir()  # nothing to install: npm made no folder
            elif subprocess.run(["cp", "-al", str(self.src / "node_modules"), str(tmp / "node_modules")],
                                capture_output=True).returncode != 0:
                return
            (tmp / ".swarm-complete").write_text("ok\n")
            if not (cached / ".swarm-complete").is_file():
                shutil.rmtree(cached, ignore_errors=True)
                tmp.rename(cached)
                prune_envs(cached.parent, keep=cached)
        except OSError:
            pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def start_command(self) -> str:
        if self.cfg.get("start_command"):
            return self.cfg["start_command"]
        procfile = self.src / "Procfile"
        if procfile.is_file():
            for line in procfile.read_text(errors="replace").splitlines():
                m = re.match(r"^\s*web\s*:\s*(.+)$", line)
                if m:
                    return m.group(1).strip()
        if self.ecosystem() == "node" and ("start" in json.loads((self.src / "package.json").read_text()).get("scripts", {})
                                           or (self.src / "server.js").is_file()):
            # npm's docs (package.json, "scripts"): "If there is a server.js file in the root of your package, then
            # npm will default the start command to node server.js"; Heroku and Render run `npm start` without a Procfile
            return "npm start"
        raise BuildFailed("no web process: add a Procfile with a `web: <command>` line (or [deploy] start in swarm.toml)")

    def serve(self, env: dict[str, str]) -> None:
        command = self.start_command()
        port = free_port()
        env = {**env, "PORT": str(port)}
        self.update(status="deploying", port=port)
        runtime = open(self.ddir / "runtime.log", "ab", buffering=0)
        runtime.write(f"==> starting web process: {command} (PORT={port})\n".encode())
        proc = subprocess.Popen(command, shell=True, cwd=self.src, env=env, stdin=subprocess.DEVNULL,
                                stdout=runtime, stderr=subprocess.STDOUT, start_new_session=True)
        self.update(pid=proc.pid)
        path, limit = self.cfg["health_path"], float(self.cfg["health_timeout_s"])
        result, detail = wait_healthy(proc, port, path, limit)
        if result == "ok":
            self.go_live(proc.pid)
            return
        if result == "exited":
            runtime.write(f"==> web process exited with code {proc.returncode} before passing the health check\n".encode())
            self.update(status="failed", message=f"the web process exited with code {proc.returncode} during start-up")
            return
        kill_group(proc.pid)
        runtime.write(health_never_passed(path, port, limit, result, detail).encode())
        self.update(status="failed", message=(f"health check failed: {detail}" if result in ("wrong_port", "server_error", "refused")
                                              else f"health check timed out after {limit:.0f}s ({detail})"))

    def go_live(self, pid: int) -> None:
        state_dir = Path(self.cfg["state_dir"])
        self.update(status="live", message="live and healthy", live_since=time.time())
        for other in sorted((state_dir / "deploys").iterdir()):
            if other == self.ddir or not (other / "meta.json").is_file():
                continue
            meta = json.loads((other / "meta.json").read_text())
            if meta.get("status") == "live":
                if meta.get("pid") and alive(meta["pid"]):
                    kill_group(meta["pid"])
                meta.update(status="superseded", message=f"replaced by {self.ddir.name}")
                write_atomic(other / "meta.json", json.dumps(meta, indent=2), mode=0o644)

    def environment(self) -> dict[str, str]:
        # an allow-list plus the app's own variables: never swarm's credentials (see swarm.appenv)
        env = app_environment(self.cfg.get("env") or {})
        env["PATH"] = os.pathsep.join([str(self.src / ".venv" / "bin"), str(self.src / "node_modules" / ".bin"), env.get("PATH", "")])
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        return env

    def main(self) -> int:
        env = self.environment()
        started = time.monotonic()
        try:
            self.update(status="building")
            if self.cfg.get("build_timeout_s"):
                self.deadline = time.monotonic() + float(self.cfg["build_timeout_s"])
            self.export()
            self.build(env)
            self.deadline = None
            self.update(build_seconds=round(time.monotonic() - started, 2))
            self.say(f"build succeeded in {time.monotonic() - started:.1f}s")
        except BuildFailed as exc:
            self.say(f"build failed: {exc}")
            self.update(status="build_failed", message=str(exc), build_seconds=round(time.monotonic() - started, 2))
            return 1
        try:
            self.serve(env)
        except BuildFailed as exc:
            self.say(str(exc))
            self.update(status="failed", message=str(exc))
            return 1
        return 0


UNSHAREABLE = re.compile(r"^\s*(?:-e\b|--editable\b|-f\b|--find-links\b|-i\b|--index-url\b|--extra-index-url\b|\.|/|~)|"
                         r"(?:git|hg|svn|bzr)\+|file:|@\s*(?:https?|file):", re.IGNORECASE)
MAX_ENVS = 16


def env_cache() -> Path:
    base = os.environ.get("SWARM_ENV_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "swarm" / "envs"
    return Path(base)


def env_key(src: Path, python: str) -> str | None:
    """What a Python environment built from ``src`` depends on: the interpreter and the requirement files' bytes
    (with the files they include through ``-r``/``-c``). None when it also depends on something else: an editable or
    local install, a VCS or file URL, another index."""
    digest = hashlib.sha256()
    real = os.path.realpath(python)
    try:
        digest.update(f"{real} {os.stat(real).st_mtime_ns}\n".encode())
    except OSError:
        return None
    todo, seen = ["requirements.txt"], set()
    while todo:
        name = todo.pop()
        path = (src / name).resolve()
        if path in seen:
            continue
        seen.add(path)
        if not path.is_relative_to(src.resolve()):
            return None
        if not path.is_file():
            if name == "requirements.txt":
                continue
            return None
        text = path.read_text(errors="replace")
        digest.update(f"{name}\n".encode() + text.encode())
        for line in text.splitlines():
            line = line.split(" #", 1)[0].strip()
            m = re.match(r"^(?:-r|--requirement|-c|--constraint)\s*=?\s*(\S+)$", line)
            if m:
                todo.append(str(Path(name).parent / m.group(1)))
            elif line and not line.startswith("#") and UNSHAREABLE.search(line):
                return None
    return digest.hexdigest()[:40]


UNLOCKED_FRESH_S = 900.0
"""How long a tree ``npm install`` resolved without a lockfile stands for the same package.json."""


def node_key(src: Path) -> str | None:
    """What ``npm ci`` installs from ``src`` depends on: node's version, package.json, the lockfile and any .npmrc.
    None when node is missing or a dependency points into the tree (``file:``/``link:``) or at a VCS."""
    node = shutil.which("node")
    if node is None:
        return None
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
        digest = hashlib.sha256(f"{os.path.realpath(node)} {version}\n".encode())
        for name in ("package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"):
            path = src / name
            if path.is_file():
                data = path.read_bytes()
                if name == "package.json" and re.search(rb'"(?:file|link|git\+[a-z]+|git|github):', data):
                    return None
                digest.update(name.encode() + b"\n" + data)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return digest.hexdigest()[:40]


def prune_envs(root: Path, keep: Path) -> None:
    """Keep the most recently used environments only."""
    done = sorted((d for d in root.iterdir() if (d / ".swarm-complete").is_file() and d != keep),
                  key=lambda d: (d / ".swarm-complete").stat().st_mtime, reverse=True)
    for old in done[MAX_ENVS - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def health_never_passed(path: str, port: int, limit: float, result: str, detail: str) -> str:
    """The log line for a web process that never answered health (what the analyzer's port_binding rule reads)."""
    if result == "wrong_port":
        return (f"==> health check never passed: GET {path} on $PORT={port}: {detail}; "
                f"is it listening on $PORT?\n")
    if result == "server_error":
        return (f"==> health check failed: the app listens on $PORT={port} but {detail}: its handler fails "
                "(the traceback above says where)\n")
    if result == "not_json":
        return (f"==> health check failed: the app listens on $PORT={port} but {detail}: the health path must answer "
                "200 with a JSON body ([deploy] health_path)\n")
    if result == "refused":
        return (f"==> health check failed: the app listens on $PORT={port} but {detail}: it refuses the request "
                "(an allowed-hosts list, authentication in front of the path, or no route for it)\n")
    return (f"==> health check never passed: GET {path} on $PORT={port} did not answer 200 within {limit:.0f}s "
            f"(last: {detail}); the process was running: is it listening on $PORT?\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def probe(url: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            body = resp.read(65536)
            try:
                json.loads(body or b"null")
            except ValueError:
                return False, NOT_JSON if resp.status == 200 else f"HTTP {resp.status} but the body is not JSON"
            return resp.status == 200, f"HTTP {resp.status}"
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return False, str(getattr(exc, "reason", exc))


NOT_JSON = "HTTP 200 with a body that is not JSON"
"""The app is up on $PORT and its health path answers, but not with the JSON the health contract asks for: no later
answer will differ."""
REFUSALS = frozenset({"HTTP 400", "HTTP 401", "HTTP 403", "HTTP 404", "HTTP 405"})
"""Answers that say the app is up on $PORT and refuses the health request (a host allowlist such as Django's
ALLOWED_HOSTS, authentication in front of the path, no route for it): no later answer will differ."""


def wait_healthy(proc: subprocess.Popen[bytes], port: int, path: str, limit: float,
                 settle_s: float = 1.0, busy_settle_s: float = 5.0, failing_s: float = 5.0) -> tuple[str, str]:
    """Wait until ``GET path`` on ``port`` answers 200 with JSON. Returns (result, detail): ``ok``; ``exited`` (the
    process ended first, said at its exit); ``wrong_port`` (its process tree listens, but not on ``port``: said as soon
    as that is plain, not at the end of the window); ``server_error`` (it answers HTTP 500 and has for ``failing_s``:
    the handler fails, its traceback is in the log; 502/503/504 mean "not ready yet" and are waited out); ``refused``
    (it answers one of :data:`REFUSALS` and has for ``failing_s``); ``not_json`` (it answers 200, but not with JSON, and
    has for ``failing_s``); ``timeout``.

    Plain means: the same ports for ``settle_s`` with the whole tree asleep for the last half of it (a server waiting
    for connections on the wrong port), or for ``busy_settle_s`` whatever it does. An app that opens another port
    first (a metrics endpoint) and binds ``$PORT`` after a busy start-up is not judged while it still runs."""
    from swarm.listeners import busy, describe, listening

    start = time.monotonic()
    last, seen, since = "no answer", None, start
    woke = start  # when a thread of the tree was last seen running
    failing: float | None = None
    pause = 0.005  # a server is up in tenths of a second: look often at first, then back off (at most 0.1 s, 0.25 s after 5 s)
    while time.monotonic() - start < limit:
        code = proc.poll()
        if code is not None:
            return "exited", f"the web process exited with code {code} before answering"
        ok, last = probe(f"http://127.0.0.1:{port}{path}")
        if ok:
            return "ok", last
        if last == "HTTP 500" or last in REFUSALS or last == NOT_JSON:
            failing = time.monotonic() if failing is None else failing
            if time.monotonic() - failing >= failing_s:
                result = "server_error" if last == "HTTP 500" else "not_json" if last == NOT_JSON else "refused"
                return result, f"GET {path} answered {last} for {time.monotonic() - failing:.1f}s"
        else:
            failing = None
        ports = listening(proc.pid)
        if ports and not any(p == port for _, p in ports):
            now = time.monotonic()
            if ports != seen:
                seen, since, woke = ports, now, now
            elif busy(proc.pid):
                woke = now
            stable = now - since
            if (stable >= settle_s and now - woke >= settle_s / 2) or stable >= busy_settle_s:
                return "wrong_port", (f"the process listens on {describe(ports)}, not on $PORT={port} "
                                      f"(after {now - start:.1f}s)")
        else:
            seen = None
        time.sleep(pause if time.monotonic() - start < 5 else 0.25)
        pause = min(0.1, pause * 1.5)
    return "timeout", last


def main(argv: list[str]) -> int:
    ddir = Path(argv[0])
    worker = Worker(ddir)
    try:
        return worker.main()
    except Exception as exc:  # the worker must always leave a terminal status
        worker.update(status="failed", message=f"local platform error: {type(exc).__name__}: {exc}")
        raise


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
