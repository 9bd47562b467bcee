"""Runs a session: the graph with a SQLite checkpoint per node, or the loop; falls back to the loop
when the swarm itself fails (graph error, store down, agent bug), from the state already reached."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import traceback
from typing import Any, Literal

from langchain_core.runnables import RunnableConfig

from graph.deps import Deps
from graph.fallback import run_loop
from graph.steps import platform_failed
from memory.errors import ConfigError, PlatformError, StorageError
from memory.models import SwarmState

log = logging.getLogger(__name__)
Mode = Literal["swarm", "loop"]
LOOP_STATE = "loop_state.json"


def _config(deps: Deps) -> RunnableConfig:
    return RunnableConfig(**{  # type: ignore[typeddict-item]
        "configurable": {"thread_id": deps.session_id},
        "max_concurrency": max(4, deps.ctx.options.candidates),
        "recursion_limit": 200,
    })


def _checkpointer(deps: Deps, serde: Any) -> tuple[Any, Any]:
    """(saver, connection): LangGraph's Postgres checkpointer when ``deps.checkpoint_url`` names a database, else the
    SQLite file in the session folder. Both store what the serde lets through: redacted, and encrypted with a key."""
    if deps.checkpoint_url:
        try:
            import psycopg
            from langgraph.checkpoint.postgres import PostgresSaver
            from psycopg.rows import dict_row
        except ImportError as exc:
            raise ConfigError("SWARM_CHECKPOINT_URL names PostgreSQL but langgraph-checkpoint-postgres is not installed "
                              "(pip install 'swarm[fleet]')") from exc
        try:
            pg = psycopg.Connection.connect(deps.checkpoint_url, autocommit=True, prepare_threshold=0,
                                            row_factory=dict_row, connect_timeout=10)
        except psycopg.Error as exc:
            raise ConfigError(f"cannot reach the checkpoint database: {str(exc).strip().splitlines()[0]}") from exc
        saver = PostgresSaver(pg, serde=serde)  # type: ignore[arg-type]
        saver.setup()  # LangGraph's own migrations: creates or upgrades its tables, idempotent
        return saver, pg
    from langgraph.checkpoint.sqlite import SqliteSaver

    conn = sqlite3.connect(str(deps.artifacts.private_file("checkpoints.sqlite")), check_same_thread=False)
    return SqliteSaver(conn, serde=serde), conn


def has_checkpoint(session_id: str, sqlite_file: Any, checkpoint_url: str | None) -> bool:
    """Whether a session has a checkpoint to resume: in PostgreSQL when a URL is set, else in its SQLite file."""
    if not checkpoint_url:
        return bool(sqlite_file.is_file())
    import psycopg

    try:
        with psycopg.Connection.connect(checkpoint_url, connect_timeout=10) as pg:
            row = pg.execute("SELECT 1 FROM checkpoints WHERE thread_id = %s LIMIT 1", (session_id,)).fetchone()
            return row is not None
    except psycopg.errors.UndefinedTable:
        return False
    except psycopg.Error as exc:
        raise ConfigError(f"cannot reach the checkpoint database: {str(exc).strip().splitlines()[0]}") from exc


def run_session(initial: SwarmState | None, deps: Deps, mode: Mode = "swarm", resume: bool = False) -> SwarmState:
    if mode == "loop":
        return _run_loop_mode(initial, deps, resume)
    from graph.builder import build_graph
    from graph.serde import checkpoint_serde

    serde = checkpoint_serde(deps.artifacts.redact, deps.checkpoint_key)
    saver, conn = _checkpointer(deps, serde)
    try:
        graph = build_graph().compile(checkpointer=saver)
        cfg = _config(deps)
        start_input: SwarmState | None = initial
        if resume:
            snap = graph.get_state(cfg)
            if not snap.values:
                raise ConfigError(f"session {deps.session_id} has no checkpoint to resume; start it without --resume")
            if snap.values.get("done"):
                return SwarmState.model_validate(snap.values)
            start_input = None
            deps.event("resumed", {"next": list(snap.next)})
        try:
            result = graph.invoke(start_input, cfg, context=deps, durability="sync")  # type: ignore[call-overload]
            return SwarmState.model_validate(result)
        except PlatformError as exc:  # the vendor, not the swarm: an outcome, not a second identical try in the loop
            snap = graph.get_state(cfg)
            state = SwarmState.model_validate(snap.values) if snap.values else initial
            if state is None:
                raise
            return platform_failed(state, deps, exc)
        except StorageError:
            raise  # the loop could not write either: stop cleanly, resumable
        except sqlite3.OperationalError as exc:
            if "full" in str(exc) or "readonly" in str(exc) or "disk" in str(exc):
                free = shutil.disk_usage(deps.artifacts.dir).free
                raise StorageError(f"cannot write the checkpoint ({exc}; {free // 1024} KiB free on that disk). Free some "
                                   "space or point SWARM_ARTIFACTS at a writable folder; then continue with --resume") from exc
            raise
        except Exception as exc:  # the swarm itself failed: finish with the loop
            snap = graph.get_state(cfg)
            state = SwarmState.model_validate(snap.values) if snap.values else initial
            if state is None:
                raise
            start = snap.next[0] if snap.next else ("monitor" if not state.done else "learn")
            deps.artifacts.append_log(
                "fallback_output.log",
                f"the swarm failed in {start!r} ({type(exc).__name__}: {exc}); continuing with the single-threaded "
                f"heal loop from the last checkpoint (attempt {state.attempt}, {len(state.deploys)} deploys so far)\n"
                + "".join(traceback.format_exception(exc)),
            )
            deps.degrade(f"{type(exc).__name__}: {exc}")
            deps.event("fallback", {"from": start, "error": f"{type(exc).__name__}: {exc}"})
            return run_loop(state, deps, start)
    finally:
        conn.close()


def _run_loop_mode(initial: SwarmState | None, deps: Deps, resume: bool) -> SwarmState:
    start = "monitor"
    if resume:
        try:
            saved = deps.artifacts.read_json(LOOP_STATE)
        except FileNotFoundError as exc:
            raise ConfigError(f"session {deps.session_id} has no loop state to resume") from exc
        initial, start = SwarmState.model_validate(saved["state"]), saved["node"]
    assert initial is not None
    return run_loop(initial, deps, start, checkpoint=LOOP_STATE)
