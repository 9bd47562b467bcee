"""Just enough of npm's semver ranges to ask "does this release satisfy that peer range?".

Supports ``||`` unions, space-separated comparator sets, ``a - b`` hyphen ranges, ``^``, ``~``,
``>= <= > < =``, exact versions and x-ranges (``1.x``, ``1.2.*``, ``*``). Pre-releases never satisfy
a range here (npm's default), which is what a production fix wants anyway.
"""

from __future__ import annotations

import re

Version = tuple[int, int, int]
_V = re.compile(r"^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:[-+].*)?$")


def parse(text: str) -> Version | None:
    m = re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)", text.strip())
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _partial(text: str) -> list[int | None] | None:
    m = _V.match(text.strip())
    if not m:
        return None
    return [None if g is None or g in "xX*" else int(g) for g in m.groups()]


def _bounds(comp: str) -> list[tuple[str, Version]] | None:
    """One comparator as a list of (operator, version) constraints."""
    m = re.fullmatch(r"(\^|~>?|>=|<=|>|<|=)?\s*(\S+)", comp)
    if not m:
        return None
    op, p = m.group(1) or "", _partial(m.group(2))
    if p is None:
        return None
    major, minor, patch = p
    if major is None:
        return []  # * : anything
    lo: Version = (major, minor or 0, patch or 0)
    if op in ("", "="):
        if minor is None:
            return [(">=", lo), ("<", (major + 1, 0, 0))]
        if patch is None:
            return [(">=", lo), ("<", (major, minor + 1, 0))]
        return [("=", lo)]
    if op == "^":
        if major > 0 or minor is None:
            return [(">=", lo), ("<", (major + 1, 0, 0))]
        if minor > 0 or patch is None:
            return [(">=", lo), ("<", (0, minor + 1, 0))]
        return [(">=", lo), ("<", (0, 0, (patch or 0) + 1))]
    if op.startswith("~"):
        return [(">=", lo), ("<", (major, minor + 1, 0) if minor is not None else (major + 1, 0, 0))]
    if op == ">" and (minor is None or patch is None):
        return [(">=", (major + 1, 0, 0) if minor is None else (major, minor + 1, 0))]
    if op == "<=" and (minor is None or patch is None):
        return [("<", (major + 1, 0, 0) if minor is None else (major, minor + 1, 0))]
    return [(op, lo)]


def satisfies(version: str, spec: str) -> bool:
    v = parse(version)
    if v is None:
        return False
    for alt in spec.split("||"):
        alt = alt.strip()
        hyphen = re.fullmatch(r"(\S+)\s+-\s+(\S+)", alt)
        comps = [f">={hyphen.group(1)}", f"<={hyphen.group(2)}"] if hyphen else (re.findall(r"(?:\^|~>?|>=|<=|>|<|=)?\s*[^\s<>=^~]+", alt) or ["*"])
        ok = True
        for comp in comps:
            bounds = _bounds(comp.replace(" ", ""))
            if bounds is None:
                ok = False
                break
            for op, b in bounds:
                if not {"=": v == b, ">=": v >= b, "<=": v <= b, ">": v > b, "<": v < b}[op]:
                    ok = False
        if ok:
            return True
    return False
