"""``swarm deploy``: watch the deploy of the pushed commit and heal it if it fails."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from memory.errors import ConfigError, SwarmError

NAME = "deploy"
HELP = "watch the deploy of the pushed commit and heal it if it fails"
EXIT = {"healthy": 0, "healed": 0, "superseded": 0, "failed": 1, "escalated": 2, "rolled_back": 2}


def add_arguments(d: argparse.ArgumentParser) -> None:
    d.add_argument("--session", required=True, help="session id (a folder under artifacts/sessions/)")
    d.add_argument("--repo", default=".", help="the app's git clone (default: current directory)")
    d.add_argument("--platform", help="platform adapter (default: [service] platform, else local)")
    d.add_argument("--max-attempts", type=int, help="fix attempts, 1-5 (default 3)")
    d.add_argument("--mode", choices=["swarm", "loop"], default="swarm", help="the agent graph, or the single-threaded loop")
    d.add_argument("--resume", action="store_true", help="continue a session that was interrupted")
    d.add_argument("--dry-run", action="store_true", help="diagnose and validate fixes, but push nothing and learn nothing")
    d.add_argument("--no-push", action="store_true", help="validate the fix and save it as a patch instead of pushing")
    d.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait this long for another session's lock")
    d.add_argument("--keep-running", action="store_true", help="leave the local platform's live release running at the end")
    d.add_argument("--quiet", action="store_true", help="no progress output")
    d.add_argument("--json", action="store_true", help="no progress output; print one JSON object with the result")
    d.add_argument("--after-push", metavar="SHA", help="first wait until SHA is the head of the remote branch (hook mode)")


def run(args: argparse.Namespace) -> int:
    from memory.artifacts import check_session_id
    from swarm.config import env_overrides, load_env, load_file_config
    from swarm.output import make_progress

    check_session_id(args.session)
    env = load_env()
    logging.getLogger().setLevel(getattr(logging, env.SWARM_LOG_LEVEL.upper(), logging.WARNING) if not args.verbose else logging.INFO)
    over: dict[str, Any] = env_overrides(env)
    if args.platform:
        over.setdefault("service", {})["platform"] = args.platform
    if args.max_attempts is not None:
        if not 1 <= args.max_attempts <= 5:
            raise ConfigError(f"--max-attempts must be between 1 and 5 (hard cap), not {args.max_attempts}")
        over.setdefault("heal", {})["max_attempts"] = args.max_attempts
    if args.no_push:
        over.setdefault("heal", {})["push"] = False
    cfg = load_file_config(Path(args.repo), over)
    _refuse_used_session(args.session, env, args.resume)
    progress = make_progress(quiet=args.quiet or args.json)
    started = time.monotonic()
    signal.signal(signal.SIGTERM, _terminate)  # `swarm stop` → clean shutdown (processes, lock, status)
    pid_files = [_record_pid(args.session, env)]
    if args.after_push:
        pid_files.append(Path(args.repo) / ".swarm" / f"{args.session}.pid")
    try:
        final, session = _run_deploy(args, cfg, env, progress)
    except BaseException as exc:  # a user error, Ctrl-C/`swarm stop` or a bug: say how the session ended
        _record_end(pid_files[0].parent, exc)
        raise
    finally:  # however the run ends (outcome, user error, Ctrl-C, crash), the session is no longer running
        progress.close()
        for path in pid_files:
            path.unlink(missing_ok=True)
    outcome = final.outcome
    if args.after_push:
        from swarm.hooks import write_status

        write_status(Path(args.repo), args.session, state="done", sha=args.after_push,
                     outcome=outcome.kind if outcome else "failed", report=str(session.deps.artifacts.path("report.md")))
    kind = outcome.kind if outcome else "failed"
    report = session.deps.artifacts.path("report.md")
    summary = _summary(final, kind, report, time.monotonic() - started)
    if args.json:
        print(json.dumps(summary))
        return EXIT.get(kind, 1)
    if sys.stdout.isatty():
        _summary_table(summary)
    print(f"{kind}: {outcome.reason if outcome else 'no outcome'}")
    if outcome and outcome.action_required and kind not in ("healed", "healthy"):
        print(f"action required: {outcome.action_required}")
    elif final.checkout_note:
        print(f"your checkout: {final.checkout_note}")
    print(f"deploys: {summary['deploys']} ({summary['deploys_by_swarm']} triggered by swarm); time: {summary['seconds']:.0f}s; "
          f"changed: {', '.join(summary['changed']) or 'nothing'}")
    print(f"report: {report}")
    return EXIT.get(kind, 1)


COLOURS = {"healed": "green", "healthy": "green", "superseded": "cyan", "escalated": "yellow", "rolled_back": "yellow",
           "failed": "red"}


def _summary_table(summary: dict[str, Any]) -> None:
    """On a terminal: the end of the run as one table, the outcome coloured."""
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=False, box=None, padding=(0, 2))
    colour = COLOURS.get(summary["outcome"], "white")
    table.add_row("outcome", f"[bold {colour}]{summary['outcome']}[/]")
    table.add_row("deploys", f"{summary['deploys']} ({summary['deploys_by_swarm']} by swarm, {summary['deploys_by_push']} by pushes)")
    table.add_row("time", f"{summary['seconds']:.0f}s")
    table.add_row("changed", ", ".join(summary["changed"]) or "nothing")
    table.add_row("report", summary["report"])
    Console(highlight=False).print(table)


def _summary(final: Any, kind: str, report: Path, seconds: float) -> dict[str, Any]:
    """The run's result for people and for scripts (``--json``)."""
    shipped = [t for t in final.tried if t.commit]
    changed = sorted({line.split(" b/", 1)[1] for t in shipped for line in t.candidate.diff.splitlines()
                      if line.startswith("diff --git a/") and " b/" in line})
    o = final.outcome
    return {"session": final.session_id, "service": final.service, "outcome": kind, "reason": o.reason if o else "",
            "deploys": len(final.deploys), "deploys_by_swarm": sum(d.trigger == "swarm" for d in final.deploys),
            "deploys_by_push": sum(d.trigger == "push" for d in final.deploys), "seconds": round(seconds, 1),
            "final_sha": o.final_sha if o else None, "commits": sorted({t.commit for t in shipped if t.commit}),
            "changed": changed, "action_required": o.action_required if o else "", "checkout": final.checkout_note,
            "report": str(report)}


def _run_deploy(args: argparse.Namespace, cfg: Any, env: Any, progress: Any) -> tuple[Any, Any]:
    from graph.runner import run_session
    from swarm.compose import open_session

    if args.after_push:
        from swarm.gitws import GitWorkspace
        from swarm.hooks import wait_for_push, write_status

        ws = GitWorkspace(Path(args.repo), cfg.service.remote, cfg.service.branch or "main", Path(args.repo) / ".swarm" / "work")
        if cfg.service.branch is None:
            ws.branch = ws.current_branch() or "main"
        write_status(Path(args.repo), args.session, state="waiting for the push", sha=args.after_push, pid=os.getpid())
        wait_for_push(ws.remote_head, args.after_push)
    session = open_session(repo=Path(args.repo), session_id=args.session, cfg=cfg, env=env, mode=args.mode,
                           wait_lock_s=args.wait, dry_run=args.dry_run, console=progress, resume=args.resume)
    progress.line(f"session {args.session}: watching {session.initial.service} @ {session.initial.initial_sha[:12]} "
                  f"on {cfg.service.platform} ({args.mode} mode); artifacts in {session.deps.artifacts.dir}")
    try:
        if args.after_push:
            write_status(Path(args.repo), args.session, state="running", sha=args.after_push, pid=os.getpid())
        final = run_session(None if args.resume else session.initial, session.deps, mode=args.mode, resume=args.resume)
    except KeyboardInterrupt:
        if args.after_push:
            write_status(Path(args.repo), args.session, state="stopped", sha=args.after_push)
        raise
    finally:
        session.close(stop_platform=not args.keep_running)
    return final, session


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _record_end(folder: Path, exc: BaseException) -> None:
    from memory.atomic import write_atomic
    from memory.redact import Redactor

    how = ("stopped (continue: --resume)" if isinstance(exc, KeyboardInterrupt)
           else f"error: {exc}" if isinstance(exc, SwarmError) else f"crashed: {type(exc).__name__}")
    try:
        write_atomic(folder / "ended.json", json.dumps({"ended": round(time.time(), 3), "how": Redactor()(how)[:500]}))
    except OSError:
        pass


def _refuse_used_session(session: str, env: Any, resume: bool) -> None:
    """A session id names one run. A new run under an id that already ran is refused (its artifacts are never
    overwritten); ``--resume`` is the only way to continue one."""
    from swarm.config import artifacts_root

    folder = artifacts_root(env) / "sessions" / session
    if resume:
        if not (folder / "checkpoints.sqlite").exists() and not (folder / "events.jsonl").exists():
            raise ConfigError(f"session {session!r} has nothing to resume (no {folder}); start it without --resume")
        return
    ran = [name for name in ("final_state.json", "events.jsonl", "checkpoints.sqlite", "ended.json") if (folder / name).exists()]
    if not ran:
        return
    how = "interrupted"
    try:
        how = json.loads((folder / "final_state.json").read_text())["outcome"]["kind"]
    except (OSError, ValueError, KeyError, TypeError):
        try:
            how = json.loads((folder / "ended.json").read_text())["how"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    raise ConfigError(f"session {session!r} already ran ({how}); its artifacts in {folder} are kept. Start a new run "
                      f"with another --session id" + ("" if (folder / "final_state.json").exists()
                                                      else f", or continue this one with --session {session} --resume"))


def _record_pid(session: str, env: Any) -> Path:
    """This process's pid *and* start time, so `swarm stop` never signals a process that later got the pid."""
    from swarm.config import artifacts_root
    from swarm.procs import write_pid_record

    path = artifacts_root(env) / "sessions" / session / "pid"
    write_pid_record(path, os.getpid(), session=session)
    return path


