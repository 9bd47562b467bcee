"""The failure taxonomy: plain data, importable without pydantic (the analyzer's start-up path reads it)."""

from __future__ import annotations

from typing import Literal

Category = Literal[
    "missing_dependency", "dependency_conflict", "lockfile_mismatch", "import_error",
    "build_timeout", "out_of_memory", "type_error", "syntax_error", "runtime_error",
    "test_failure", "missing_env_var", "database_connection", "port_conflict",
    "port_binding", "start_command", "runtime_version", "network_transient",
    "rate_limit", "permission_denied", "disk_space", "config_error", "unknown",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
