"""Issue 10, chaos: swarm's own storage refuses (disk full, read-only). The session stops with a clear message and
no traceback, and nothing it wrote is half-written: every JSON file it left parses. A real tmpfs of a few KiB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_app

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "artifacts-disk"
    mnt.mkdir()
    out = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k,mode=0700", "tmpfs", str(mnt)], capture_output=True, text=True)
    if out.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot mount a tmpfs for the storage chaos test: {out.stderr}")
        pytest.skip(f"cannot mount a tmpfs here: {out.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def app(tmp_path: Path) -> Path:
    files = {p.name: p.read_text() for p in (ROOT / "scripts" / "sample_app").iterdir()}
    files["swarm.toml"] = ('[service]\nplatform = "command"\n[command]\ndeploy = "echo dep-1"\nstatus = "echo failed"\n'
                           'logs = "python3 -c \\"print(\'x\' * 200000)\\""\n')
    repo, _ = make_app(tmp_path, files)
    return repo


def run(repo: Path, artifacts: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SWARM_ARTIFACTS": str(artifacts)}
    return subprocess.run([sys.executable, "-m", "swarm", "deploy", "--session", "full", "--repo", str(repo), "--quiet"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def assert_nothing_half_written(folder: Path) -> None:
    for path in folder.rglob("*.json"):
        if path.is_file():
            json.loads(path.read_text())  # a torn write would not parse
    assert not list(folder.rglob(".tmp-*")), "a temporary file was left behind"


@pytest.mark.parametrize("free_kib", [4, 24, 48, 72])
def test_disk_full_is_a_clean_stop(tmp_path: Path, small_disk: Path, free_kib: int, reliability) -> None:  # type: ignore[no-untyped-def]
    """The disk fills at different points of the session (the first folder, the plan, the log, the checkpoint)."""
    repo = app(tmp_path)
    (small_disk / "ballast").write_bytes(b"\0" * (96 - free_kib) * 1024)
    result = run(repo, small_disk)
    reliability.record(f"artifacts disk full ({free_kib} KiB free)", result.returncode == 1 and "Traceback" not in result.stderr)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("swarm: error: cannot write") and "SWARM_ARTIFACTS" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert_nothing_half_written(small_disk)


def test_read_only_artifacts_are_a_clean_stop(tmp_path: Path, small_disk: Path, reliability) -> None:  # type: ignore[no-untyped-def]
    repo = app(tmp_path)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = run(repo, small_disk)
    reliability.record("artifacts folder read-only", result.returncode == 1 and "Traceback" not in result.stderr)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Read-only file system" in result.stderr and "Traceback" not in result.stderr + result.stdout
