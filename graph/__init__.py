"""LangGraph wiring: the state graph, routing and loop limits, the fallback heal loop, the runner."""
