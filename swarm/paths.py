"""Where swarm keeps things, without loading the configuration machinery (for fast read-only commands)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_artifacts() -> Path:
    """Where sessions go when ``SWARM_ARTIFACTS`` is not set: ``artifacts/`` in a source checkout of swarm (the
    demo, the tests, the README); for an installed swarm (pip, pipx: the package sits in site-packages) the per-user
    state directory, ``$XDG_STATE_HOME/swarm`` (``~/.local/state/swarm``): never inside site-packages."""
    if (PROJECT_ROOT / "pyproject.toml").is_file() and "site-packages" not in PROJECT_ROOT.parts:
        return PROJECT_ROOT / "artifacts"
    try:
        state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    except RuntimeError:  # no home directory: the working directory, which the user chose
        return Path.cwd() / ".swarm" / "artifacts"
    return state / "swarm"


def artifacts_root_from_environ() -> Path:
    """``SWARM_ARTIFACTS``, else :func:`default_artifacts`: what :func:`swarm.config.artifacts_root` gives for the
    same environment."""
    return Path(os.environ.get("SWARM_ARTIFACTS") or default_artifacts()).resolve()
