"""The safety policy, in one place, applied to every candidate whoever proposed it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from memory.models import FixCandidate

SECRET_NAMES = re.compile(r"(^|/)(\.env(\..*)?|.*\.pem|.*\.key|id_rsa.*|id_ed25519.*|credentials(\.json)?|\.npmrc|\.pypirc)$")
SECRET_TEXT = re.compile(
    r"sk-ant-[A-Za-z0-9_-]{8,}|gh[pousr]_[A-Za-z0-9]{20,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,}"
)


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """gitignore-like globs: ``*`` stays inside a path segment, ``**`` crosses them."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append(r"(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(r".*")
            i += 2
        elif c == "*":
            out.append(r"[^/]*")
            i += 1
        elif c == "?":
            out.append(r"[^/]")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def matches_any(path: str, globs: tuple[str, ...] | list[str]) -> str | None:
    for pattern in globs:
        if glob_regex(pattern).match(path):
            return pattern
    return None


@dataclass(frozen=True)
class Policy:
    protected: tuple[str, ...] = ()
    never_autofix: frozenset[str] = frozenset()
    max_changed_lines: int = 40
    max_lockfile_packages: int = 150
    extra_notes: tuple[str, ...] = field(default=())

    def category_allowed(self, category: str) -> bool:
        return category not in self.never_autofix

    def check(self, candidate: FixCandidate, category: str) -> list[str]:
        """Every reason the candidate is refused; an empty list means allowed."""
        reasons: list[str] = []
        if not self.category_allowed(category):
            reasons.append(f"category {category} is never fixed automatically (safety.never_autofix)")
        paths = diff_paths(candidate.diff) | set(candidate.files)
        for path in sorted(paths):
            pure = PurePosixPath(path)
            if pure.is_absolute() or ".." in pure.parts:
                reasons.append(f"{path}: outside the repository")
            elif pure.parts and pure.parts[0] == ".git" or "/.git/" in f"/{path}":
                reasons.append(f"{path}: under .git/")
            elif (hit := matches_any(path, self.protected)) is not None:
                reasons.append(f"{path}: protected by {hit!r}")
            elif SECRET_NAMES.search(path) and path in new_files(candidate.diff):
                reasons.append(f"{path}: a new file that looks like a secret")
        changed = changed_lines(candidate.diff)
        if changed > self.max_changed_lines:
            reasons.append(f"changes {changed} lines, more than max_changed_lines={self.max_changed_lines}")
        moved = lockfile_packages(candidate.diff)
        if moved > self.max_lockfile_packages:
            reasons.append(f"moves {moved} packages in lockfiles, more than max_lockfile_packages={self.max_lockfile_packages}")
        added = "\n".join(line[1:] for line in candidate.diff.splitlines() if line.startswith("+") and not line.startswith("+++"))
        if SECRET_TEXT.search(added):
            reasons.append("adds text that looks like a secret")
        return reasons


_GIT_HEADER = re.compile(r'^diff --git "?a/(?P<a>.+?)"? "?b/(?P<b>.+?)"?$')
_BINARY = re.compile(r"^Binary files (?:\"?a/(?P<a>.+?)\"?|/dev/null) and (?:\"?b/(?P<b>.+?)\"?|/dev/null) differ$")


def diff_paths(diff: str) -> set[str]:
    """Every path the diff touches: its ---/+++ lines, and the ``diff --git`` headers a binary patch (which has no
    ---/+++ lines) or a rename also has."""
    paths = set()
    for line in diff.splitlines():
        if line.startswith(("--- ", "+++ ")):
            name = line[4:].split("\t", 1)[0].strip()
            if name != "/dev/null":
                paths.add(name[2:] if name.startswith(("a/", "b/")) else name)
        elif m := (_GIT_HEADER.match(line) or _BINARY.match(line)):
            paths.update(name for name in (m["a"], m["b"]) if name)
    return paths


def new_files(diff: str) -> set[str]:
    out, prev = set(), ""
    for line in diff.splitlines():
        if line.startswith("+++ ") and prev.startswith("--- /dev/null"):
            name = line[4:].split("\t", 1)[0].strip()
            out.add(name[2:] if name.startswith("b/") else name)
        prev = line
    return out


LOCKFILES = frozenset({"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock",
                       "Pipfile.lock", "uv.lock", "pdm.lock", "Gemfile.lock", "composer.lock", "Cargo.lock", "go.sum"})
"""Files a package manager writes from the manifest: their size follows the dependency tree, not the fix."""
_LOCK_VERSION = re.compile(r'^\+\s*(?:"version"\s*:|version\s*[=:]|version\s+"|\S+ v?\d[\w.+-]* h1:)')


def _by_file(diff: str) -> Iterator[tuple[str, list[str]]]:
    """(path, hunk lines) per file of a unified diff, with or without ``diff --git`` headers."""
    lines = diff.splitlines()
    name = ""
    body: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        header = line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")
        if line.startswith("diff --git ") or header:
            if body:
                yield name, body
            body = []
            if header:
                new, old = lines[i + 1][4:].split("\t", 1)[0].strip(), line[4:].split("\t", 1)[0].strip()
                name = (old if new == "/dev/null" else new).removeprefix("b/").removeprefix("a/")
                i += 1
            else:
                name = line.rsplit(" b/", 1)[-1]
        else:
            body.append(line)
        i += 1
    if body:
        yield name, body


def changed_lines(diff: str) -> int:
    """Lines a fix adds or removes, lockfiles aside (``lockfile_packages`` bounds those). A binary patch counts its
    data lines (each carries up to 52 bytes), so that it is bounded too."""
    total = 0
    for name, body in _by_file(diff):
        if PurePosixPath(name).name in LOCKFILES:
            continue
        binary = False
        for line in body:
            if line == "GIT binary patch":
                binary = True
            elif binary:
                total += bool(line.strip()) and not line.startswith(("literal ", "delta "))
            elif (line.startswith("+") and not line.startswith("+++")) or (line.startswith("-") and not line.startswith("---")):
                total += 1
    return total


def lockfile_packages(diff: str) -> int:
    """Packages a fix adds to lockfiles or moves to another resolved version: the added ``version`` entries."""
    return sum(1 for name, body in _by_file(diff) if PurePosixPath(name).name in LOCKFILES
               for line in body if _LOCK_VERSION.match(line))
