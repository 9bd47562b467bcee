"""``swarm stats``: what the sessions and the learning state say: sessions, heal and rollback rates, escalations by
reason, median time to heal, deploys per heal, top failure categories, success per strategy."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

NAME = "stats"
HELP = "heal rate, time to heal, deploys per heal, top failures, success per strategy"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="one JSON object")


def compute(rows: list[dict[str, Any]], learning: dict[str, Any]) -> dict[str, Any]:
    import statistics

    finished = [r for r in rows if r["outcome"] in ("healed", "healthy", "escalated", "rolled_back", "failed", "superseded")]
    healed = [r for r in finished if r["outcome"] == "healed"]
    needed = [r for r in finished if r["outcome"] != "healthy"]  # sessions that had something to heal
    escalations = Counter(_reason(r["reason"]) for r in finished if r["outcome"] == "escalated")
    per_strategy = {}
    for category, strategies in (learning.get("strategy_stats") or {}).items():
        for strategy, st in (strategies or {}).items():
            if isinstance(st, dict) and st.get("tries"):
                per_strategy[f"{category}/{strategy}"] = {"tries": st["tries"], "successes": st.get("successes", 0),
                                                          "rate": round(st.get("successes", 0) / st["tries"], 2)}
    times = [r["seconds"] for r in healed if r["seconds"] is not None]
    deploys = [r["deploys"] for r in healed if r["deploys"]]
    return {
        "sessions": len(rows), "finished": len(finished),
        "outcomes": dict(Counter(r["outcome"] for r in finished)),
        "heal_rate": round(len(healed) / len(needed), 2) if needed else None,
        "rollback_rate": round(sum(r["outcome"] == "rolled_back" for r in needed) / len(needed), 2) if needed else None,
        "escalations_by_reason": dict(escalations.most_common()),
        "median_seconds_to_heal": round(statistics.median(times), 1) if times else None,
        "deploys_per_heal": round(statistics.mean(deploys), 2) if deploys else None,
        "top_categories": dict(Counter(r["category"] for r in needed if r["category"]).most_common(8)),
        "strategies": dict(sorted(per_strategy.items(), key=lambda kv: -kv[1]["tries"])),
    }


def _fleet_learning() -> dict[str, Any] | None:
    """The fleet's shared learning state from Redis when ``REDIS_URL`` is set and it answers, else None."""
    import os

    if not os.environ.get("REDIS_URL"):
        return None
    from swarm.config import load_env

    env = load_env()
    if not env.REDIS_URL:
        return None
    import redis

    from memory.learning import shared_learning_key

    try:
        raw = redis.Redis.from_url(env.REDIS_URL, socket_connect_timeout=2).get(shared_learning_key(env.SWARM_REDIS_PREFIX))
    except redis.RedisError:
        return None
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _reason(text: str | None) -> str:
    """An escalation's reason without its particulars: the part before the first colon."""
    return (text or "unknown").split(":", 1)[0][:80]


def run(args: argparse.Namespace) -> int:
    from swarm.commands.sessions import session_rows
    from swarm.paths import artifacts_root_from_environ

    root = artifacts_root_from_environ()
    learning = _fleet_learning()
    if learning is None:  # no fleet: this machine's learning-state file
        try:
            learning = json.loads((root / "deploy_learning_state.json").read_text())
        except (OSError, ValueError):
            learning = {}
    stats = compute(session_rows(root), learning if isinstance(learning, dict) else {})
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    pct = lambda v: "-" if v is None else f"{100 * v:.0f}%"  # noqa: E731
    print(f"sessions: {stats['sessions']} ({stats['finished']} finished): "
          + ", ".join(f"{k} {v}" for k, v in sorted(stats["outcomes"].items())))
    print(f"heal rate: {pct(stats['heal_rate'])}; rollback rate: {pct(stats['rollback_rate'])}; median time to heal: "
          f"{'-' if stats['median_seconds_to_heal'] is None else str(stats['median_seconds_to_heal']) + 's'}; "
          f"deploys per heal: {stats['deploys_per_heal'] or '-'}")
    if stats["top_categories"]:
        print("top failures: " + ", ".join(f"{k} {v}" for k, v in stats["top_categories"].items()))
    if stats["escalations_by_reason"]:
        print("escalations: " + "; ".join(f"{k} ({v})" for k, v in stats["escalations_by_reason"].items()))
    for name, st in stats["strategies"].items():
        print(f"  {name:40} {st['successes']}/{st['tries']} ({pct(st['rate'])})")
    return 0
