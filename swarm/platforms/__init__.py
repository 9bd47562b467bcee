"""Platform adapters, chosen by name from this registry (``[service] platform`` / ``--platform``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _local(**kwargs: Any) -> Any:
    from swarm.platforms.local import LocalPlatform

    return LocalPlatform(**kwargs)


def _command(**kwargs: Any) -> Any:
    from swarm.platforms.command import CommandPlatform

    return CommandPlatform(**kwargs)


def _render(**kwargs: Any) -> Any:
    from swarm.platforms.render import RenderPlatform

    return RenderPlatform(**kwargs)


def _digitalocean(**kwargs: Any) -> Any:
    from swarm.platforms.digitalocean import DigitalOceanPlatform

    return DigitalOceanPlatform(**kwargs)


def _vercel(**kwargs: Any) -> Any:
    from swarm.platforms.vercel import VercelPlatform

    return VercelPlatform(**kwargs)


REGISTRY: dict[str, Callable[..., Any]] = {"local": _local, "command": _command, "render": _render,
                                           "digitalocean": _digitalocean, "vercel": _vercel}
