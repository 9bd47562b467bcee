"""Running subprocesses with a timeout that kills the whole process group."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

MAX_OUTPUT = 256 * 1024


def run_command(command: str | list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None,
                shell: bool | None = None, stdin_text: str | None = None) -> tuple[int | None, str, float, bool]:
    """Run to completion; returns (returncode, combined output tail, seconds, timed_out)."""
    start = time.monotonic()
    proc = subprocess.Popen(
        command, cwd=str(cwd), env=env, shell=isinstance(command, str) if shell is None else shell,
        stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=True, errors="replace",
    )
    timed_out = False
    try:
        out, _ = proc.communicate(stdin_text, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(proc.pid)
        out, _ = proc.communicate()
    return (None if timed_out else proc.returncode), (out or "")[-MAX_OUTPUT:], time.monotonic() - start, timed_out


def kill_group(pid: int, grace: float = 3.0) -> None:
    """SIGTERM the process group of ``pid``, then SIGKILL what is left after ``grace`` seconds."""
    try:
        pgid = os.getpgid(pid)
    except ProcessLookupError:
        return
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.05)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours is not alive
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
    except ChildProcessError:
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
