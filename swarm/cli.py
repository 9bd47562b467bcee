"""Command line: ``main(argv) -> int`` with one error boundary.

Exit codes: 0 healed or healthy, 1 failed (or a user error), 2 escalated or rolled back,
3 a bug in swarm (crash log in the session folder), 130 interrupted.
Heavy modules (langgraph, anthropic) are imported only inside the commands that need them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from memory.errors import ConfigError, SwarmError

EXIT = {"healthy": 0, "healed": 0, "superseded": 0, "failed": 1, "escalated": 2, "rolled_back": 2}
log = logging.getLogger("swarm")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="swarm", description="Heals failed deployments: watch, diagnose, fix, validate, push, verify.")
    p.add_argument("-v", "--verbose", action="store_true", help="more log output on the console")
    sub = p.add_subparsers(dest="command", required=True,
                           metavar="{deploy,sessions,bench,analyze,hook,stop,doctor,fixes}")

    d = sub.add_parser("deploy", help="watch the deploy of the pushed commit and heal it if it fails")
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
    d.add_argument("--after-push", metavar="SHA", help="first wait until SHA is the head of the remote branch (hook mode)")

    s = sub.add_parser("sessions", help="list or show sessions")
    ssub = s.add_subparsers(dest="sessions_command", required=True)
    ssub.add_parser("list", help="every session with its outcome")
    show = ssub.add_parser("show", help="a session's report")
    show.add_argument("id")

    b = sub.add_parser("bench", help="run a folder of healing scenarios and score them")
    b.add_argument("dir")
    b.add_argument("--json", dest="json_out", help="write the results as a JSON list to this file")
    b.add_argument("--mode", choices=["swarm", "loop", "both"], default="swarm",
                   help="both: run each scenario in swarm and loop mode and compare deploys")
    b.add_argument("--only", action="append", default=[], help="run only this scenario id (repeatable)")
    b.add_argument("--deploy-cost", type=float, default=180.0, metavar="SECONDS",
                   help="the cost model: seconds one deploy takes on a hosted platform (build + release); modelled time "
                        "= the swarm's own seconds + deploys x this (default 180)")

    a = sub.add_parser("analyze", help="diagnose failure logs (files, or - for stdin)")
    a.add_argument("files", nargs="+")
    a.add_argument("--json", action="store_true", help="one JSON object per file, one per line")

    h = sub.add_parser("hook", help="install or remove the git pre-push hook that starts a heal session after a push")
    hsub = h.add_subparsers(dest="hook_command", required=True)
    for name in ("install", "uninstall"):
        hp = hsub.add_parser(name)
        hp.add_argument("--repo", default=".")
        hp.add_argument("--branch", help="deploy branch (default: the current branch)")
        hp.add_argument("--force", action="store_true", help="replace an existing chained hook")
    t = sub.add_parser("trigger")  # internal (the pre-push hook's entry): no help line, so not listed
    t.add_argument("--repo", default=".")
    t.add_argument("--sha", required=True)
    st = sub.add_parser("stop", help="stop a running session cleanly")
    st.add_argument("session")
    st.add_argument("--repo", default=".")

    sub.add_parser("doctor", help="which parts are configured and reachable (store, LLM, tools, tables)")

    f = sub.add_parser("fixes", help="the rule and strategy tables in prompts/")
    fsub = f.add_subparsers(dest="fixes_command", required=True)
    fsub.add_parser("check", help="validate the tables; report rules that can never match or are shadowed")
    fsub.add_parser("list", help="print every rule and the strategies per category")
    return p


USAGE_EXIT = 64
"""A command-line usage error (sysexits' EX_USAGE): not 2, which means "escalated"."""


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage and the error (or the help)
        return USAGE_EXIT if exc.code == 2 else int(exc.code or 0)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    try:
        if args.command == "deploy":
            return cmd_deploy(args)
        if args.command == "sessions":
            return cmd_sessions(args)
        if args.command == "bench":
            from swarm.bench import cmd_bench

            return cmd_bench(args)
        if args.command == "analyze":
            return cmd_analyze(args)
        if args.command == "hook":
            from swarm.hooks import cmd_hook

            return cmd_hook(args)
        if args.command == "trigger":
            from swarm.hooks import trigger

            session = trigger(Path(args.repo), args.sha)
            print(session)  # for scripts: the session id alone on stdout
            print(f"swarm: heal session {session} started in the background for {args.sha[:7]}; follow it with "
                  f"`swarm sessions show {session}` (log: {Path(args.repo).resolve() / '.swarm' / (session + '.log')})",
                  file=sys.stderr)
            return 0
        if args.command == "stop":
            from swarm.config import artifacts_root, load_env
            from swarm.hooks import stop

            print(stop(args.session, Path(args.repo), artifacts_root(load_env())))
            return 0
        if args.command == "doctor":
            from swarm.doctor import cmd_doctor

            return cmd_doctor(args)
        if args.command == "fixes":
            from swarm.fixes import cmd_fixes

            return cmd_fixes(args)
    except KeyboardInterrupt:
        sid = getattr(args, "session", None)
        print("interrupted" + (f": continue with `swarm deploy --session {sid} --resume`" if args.command == "deploy" and sid
                               else ""), file=sys.stderr)
        return 130
    except BrokenPipeError:  # `swarm ... | head`: the reader left; not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except SwarmError as exc:
        print(f"swarm: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        from memory.errors import DISK_ERRNOS

        if exc.errno not in DISK_ERRNOS:
            return _bug(args, exc)
        where = f" {exc.filename}" if exc.filename else ""
        print(f"swarm: error: cannot write{where}: {exc.strerror or exc}. Free some space or point SWARM_ARTIFACTS at a "
              "writable folder; a session can then continue with --resume", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: say so, keep the evidence
        return _bug(args, exc)
    return 1


def _bug(args: argparse.Namespace, exc: BaseException) -> int:
    try:
        crash: Path | str = _crash_log(args, exc)
    except OSError as err:  # the disk refuses even the crash log: say so, no traceback
        crash = f"(not written: {err.strerror or err})"
    print(f"swarm: internal error ({type(exc).__name__}: {exc}); this is a bug. Crash log: {crash}", file=sys.stderr)
    return 3


def _crash_log(args: argparse.Namespace, exc: BaseException) -> Path:
    from swarm.config import artifacts_root, load_env

    try:
        root = artifacts_root(load_env())
    except SwarmError:
        root = Path("artifacts")
    session = getattr(args, "session", None)
    folder = root / "sessions" / session if session else root
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "crash.log"
    from memory.redact import Redactor

    path.write_text(Redactor()("".join(traceback.format_exception(exc))))
    return path


def cmd_deploy(args: argparse.Namespace) -> int:
    from memory.artifacts import check_session_id
    from swarm.config import env_overrides, load_env, load_file_config
    from swarm.output import Progress

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
    progress = Progress(quiet=args.quiet)
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
        for path in pid_files:
            path.unlink(missing_ok=True)
    outcome = final.outcome
    if args.after_push:
        from swarm.hooks import write_status

        write_status(Path(args.repo), args.session, state="done", sha=args.after_push,
                     outcome=outcome.kind if outcome else "failed", report=str(session.deps.artifacts.path("report.md")))
    kind = outcome.kind if outcome else "failed"
    report = session.deps.artifacts.path("report.md")
    print(f"{kind}: {outcome.reason if outcome else 'no outcome'}")
    if outcome and outcome.action_required and kind not in ("healed", "healthy"):
        print(f"action required: {outcome.action_required}")
    elif final.checkout_note:
        print(f"your checkout: {final.checkout_note}")
    print(f"report: {report}")
    return EXIT.get(kind, 1)


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


def cmd_sessions(args: argparse.Namespace) -> int:
    from memory.artifacts import SessionArtifacts, check_session_id, list_sessions
    from swarm.paths import artifacts_root_from_environ

    root = artifacts_root_from_environ()
    if args.sessions_command == "list":
        rows = list_sessions(root)
        if not rows:
            print(f"no sessions under {root / 'sessions'}")
        from swarm.procs import live_pid

        for folder in rows:
            running = live_pid(folder / "pid") is not None
            outcome, deploys = ("running" if running else "interrupted (continue: --resume)"), "?"
            try:
                if not running:
                    outcome = json.loads((folder / "ended.json").read_text())["how"]
            except (OSError, KeyError, TypeError, json.JSONDecodeError):
                pass
            try:
                final = json.loads((folder / "final_state.json").read_text())
                outcome = final["outcome"]["kind"]
                deploys = str(len(final.get("deploys", [])))
            except (FileNotFoundError, KeyError, TypeError, json.JSONDecodeError):
                pass
            print(f"{folder.name:40} {outcome:22} deploys={deploys}")
        return 0
    art = SessionArtifacts(root, check_session_id(args.id))
    if not art.exists():
        raise ConfigError(f"no session {args.id!r} under {root / 'sessions'}")
    report = art.path("report.md")
    if report.exists():
        print(report.read_text())
    else:
        print(f"session {args.id} has no report yet (running or interrupted); events:")
        for event in art.events()[-20:]:
            print(json.dumps(event))
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from agents.analyzer import analyze
    from agents.rules import load_rulebook
    from swarm.fastscan import analyze_path

    book = load_rulebook()
    never = set(book.safety.never_autofix)
    status = 0
    for name in args.files:
        try:
            if name == "-":
                report = analyze(sys.stdin.buffer, book, never_autofix=never)
            else:
                path = Path(name)
                if path.is_dir():
                    raise IsADirectoryError(21, "is a directory")
                problem = _not_a_log(path)
                if problem:
                    print(f"swarm: error: {name}: {problem}; nothing analysed", file=sys.stderr)
                    status = 1
                    continue
                with _progress_bar(path) as progress:
                    report = analyze_path(path, book, progress=progress, never_autofix=never)
        except OSError as exc:
            print(f"swarm: error: {name}: cannot read: {exc.strerror or exc}", file=sys.stderr)
            status = 1
            continue
        r = report
        if args.json:
            print(json.dumps({"file": name, "category": r.category, "entity": r.entity, "ecosystem": r.ecosystem,
                              "confidence": r.confidence, "auto_fixable": r.auto_fixable, "fingerprint": r.fingerprint,
                              "evidence": [e.model_dump() for e in r.evidence]}), flush=True)
        else:
            print(f"{name}: {r.category}" + (f" ({r.entity})" if r.entity else "")
                  + f", {r.ecosystem}, confidence {r.confidence:.2f}, auto-fixable {'yes' if r.auto_fixable else 'no'}")
            print(f"  why: {r.summary}")
            if r.root_line is not None:
                print(f"  root cause (line {r.root_line}): {_printable(r.root_cause)}")
            else:
                print("  root cause: no line of the log names one")
            print(f"  fingerprint: {r.fingerprint}")
    return status


def _not_a_log(path: Path) -> str | None:
    """Why a file cannot be a failure log (empty, or binary data), or None."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head:
        return "the file is empty"
    if b"\0" in head:
        return "the file holds binary data, not a text log"
    text = head.decode("utf-8", errors="replace")
    odd = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\x1b"))
    return "the file holds binary data, not a text log" if odd > len(text) // 10 else None


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() or ch == "\t" else "\ufffd" for ch in text)


class _NoBar:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress_bar(path: Path) -> Any:
    """A rich progress bar on a terminal for files over 50 MB; otherwise nothing."""
    size = path.stat().st_size
    if size <= 50 * 1024 * 1024 or not sys.stderr.isatty():
        return _NoBar()
    from contextlib import contextmanager

    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    @contextmanager
    def bar() -> Any:
        with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                      transient=True) as prog:
            task = prog.add_task(path.name, total=size)
            yield lambda done: prog.update(task, completed=done)

    return bar()
