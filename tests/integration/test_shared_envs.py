"""Builds on the local platform and in the validator's sandbox share one Python environment per interpreter and
dependency set: a build whose requirements did not change reuses it (real venvs, real pip)."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from swarm.platforms.local_worker import UNLOCKED_FRESH_S, Worker, env_key, node_key


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWARM_ENV_CACHE", str(tmp_path / "envs"))


def build(tmp_path: Path, name: str, requirements: str, **cfg: object) -> str:
    src = tmp_path / name / "src"
    src.mkdir(parents=True)
    (src / "requirements.txt").write_text(requirements)
    worker = Worker(tmp_path / name, {"env": {}, **cfg}, src=src)
    worker.build(worker.environment())
    assert (src / ".venv" / "bin" / "python").exists()
    return (tmp_path / name / "build.log").read_text()


def test_the_same_requirements_reuse_one_environment(tmp_path: Path) -> None:
    first = build(tmp_path, "a", "# nothing to install\n")
    second = build(tmp_path, "b", "# nothing to install\n")
    assert "reusing" not in first and "-m venv" in first
    assert "reusing the environment" in second and "-m venv" not in second
    assert (tmp_path / "a" / "src" / ".venv").resolve() == (tmp_path / "b" / "src" / ".venv").resolve()
    third = build(tmp_path, "c", "# another set\n")
    assert "reusing" not in third


def test_what_a_shared_environment_cannot_stand_for_is_built_apart(tmp_path: Path) -> None:
    src = tmp_path / "x"
    src.mkdir()
    py = sys.executable
    for text in ("-e .\n", "./libs/thing\n", "git+https://example.invalid/x.git\n", "pkg @ file:///tmp/pkg\n",
                 "--index-url https://mirror.invalid/simple\npkg\n"):
        (src / "requirements.txt").write_text(text)
        assert env_key(src, py) is None, text
    (src / "requirements.txt").write_text("-r base.txt\n")
    (src / "base.txt").write_text("six==1.16.0\n")
    before = env_key(src, py)
    (src / "base.txt").write_text("six==1.17.0\n")
    assert before is not None and env_key(src, py) not in (None, before)  # an included file is part of the key
    (src / "requirements.txt").write_text("-r ../outside.txt\n")
    assert env_key(src, py) is None


def test_a_build_under_a_time_limit_reuses_only_an_install_on_record_as_fitting_it(tmp_path: Path) -> None:
    build(tmp_path, "a", "# nothing\n")
    [done] = list((tmp_path / "envs").glob("*/.swarm-complete"))
    assert done.read_text().split()[2:] == ["fast"]  # built pip-less: not the build a time limit was set against
    log = build(tmp_path, "b", "# nothing\n", build_timeout_s=300)
    assert "reusing" not in log and "--without-pip" not in log  # under a limit: the reference build, pip seeded
    took = float(done.read_text().split()[1])  # the install's own seconds are on record
    done.write_text(f"ok {took}\n")  # as a reference build records it: fits the limit, so it is reused
    assert "reusing" in build(tmp_path, "b2", "# nothing\n", build_timeout_s=300)
    done.write_text(f"ok {took + 400}\n")  # an install slower than the limit: a build under it must really install
    log = build(tmp_path, "c", "# nothing\n", build_timeout_s=300)
    assert "reusing" not in log and "-m venv" in log
    done.write_text("ok\n")  # no time on record (an older swarm): not trusted under a limit either
    assert "reusing" not in build(tmp_path, "d", "# nothing\n", build_timeout_s=300)


def test_the_platforms_builds_and_the_sandbox_share_the_cache_swarm_was_told_to_use(tmp_path: Path) -> None:
    """SWARM_ENV_CACHE is swarm's setting, not the app's: the platform's worker runs with the app's allow-listed
    environment, so the cache reaches it through the deploy's config, and a candidate with the same requirements
    reuses the environment the platform built."""
    import subprocess
    import time

    from swarm.platforms.local import LocalPlatform
    from swarm.sandbox import LocalSandbox

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "requirements.txt").write_text("# stdlib only\n")
    (repo / "app.py").write_text(
        "import http.server, os\nclass H(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n        self.send_response(200); self.end_headers(); self.wfile.write(b'{\"status\": \"ok\"}')\n"
        "http.server.HTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()\n")
    (repo / "Procfile").write_text("web: .venv/bin/python app.py\n")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "app"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()
    platform = LocalPlatform(repo=repo, state_dir=tmp_path / "platform", health_timeout_s=20)
    dep = platform.deploy(sha, key="t")
    deadline = time.monotonic() + 120
    while dep.status not in ("live", "failed", "build_failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        dep = platform.status(dep.id)
    try:
        assert dep.status == "live", platform.logs(dep.id)
        assert any((tmp_path / "envs").glob("*/.swarm-complete"))  # built into the cache swarm was told to use
        checks = LocalSandbox(health_timeout_s=20).smoke(repo, timeout=60)
        assert [c.ok for c in checks] == [True, True], checks
        assert "reusing the environment" in checks[0].output
    finally:
        platform.close()


def node_build(tmp_path: Path, name: str, lock_extra: str = "") -> str:
    """A real `npm ci` of a lockfile with no dependencies (nothing to download), then the same again."""
    import json
    import shutil

    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    src = tmp_path / name / "src"
    src.mkdir(parents=True)
    pkg = {"name": "app" + lock_extra, "version": "1.0.0", "private": True}
    (src / "package.json").write_text(json.dumps(pkg))
    (src / "package-lock.json").write_text(json.dumps({"name": pkg["name"], "version": "1.0.0", "lockfileVersion": 3,
                                                       "requires": True, "packages": {"": {"name": pkg["name"], "version": "1.0.0"}}}))
    worker = Worker(tmp_path / name, {"env": {}}, src=src)
    worker.build({**worker.environment(), "npm_config_cache": str(tmp_path / "npm-cache")})
    return (tmp_path / name / "build.log").read_text()


def test_the_same_lockfile_reuses_the_installed_node_modules(tmp_path: Path) -> None:
    first = node_build(tmp_path, "a")
    assert "npm ci" in first and "reusing" not in first
    second = node_build(tmp_path, "b")
    assert "reusing the node_modules already installed" in second and "npm ci" not in second
    assert (tmp_path / "b" / "src" / "node_modules").is_dir()
    other = node_build(tmp_path, "c", lock_extra="-other")  # another lockfile: installed for itself
    assert "npm ci" in other and "reusing" not in other


@pytest.mark.skipif(shutil.which("npm") is None, reason="needs npm")
def test_a_package_json_without_a_lockfile_reuses_a_fresh_install_only(tmp_path: Path) -> None:
    """npm install resolves the newest releases when there is no lockfile: the tree it resolved is reused for the same
    package.json while it is fresh (UNLOCKED_FRESH_S), then installed again."""
    def node_build(name: str) -> str:
        src = tmp_path / name / "src"
        src.mkdir(parents=True)
        (src / "package.json").write_text('{"name": "x", "version": "1.0.0", "private": true}\n')
        worker = Worker(tmp_path / name, {"env": {}}, src=src)
        worker.build(worker.environment())
        return (tmp_path / name / "build.log").read_text()

    first, second = node_build("a"), node_build("b")
    assert "npm install" in first and "reusing" not in first
    assert "no lockfile" in second and "$ npm install" not in second
    key = node_key(tmp_path / "b" / "src")
    mark = tmp_path / "envs" / f"node-unlocked-{key}" / ".swarm-complete"
    old = time.time() - UNLOCKED_FRESH_S - 60
    os.utime(mark, (old, old))
    third = node_build("c")
    assert "npm install" in third and "reusing" not in third
