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


class PushRefused(WorkspaceError):
    """The remote refused swarm's push (a protected branch, a pre-receive hook, a diverged branch). An outcome
    that a person must act on, not a crash."""

    def __init__(self, message: str, remote_message: str = "") -> None:
        super().__init__(message)
        self.remote_message = remote_message


class RemoteMoved(WorkspaceError):
    """Someone pushed to the deploy branch after the fix was validated: the fix is not pushed unvalidated."""

    def __init__(self, message: str, head: str) -> None:
        super().__init__(message)
        self.head = head


class StorageError(SwarmError):
    """Swarm cannot write its own files (disk full, read-only, no permission): the session stops cleanly; nothing
    half-written is left (every file is written to a temporary name and renamed)."""


DISK_ERRNOS = frozenset({28, 30, 13, 122, 27, 1})
"""ENOSPC, EROFS, EACCES, EDQUOT, EFBIG, EPERM: the storage refuses, not a bug."""


def storage_error(exc: OSError, what: str) -> StorageError:
    return StorageError(f"cannot write {what}: {exc.strerror or exc}. Free some space or point SWARM_ARTIFACTS at a "
                        "writable folder; then continue with `swarm deploy --session ID --resume`")


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
