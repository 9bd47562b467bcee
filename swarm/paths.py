"""Where swarm keeps things, without loading the configuration machinery (for fast read-only commands)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def artifacts_root_from_environ() -> Path:
    """``SWARM_ARTIFACTS``, else ``artifacts/`` in the project: what :func:`swarm.config.artifacts_root` gives for the
    same environment."""
    return Path(os.environ.get("SWARM_ARTIFACTS") or PROJECT_ROOT / "artifacts").resolve()
