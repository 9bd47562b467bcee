"""The error tree, split by who must act. "Stop and escalate" is a routing decision, not an error."""

from __future__ import annotations


class SwarmError(Exception):
    """Base of every error swarm raises on purpose."""

    exit_code = 1


class ConfigError(SwarmError):
    """The user must fix a file, a flag or an environment variable."""


class PlatformError(SwarmError):
    """The deployment platform failed or answered something unexpected."""


class WorkspaceError(SwarmError):
    """A git or file operation in the target repository failed."""


class StoreUnavailable(SwarmError):
    """The coordination store (Redis) cannot be reached."""


class PolicyViolation(SwarmError):
    """An action was refused by the safety policy."""


class LLMError(SwarmError):
    """The model could not be asked: API error after retries, or the session's token budget is spent."""


class GuardRefused(SwarmError):
    """A guard refused to start a session (bot loop, rate limit)."""


class LockHeld(SwarmError):
    """Another session holds the service lock."""
