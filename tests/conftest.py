"""Shared fixtures: real Redis (fail in CI when missing), real git repos with bare remotes,
an isolated artifacts root, and a guard that refuses any non-loopback connection."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SPECS = DATA / "specs"
"""The vendors' OpenAPI subsets, kept in the repository (provenance in tests/data/PROVENANCE.md)."""
_real_connect = socket.socket.connect

# Fuzzing: random exploration on a developer's machine; in CI the same (derandomized) examples every run, so
# main stays green for reasons of its own and a failure is reproducible. Each fuzz test sets its own example count.
from hypothesis import settings as _hyp_settings  # noqa: E402

_hyp_settings.register_profile("ci", derandomize=True, print_blob=True, database=None)
_hyp_settings.register_profile("dev", print_blob=True)
_hyp_settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


def _loopback_only(self: socket.socket, address: object) -> object:
    if isinstance(address, tuple) and self.family in (socket.AF_INET, socket.AF_INET6):
        host = str(address[0])
        try:
            ok = ipaddress.ip_address(host).is_loopback
        except ValueError:
            ok = host == "localhost"
        if not ok:
            raise ConnectionRefusedError(f"tests may only connect to loopback, not {host}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_outbound(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SWARM_ARTIFACTS", str(tmp_path / "artifacts"))


def redis_url() -> str:
    return os.environ.get("REDIS_URL_FOR_TESTS") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def postgres_url() -> str:
    return os.environ.get("POSTGRES_URL_FOR_TESTS") or "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def real_postgres_url() -> str:
    """PostgreSQL 15 at 127.0.0.1:5432 (trust auth, database ``test``): missing it fails the run in CI, skips elsewhere."""
    url = postgres_url()
    try:
        import psycopg

        with psycopg.Connection.connect(url, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - not installed or not reachable: the same answer
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: PostgreSQL at {url} is unreachable: {exc}")
        pytest.skip(f"no PostgreSQL at {url}: {exc}")
    return url


@pytest.fixture
def real_redis_url() -> str:
    import redis

    url = redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: Redis at {url} is unreachable: {exc}")
        pytest.skip(f"no Redis at {url}")
    return url


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def make_app(tmp_path: Path, files: dict[str, str], name: str = "app") -> tuple[Path, Path]:
    """A clone with one commit of ``files`` pushed to a bare origin; returns (repo, origin)."""
    origin = tmp_path / f"{name}-origin.git"
    repo = tmp_path / name
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    for rel, text in files.items():
        p = repo / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "initial")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "-u", "origin", "main")
    return repo, origin


def push_config(repo: Path, text: str, message: str = "platform config") -> None:
    """Write ``swarm.toml`` and push it (the push the session will watch)."""
    (repo / "swarm.toml").write_text(text)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", message)
    git(repo, "push", "-q", "origin", "main")


def sample_app(tmp_path: Path, name: str = "app") -> tuple[Path, Path]:
    files = {p.name: p.read_text() for p in (ROOT / "scripts" / "sample_app").iterdir() if p.is_file()}
    return make_app(tmp_path, files, name)


def swarm_commits(origin: Path, session: str) -> list[str]:
    out = git(origin, "log", "--format=%H %(trailers:key=Swarm-Session,valueonly,separator=)", "main")
    return [line.split()[0] for line in out.splitlines() if len(line.split()) > 1 and line.split()[1] == session]


@pytest.fixture(scope="session")
def have_redis_server() -> bool:
    return shutil.which("redis-server") is not None


@pytest.fixture
def site():  # type: ignore[no-untyped-def]
    """A stand-in for a deployed service: answers every path with 200 and a JSON body."""
    from tests.capture_server import CaptureServer

    server = CaptureServer()
    server.default = (200, {"content-type": "application/json"}, b'{"status": "ok"}')
    yield server
    server.close()
