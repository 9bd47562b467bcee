"""Guards checked before a session starts: no bot loops, no runaway healing. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence


def bot_loop(recent_by_swarm: Sequence[bool], limit: int) -> str | None:
    """``recent_by_swarm``: newest first, whether each recent commit on the branch is swarm's own."""
    if limit <= 0 or not recent_by_swarm or not recent_by_swarm[0]:
        return None
    if len(recent_by_swarm) >= limit and all(recent_by_swarm[:limit]):
        return (f"the last {limit} commits on the branch were all made by swarm (Swarm-Session trailer): "
                "not starting another session on its own commit (bot-loop guard). A person must look at this branch.")
    return None


def rate_limited(starts: Sequence[float], now: float, max_per_hour: int) -> str | None:
    recent = [t for t in starts if now - t < 3600]
    if max_per_hour > 0 and len(recent) >= max_per_hour:
        wait = int(3600 - (now - min(recent)))
        return (f"{len(recent)} heal sessions started for this service in the last hour (max_sessions_per_hour="
                f"{max_per_hour}): refusing to start another for {wait}s to stop runaway healing")
    return None
