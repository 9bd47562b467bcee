"""Which TCP ports a process tree listens on, read from Linux's /proc (no dependency): a web process that binds
the wrong port is diagnosed as soon as it listens, not at the end of a health-check window.

The tree is a session: the local platform and the sandbox start each web process with ``start_new_session``, so
every child it forks shares the session id, which is the started process's pid.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

PROC = Path("/proc")


def _session_of(pid_dir: Path) -> int | None:
    try:
        stat = (pid_dir / "stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[3])  # state ppid pgrp session
    except (OSError, ValueError, IndexError):
        return None


def _members(session: int) -> list[Path]:
    """The /proc folders of the session's processes."""
    return [d for d in PROC.iterdir() if d.name.isdigit() and _session_of(d) == session]


def _entries(session: int, folder: str) -> list[Path]:
    """The entries of ``/proc/<pid>/<folder>`` (``fd``, ``task``) of every process of the session; a process that
    exited meanwhile has none."""
    out: list[Path] = []
    for pid_dir in _members(session):
        try:
            out.extend((pid_dir / folder).iterdir())
        except OSError:
            continue
    return out


def _socket_inodes(session: int) -> set[str]:
    inodes: set[str] = set()
    for fd in _entries(session, "fd"):
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _address(hex_addr: str) -> str:
    raw = bytes.fromhex(hex_addr)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))  # /proc prints each 32-bit word in host order
    return socket.inet_ntop(socket.AF_INET6, words)


def listening(session: int) -> set[tuple[str, int]] | None:
    """(address, port) pairs the session's processes listen on over TCP; None where /proc cannot tell."""
    if not (PROC / "net" / "tcp").exists():
        return None
    inodes = _socket_inodes(session)
    found: set[tuple[str, int]] = set()
    for table in ("tcp", "tcp6"):
        try:
            rows = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            f = row.split()
            if len(f) > 9 and f[3] == "0A" and f[9] in inodes:  # 0A: LISTEN
                addr, port = f[1].rsplit(":", 1)
                try:
                    found.add((_address(addr), int(port, 16)))
                except (ValueError, OSError):
                    continue
    return found


def busy(session: int) -> bool:
    """Whether a thread of the session is running or waiting for a CPU (state R) or for the disk (D) right now. A
    server that listens and waits for connections sleeps (S); one still starting up runs. Reading the state, not the
    CPU time used, keeps the answer right on a loaded machine, where a starting process waits for a CPU as R."""
    for task in _entries(session, "task"):
        try:
            state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state in ("R", "D"):
            return True
    return False


def describe(ports: set[tuple[str, int]]) -> str:
    return ", ".join(f"[{a}]:{p}" if ":" in a else f"{a}:{p}" for a, p in sorted(ports, key=lambda x: (x[1], x[0])))
