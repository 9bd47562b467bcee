"""npm's semver semantics, from ``node-semver`` (a port of npm's own library), not a hand-written matcher."""

from __future__ import annotations

import nodesemver

Version = tuple[int, int, int]


def parse(text: str) -> Version | None:
    """(major, minor, patch) of a version npm would accept, or None."""
    try:
        v = nodesemver.make_semver(text.strip(), loose=True)
    except (ValueError, TypeError):
        return None
    return (v.major, v.minor, v.patch)


def satisfies(version: str, spec: str) -> bool:
    """Whether ``version`` is in npm range ``spec`` (an empty range is ``*``; prereleases only when asked for)."""
    try:
        return bool(nodesemver.satisfies(version, spec.strip() or "*", loose=True))
    except (ValueError, TypeError):
        return False


def max_satisfying(versions: list[str], spec: str) -> str | None:
    try:
        found = nodesemver.max_satisfying([v for v in versions if parse(v)], spec.strip() or "*", loose=True)
    except (ValueError, TypeError):
        return None
    return str(found) if found else None
