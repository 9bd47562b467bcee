"""Writes and reads stay inside the repository.

A repository may hold symbolic links that point outside it (``requirements.txt -> /etc/...``) or into
``.git``. Swarm never follows them: while a strategy, a check or the LLM context builder works in a
checkout, such links are withdrawn (the link itself is removed, its target untouched), so no tool,
ours or the ecosystem's, can read or write through them; afterwards they are put back exactly. A
strategy that wants to create something in a withdrawn link's place is refused with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath

from memory.errors import PolicyViolation

_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__"})


class UnsafePath(PolicyViolation):
    """A path whose real location is outside the repository (or inside .git)."""


@dataclass(frozen=True)
class EscapingLink:
    path: str
    """Relative to the checkout, with forward slashes."""
    target: str
    """What the link says (``os.readlink``)."""
    real: str
    """Where it leads (fully resolved)."""

    def reason(self) -> str:
        return (f"{self.path} is a symbolic link to {self.real}, outside the repository"
                + (" (inside .git)" if "/.git" in self.real or self.real.endswith(".git") else "")
                + "; swarm never reads or writes through it")


def _outside(root: Path, real: Path) -> bool:
    try:
        rel = real.relative_to(root)
    except ValueError:
        return True
    return bool(rel.parts) and rel.parts[0] == ".git"


def resolve_inside(root: Path, rel: str | PurePath) -> Path:
    """``root / rel`` if its real path is inside ``root`` and not under ``.git``; else UnsafePath."""
    root_real = Path(os.path.realpath(root))
    candidate = Path(root) / rel
    try:
        real = Path(os.path.realpath(candidate))
    except (ValueError, OSError) as exc:  # an embedded NUL, a path too long
        raise UnsafePath(f"{str(rel)!r} is not a usable path ({exc})") from exc
    if _outside(root_real, real):
        raise UnsafePath(f"{PurePath(rel).as_posix()} resolves to {real}, outside the repository; swarm never reads or writes there")
    return candidate


def read_text(root: Path, rel: str | PurePath) -> str | None:
    """The text of a file inside the repository, or None when it is missing, unreadable or outside."""
    try:
        return resolve_inside(root, rel).read_text(encoding="utf-8", errors="replace")
    except (UnsafePath, OSError):
        return None


def escaping_links(root: Path) -> list[EscapingLink]:
    """Every symbolic link under ``root`` whose real path leaves it (or enters .git), outermost first."""
    root = Path(root)
    root_real = Path(os.path.realpath(root))
    found: list[EscapingLink] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        names = [*dirnames, *filenames]
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]  # os.walk never follows a linked directory
        for name in names:
            path = here / name
            if not path.is_symlink():
                continue
            real = Path(os.path.realpath(path))
            if _outside(root_real, real):
                found.append(EscapingLink(path.relative_to(root).as_posix(), os.readlink(path), str(real)))
    return found


@contextmanager
def links_withdrawn(root: Path) -> Iterator[list[EscapingLink]]:
    """Remove the escaping links of ``root`` for the duration, then restore them exactly.

    Raises UnsafePath (after restoring what it can) when something was created in a withdrawn link's place:
    the work wanted to change a file that lives outside the repository."""
    root = Path(root)
    links = escaping_links(root)
    for link in links:
        os.unlink(root / link.path)
    occupied: list[EscapingLink] = []
    try:
        yield links
    finally:
        for link in links:
            path = root / link.path
            if path.exists() or path.is_symlink():
                occupied.append(link)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(link.target, path)
    if occupied:
        raise UnsafePath("; ".join(link.reason() for link in occupied)
                         + ": the change would replace it with a file of the repository's own; a person must decide")


def touches_link(paths: list[str], links: list[EscapingLink]) -> list[EscapingLink]:
    """The links that a change to ``paths`` would write through (the link itself or anything below it)."""
    return [link for link in links if any(p == link.path or p.startswith(link.path + "/") for p in paths)]
