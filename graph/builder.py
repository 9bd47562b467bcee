"""The state graph of DESIGN.md. ``build_graph()`` returns the builder; the caller compiles it."""

from __future__ import annotations

import time
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send

from graph import routing, steps
from graph.deps import Deps
from memory.models import SwarmState


def _node(step: Any) -> Any:
    name = step.__name__.removesuffix("_step")

    def node(state: SwarmState, runtime: Runtime[Deps]) -> dict[str, Any]:
        runtime.context.enter(name)
        start = time.time()
        try:
            return step(state, runtime.context)
        finally:
            runtime.context.spans.append((name, start, time.time()))

    node.__name__ = step.__name__.removesuffix("_step")
    return node


def _validate(payload: dict[str, Any], runtime: Runtime[Deps]) -> dict[str, Any]:
    runtime.context.enter("validate")
    start = time.time()
    try:
        return steps.validate_one(payload, runtime.context)
    finally:
        runtime.context.spans.append(("validate", start, time.time()))


def _fan_out(state: SwarmState) -> list[Send] | str:
    if routing.after_fix(state) == "escalate":
        return "escalate"
    return [Send("validate", payload) for payload in steps.validation_payloads(state)]


def build_graph() -> StateGraph[SwarmState, Deps, SwarmState, SwarmState]:
    g = StateGraph(SwarmState, context_schema=Deps)
    for name, step in steps.NODES.items():
        g.add_node(name, _node(step))  # type: ignore[call-overload]
    g.add_node("validate", _validate)  # type: ignore[call-overload]
    g.add_edge(START, "monitor")
    g.add_conditional_edges("monitor", routing.after_monitor, ["verify", "analyze", "escalate"])
    g.add_conditional_edges("verify", routing.after_verify, ["learn", "rollback", "escalate"])
    g.add_conditional_edges("analyze", routing.after_analyze, ["optimize", "escalate"])
    g.add_conditional_edges("optimize", routing.after_optimize, ["fix", "escalate"])
    g.add_conditional_edges("fix", _fan_out, ["validate", "escalate"])
    g.add_edge("validate", "select")
    g.add_conditional_edges("select", routing.after_select, ["deploy", "optimize", "escalate"])
    g.add_conditional_edges("deploy", routing.after_deploy, ["monitor", "escalate"])
    g.add_conditional_edges("rollback", routing.after_rollback, ["monitor", "escalate"])
    g.add_edge("escalate", "learn")
    g.add_edge("learn", END)
    return g
