"""Triggers: a pre-push hook that starts a detached heal session, and `swarm stop`.

git has no post-push hook, so the pre-push hook starts a background `swarm deploy --after-push SHA`
that first waits until the pushed commit is on the remote. The hook never blocks or fails the push.
Status and pid files live under `.swarm/` in the repository (excluded from git via .git/info/exclude).
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from memory.atomic import write_atomic
from memory.errors import ConfigError, WorkspaceError
from swarm.procs import alive, live_pid, write_pid_record

MARKER = "# installed by `python -m swarm hook install`"
STATE_DIR = ".swarm"


def _git_dir(repo: Path) -> Path:
    out = subprocess.run(["git", "-C", str(repo), "rev-parse", "--absolute-git-dir"], capture_output=True, text=True)
    if out.returncode != 0:
        raise WorkspaceError(f"{repo} is not a git repository")
    return Path(out.stdout.strip())


def hook_script(repo: Path, branch: str) -> str:
    py = shlex.quote(sys.executable)
    root = shlex.quote(str(Path(__file__).resolve().parent.parent))
    return f"""#!/bin/sh
{MARKER}
# Starts a background heal session after a push to {branch}; never blocks or fails the push.
remote="$1"
[ -x "$(dirname "$0")/pre-push.local" ] && {{ "$(dirname "$0")/pre-push.local" "$@" || exit $?; }}
while read local_ref local_sha remote_ref remote_sha; do
  if [ "$remote_ref" = "refs/heads/{branch}" ] && [ "$local_sha" != "0000000000000000000000000000000000000000" ]; then
    # one line on the pusher's terminal (stderr): the session id and how to follow it
    PYTHONPATH={root}${{PYTHONPATH:+:$PYTHONPATH}} {py} -m swarm trigger --repo {shlex.quote(str(repo))} --sha "$local_sha" >/dev/null || true
  fi
done
exit 0
"""


def install(repo: Path, branch: str | None, force: bool = False) -> str:
    repo = repo.resolve()
    hooks = _git_dir(repo) / "hooks"
    hooks.mkdir(exist_ok=True)
    hook = hooks / "pre-push"
    if branch is None:
        out = subprocess.run(["git", "-C", str(repo), "symbolic-ref", "--short", "HEAD"], capture_output=True, text=True)
        branch = out.stdout.strip() or "main"
    if hook.exists() and MARKER not in hook.read_text(errors="replace"):
        local = hooks / "pre-push.local"
        if local.exists() and not force:
            raise ConfigError(f"{hook} exists and {local} too; move one aside or pass --force")
        hook.rename(local)  # keep the user's hook: ours calls it first
    hook.write_text(hook_script(repo, branch))
    hook.chmod(0o755)
    exclude = _git_dir(repo) / "info" / "exclude"
    exclude.parent.mkdir(exist_ok=True)
    lines = exclude.read_text().splitlines() if exclude.exists() else []
    if f"/{STATE_DIR}/" not in lines:
        exclude.write_text("\n".join([*lines, f"/{STATE_DIR}/"]) + "\n")
    return f"installed {hook} (pushes to {branch} start a background heal session; status in {repo / STATE_DIR})"


def uninstall(repo: Path) -> str:
    hooks = _git_dir(repo.resolve()) / "hooks"
    hook = hooks / "pre-push"
    if not hook.exists() or MARKER not in hook.read_text(errors="replace"):
        return f"no swarm hook in {hooks}"
    hook.unlink()
    local = hooks / "pre-push.local"
    if local.exists():
        local.rename(hook)
        return "removed the swarm hook; restored your previous pre-push hook"
    return f"removed {hook}"


def write_status(repo: Path, session: str, **fields: Any) -> None:
    d = Path(repo) / STATE_DIR
    d.mkdir(exist_ok=True)
    path = d / "status.json"
    data = {"session": session, "updated": time.time(), **fields}
    write_atomic(path, json.dumps(data, indent=2), mode=0o644)


def trigger(repo: Path, sha: str) -> str:
    """Start ``swarm deploy --after-push SHA`` detached; return the session id at once."""
    repo = repo.resolve()
    session = f"push-{time.strftime('%Y%m%d-%H%M%S')}-{sha[:7]}"
    d = repo / STATE_DIR
    d.mkdir(exist_ok=True)
    log = open(d / f"{session}.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "swarm", "deploy", "--session", session, "--repo", str(repo),
                             "--after-push", sha, "--quiet"], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, cwd=str(repo), env={**os.environ, "PYTHONPATH": _pythonpath()})
    write_pid_record(d / f"{session}.pid", proc.pid, session=session)
    write_status(repo, session, state="started", sha=sha, pid=proc.pid)
    return session


def _pythonpath() -> str:
    root = str(Path(__file__).resolve().parent.parent)
    return os.pathsep.join(p for p in [root, os.environ.get("PYTHONPATH", "")] if p)


def wait_for_push(remote_head: Any, sha: str, timeout: float = 600.0, interval: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if remote_head() == sha:
                return
        except WorkspaceError:
            pass
        time.sleep(interval)
    raise WorkspaceError(f"commit {sha[:12]} did not reach the remote within {timeout:.0f}s (push failed or rejected?)")


def stop(session: str, repo: Path, artifacts: Path, grace: float = 30.0) -> str:
    """SIGTERM a running session (then SIGKILL after ``grace``). The pid is trusted only if that very process
    still runs (pid and start time recorded together); a stale record is removed, nothing is signalled."""
    candidates = [Path(repo) / STATE_DIR / f"{session}.pid", artifacts / "sessions" / session / "pid"]
    records = [p for p in candidates if p.exists()]
    if not records:
        raise ConfigError(f"no running session {session!r} (looked for {', '.join(str(c) for c in candidates)})")
    pid = next((p for p in (live_pid(r) for r in records) if p is not None), None)
    if pid is None:
        for record in records:
            record.unlink(missing_ok=True)
        return f"session {session} is not running (stale pid record removed; nothing was signalled)"
    try:
        os.killpg(os.getpgid(pid), signal.SIGTERM)
    except ProcessLookupError:
        pass  # it ended on its own just now
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not alive(pid):  # a zombie counts as gone
            break
        time.sleep(0.2)
    else:
        try:
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass
        for record in records:
            record.unlink(missing_ok=True)
        return f"killed session {session} (it did not stop within {grace:.0f}s)"
    for record in records:
        record.unlink(missing_ok=True)
    return f"stopped session {session}"
