"""Running subprocesses with a timeout that kills the whole process group."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from memory.atomic import write_atomic

MAX_OUTPUT = 256 * 1024


def run_command(command: str | list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None,
                shell: bool | None = None, stdin_text: str | None = None,
                exact: bool = False) -> tuple[int | None, str, float, bool]:
    """Run to completion; returns (returncode, combined output tail, seconds, timed_out).

    Output is text with universal newlines, its last MAX_OUTPUT characters. ``exact`` keeps it as the program wrote
    it, carriage returns included and nothing cut (and sends ``stdin_text`` unchanged): for git's diffs and patches,
    where a CR of a file with Windows line endings, or the head of a large lockfile's diff, is part of the change.
    """
    start = time.monotonic()
    proc = subprocess.Popen(
        command, cwd=str(cwd), env=env, shell=isinstance(command, str) if shell is None else shell,
        stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=not exact,
        errors=None if exact else "replace",
    )
    timed_out = False
    track(proc.pid, command if isinstance(command, str) else " ".join(command))
    try:
        out, _ = proc.communicate(stdin_text.encode("utf-8") if exact and stdin_text is not None else stdin_text,
                                  timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(proc.pid)
        out, _ = proc.communicate()
    except BaseException:  # interrupted (Ctrl-C, swarm stop): the child goes with us
        kill_group(proc.pid)
        untrack(proc.pid)
        raise
    untrack(proc.pid)
    text = (out or b"").decode("utf-8", "replace") if exact else (out or "")[-MAX_OUTPUT:]
    return (None if timed_out else proc.returncode), text, time.monotonic() - start, timed_out


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
    deadline, pause = time.monotonic() + grace, 0.002  # most processes are gone within milliseconds of SIGTERM
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        if not group_alive(pgid):
            return
        time.sleep(pause)
        pause = min(0.05, pause * 2)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs. A member that has exited but was orphaned stays a zombie until
    init reaps it (some container inits take seconds): it no longer runs, so it does not count."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        entries = os.scandir("/proc")
    except OSError:
        return True  # no /proc to tell a zombie from a live process: the group counts as running
    with entries:
        for entry in entries:
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            fields = stat[stat.rfind(b")") + 2:].split()  # after "pid (comm) ": state ppid pgrp ...
            if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in (b"Z", b"X"):
                return True
    return False


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


# -- who is who: a pid is only trusted together with its start time ---------------------------
def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat field 22), or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def pid_record(pid: int, **extra: object) -> dict[str, object]:
    return {"pid": pid, "start": start_time(pid), **extra}


def write_pid_record(path: Path, pid: int, **extra: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(pid_record(pid, **extra)))


def live_pid(path: Path) -> int | None:
    """The pid recorded in ``path`` if that very process still runs (same pid *and* start time), else None.
    A pid reused by an unrelated process after a crash is never taken for the session."""
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    try:
        rec = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(rec, dict) or not isinstance(rec.get("pid"), int) or rec.get("start") is None:
        return None  # an old bare-pid file carries no identity: never signalled
    pid = rec["pid"]
    return pid if alive(pid) and start_time(pid) == rec["start"] else None


class ProcessRegistry:
    """Children a session starts in their own process group (builds, checks, sandboxed apps) and the scratch
    folders it makes, recorded on disk so that a session killed with -9 leaves nothing behind: the next start
    or ``--resume`` on the same service calls :meth:`reap`."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _file(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def track(self, pid: int, what: str) -> None:
        write_pid_record(self._file(f"pid-{pid}"), pid, what=what[:300])

    def untrack(self, pid: int) -> None:
        self._file(f"pid-{pid}").unlink(missing_ok=True)

    def track_dir(self, path: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self._file(_dir_key(path)), json.dumps({"dir": str(path)}))

    def untrack_dir(self, path: Path) -> None:
        self._file(_dir_key(path)).unlink(missing_ok=True)

    def reap(self) -> list[str]:
        """Stop every recorded child that still runs (checked by start time) and remove recorded folders."""
        done: list[str] = []
        if not self.folder.is_dir():
            return done
        for rec_path in sorted(self.folder.glob("*.json")):
            try:
                rec = json.loads(rec_path.read_text())
            except (OSError, json.JSONDecodeError):
                rec_path.unlink(missing_ok=True)
                continue
            if "dir" in rec:
                if Path(rec["dir"]).exists():
                    shutil.rmtree(rec["dir"], ignore_errors=True)
                    done.append(f"removed {rec['dir']}")
            elif live_pid(rec_path) is not None:
                kill_group(int(rec["pid"]))
                done.append(f"stopped pid {rec['pid']} ({rec.get('what', '?')})")
            rec_path.unlink(missing_ok=True)
        return done


def _dir_key(path: Path) -> str:
    return "dir-" + hashlib.sha256(str(path).encode()).hexdigest()[:16]


_registry: ProcessRegistry | None = None


def use_registry(registry: ProcessRegistry | None) -> None:
    """Record the children of this process in ``registry`` (the composition root sets it per session)."""
    global _registry
    _registry = registry


def track(pid: int, what: str) -> None:
    if _registry is not None:
        _registry.track(pid, what)


def untrack(pid: int) -> None:
    if _registry is not None:
        _registry.untrack(pid)


def track_dir(path: Path) -> None:
    if _registry is not None:
        _registry.track_dir(path)


def untrack_dir(path: Path) -> None:
    if _registry is not None:
        _registry.untrack_dir(path)
