"""The single-threaded heal loop: the same agents in order, one candidate at a time.

It starts from whatever state the swarm reached (the last checkpoint) and follows the same routing,
so it never repeats a push that already happened (pushes and deploys are idempotent anyway).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from graph import routing, steps
from graph.deps import Deps
from memory.errors import PlatformError
from memory.models import SwarmState, merge_validations

log = logging.getLogger(__name__)
MAX_STEPS = 200


def _apply(state: SwarmState, update: dict[str, Any]) -> SwarmState:
    data = dict(update)
    if "validations" in data:
        data["validations"] = merge_validations(state.validations, data["validations"])
    return SwarmState.model_validate({**state.model_dump(), **{k: v for k, v in data.items()}})


def run_loop(state: SwarmState, deps: Deps, start: str = "monitor", checkpoint: str | None = None) -> SwarmState:
    """Run from node ``start`` until the session is done; with ``checkpoint``, save (node, state) per step."""
    node = start
    table: dict[str, Callable[[SwarmState, Deps], dict[str, Any]]] = steps.NODES
    for _ in range(MAX_STEPS):
        if state.done:
            return state
        if checkpoint:
            deps.artifacts.write_json(checkpoint, {"node": node, "state": state})
        deps.artifacts.append_log("fallback_output.log" if deps.degraded else "swarm_output.log", f"loop: {node}")
        deps.enter(node)
        t0 = time.time()
        if node == "validate":
            # one candidate at a time, in order
            state = _apply(state, {"validations": None})
            for payload in steps.validation_payloads(state):
                state = _apply(state, steps.validate_one(payload, deps))
            deps.spans.append((node, t0, time.time()))
            node = "select"
            continue
        try:
            state = _apply(state, table[node](state, deps))
        except PlatformError as exc:  # the vendor kept failing: an outcome with a report, not a crash
            return steps.platform_failed(state, deps, exc)
        deps.spans.append((node, t0, time.time()))
        node = next_node(node, state)
    raise RuntimeError(f"fallback loop did not finish within {MAX_STEPS} steps")


def next_node(node: str, state: SwarmState) -> str:
    match node:
        case "monitor":
            return routing.after_monitor(state)
        case "verify":
            return routing.after_verify(state)
        case "analyze":
            return routing.after_analyze(state)
        case "optimize":
            return routing.after_optimize(state)
        case "fix":
            return routing.after_fix(state)
        case "select":
            return routing.after_select(state)
        case "deploy":
            return routing.after_deploy(state)
        case "rollback":
            return routing.after_rollback(state)
        case "escalate":
            return "learn"
        case _:
            return "done"
