"""``swarm sessions list|show``: every session (newest first: start, service, outcome, deploys, duration), or one's
report."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

NAME = "sessions"
HELP = "list or show sessions"


def add_arguments(s: argparse.ArgumentParser) -> None:
    ssub = s.add_subparsers(dest="sessions_command", required=True)
    ls = ssub.add_parser("list", help="every session, newest first: start, service, outcome, deploys, duration")
    ls.add_argument("--json", action="store_true", help="one JSON list")
    show = ssub.add_parser("show", help="a session's report")
    show.add_argument("id")


def _read(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``; {} when it is missing, damaged or not an object."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _fleet_report(session: str) -> str | None:
    """A session's final report from the coordination store (written there by whichever machine ran it)."""
    if not os.environ.get("REDIS_URL"):
        return None
    from memory.errors import StoreUnavailable
    from memory.store import open_store
    from swarm.config import load_env

    env = load_env()
    try:
        payload = open_store(env.REDIS_URL, prefix=env.SWARM_REDIS_PREFIX).get_agent_output(session, "report")
    except StoreUnavailable:
        return None
    text = payload.get("markdown") if isinstance(payload, dict) else None
    return text if isinstance(text, str) else None


def session_rows(root: Path) -> list[dict[str, Any]]:
    """What each session folder says about its run, newest first; a damaged file reads as unknown, never an error."""
    from memory.artifacts import list_sessions
    from swarm.procs import live_pid

    rows = []
    for folder in list_sessions(root):
        final, plan, ended = (_read(folder / name) for name in ("final_state.json", "deployment_plan.json", "ended.json"))
        outcome: dict[str, Any] = final["outcome"] if isinstance(final.get("outcome"), dict) else {}
        started = final.get("started_at") or plan.get("created")
        finished = (folder / "final_state.json").stat().st_mtime if final else ended.get("ended")
        running = live_pid(folder / "pid") is not None
        kind = outcome.get("kind") or ("running" if running else (ended.get("how") or "interrupted (continue: --resume)"))
        report: dict[str, Any] = final["report"] if isinstance(final.get("report"), dict) else {}
        rows.append({
            "session": folder.name, "service": final.get("service") or plan.get("service"),
            "started": started, "outcome": kind, "deploys": outcome.get("deploys", len(final.get("deploys") or []) or None),
            "deploys_by_swarm": outcome.get("deploys_by_swarm"),
            "seconds": round(finished - started, 1) if isinstance(started, int | float) and isinstance(finished, int | float) else None,
            "category": report.get("category"), "strategies": [t.get("candidate", {}).get("strategy") for t in final.get("tried") or []
                                                                 if isinstance(t, dict) and t.get("result") == "healed"],
            "reason": outcome.get("reason"),
        })
    rows += fleet_rows({str(r["session"]) for r in rows})
    rows.sort(key=lambda r: r["started"] or 0, reverse=True)
    return rows


def fleet_rows(local: set[str]) -> list[dict[str, Any]]:
    """Sessions of other machines, from the coordination store (when ``REDIS_URL`` is set and it answers): what their
    workers recorded there (service, host, start, status or outcome, deploys)."""
    if not os.environ.get("REDIS_URL"):  # no fleet (and no settings import: `sessions list` starts fast)
        return []
    from swarm.config import load_env

    env = load_env()
    if not env.REDIS_URL:
        return []
    from memory.errors import StoreUnavailable
    from memory.store import open_store

    def num(value: str | None) -> float | None:
        try:
            return float(value) if value not in (None, "") else None
        except ValueError:
            return None

    try:
        store = open_store(env.REDIS_URL, prefix=env.SWARM_REDIS_PREFIX)
        rows: list[dict[str, Any]] = []
        for sid in store.list_sessions():
            if sid in local:
                continue
            f = store.get_session(sid)
            started, ended = num(f.get("started")), num(f.get("ended"))
            deploys = num(f.get("deploys"))
            rows.append({
                "session": sid, "service": f.get("service"), "started": started,
                "outcome": f.get("outcome") or f.get("status") or "unknown", "deploys": int(deploys) if deploys is not None else None,
                "deploys_by_swarm": int(num(f.get("deploys_by_swarm")) or 0) if f.get("deploys_by_swarm") else None,
                "seconds": round(ended - started, 1) if started and ended else None, "category": f.get("category") or None,
                "strategies": [], "reason": f.get("reason") or None, "host": f.get("host"),
            })
        return rows
    except StoreUnavailable:
        return []


def run(args: argparse.Namespace) -> int:
    from memory.artifacts import SessionArtifacts, check_session_id
    from memory.errors import ConfigError
    from swarm.paths import artifacts_root_from_environ

    root = artifacts_root_from_environ()
    if args.sessions_command == "list":
        rows = session_rows(root)
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        if not rows:
            print(f"no sessions under {root / 'sessions'}")
            return 0
        print(f"{'session':36} {'started':16} {'service':18} {'outcome':24} {'deploys':>7} {'duration':>9}")
        for r in rows:
            started = time.strftime("%Y-%m-%d %H:%M", time.localtime(r["started"])) if r["started"] else "-"
            duration = f"{r['seconds']:.0f}s" if r["seconds"] is not None else "-"
            outcome = str(r["outcome"])
            print(f"{r['session'][:36]:36} {started:16} {str(r['service'] or '-')[:18]:18} {_cut(outcome, 24):24} "
                  f"{r['deploys'] if r['deploys'] is not None else '-':>7} {duration:>9}")
            if len(outcome) > 24:  # an error's message is the part worth reading: whole, on its own line
                print(f"  {outcome}")
            if r.get("host"):
                print(f"  on {r['host']} (from the coordination store)")
        return 0
    art = SessionArtifacts(root, check_session_id(args.id))
    if not art.exists():
        shared = _fleet_report(args.id)  # a session another machine of the fleet ran
        if shared is None:
            raise ConfigError(f"no session {args.id!r} under {root / 'sessions'}"
                              + ("" if os.environ.get("REDIS_URL") else "; with REDIS_URL set, sessions of other machines too"))
        print(shared)
        return 0
    report = art.path("report.md")
    if report.exists():
        print(report.read_text())
    else:
        print(f"session {args.id} has no report yet (running or interrupted); events:")
        for event in art.events()[-20:]:
            print(json.dumps(event))
    return 0
