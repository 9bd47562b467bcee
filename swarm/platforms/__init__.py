"""Platform adapters, chosen by name from this registry (``[service] platform`` / ``--platform``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _local(**kwargs: Any) -> Any:
    from swarm.platforms.local import LocalPlatform

    return LocalPlatform(**kwargs)


REGISTRY: dict[str, Callable[..., Any]] = {"local": _local}
"""render, vercel, digitalocean and command join this table with the real-platforms work."""
