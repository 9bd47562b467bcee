"""Analyzer: reads build and runtime logs and names the root cause as a FailureReport.

Rules are data (``prompts/known_fixes.yaml``); this module is only the engine. Lines are read
one at a time with a bounded window kept for evidence, so memory does not grow with the log.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from agents.rules import Rule, RuleBook
from memory.models import EvidenceLine, FailureReport

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")
_TS = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?|\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b"
)
_HEX = re.compile(r"\b(?:0x)?[0-9a-f]{7,}\b", re.I)
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:/[^\s/'\":]+)+/")
_NUM = re.compile(r"\d+")
_PY_STDLIB_HINT = {"__main__", "_ctypes", "_sqlite3", "_ssl", "_tkinter", "_bz2", "_lzma", "distutils"}
BEFORE, AFTER = 10, 6
NODE_BUILTINS = {
    "assert", "buffer", "child_process", "crypto", "dns", "events", "fs", "http", "https", "net", "os",
    "path", "process", "querystring", "stream", "string_decoder", "timers", "tls", "url", "util", "zlib",
}


def clean_line(raw: str) -> str:
    """Remove what terminals and platforms add: CR redraws, ANSI colours, NUL bytes."""
    if "\r" in raw:
        parts = [p for p in raw.split("\r") if p.strip()]
        raw = parts[-1] if parts else ""
    return ANSI.sub("", raw).replace("\x00", "").rstrip()


def normalise(line: str) -> str:
    """Strip what differs between reruns of the same failure: timestamps, ids, paths, numbers."""
    line = _TS.sub("<ts>", line)
    line = _HEX.sub("<hex>", line)
    line = _PATH.sub("", line)
    line = _NUM.sub("<n>", line)
    return " ".join(line.split()).lower()


def fingerprint(category: str, entity: str | None, line: str) -> str:
    basis = f"{category}|{(entity or '').lower()}|{normalise(line)}"
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


@dataclass
class _Hit:
    rule: Rule
    lineno: int
    text: str
    entity: str | None
    before: list[tuple[int, str]]
    after: list[tuple[int, str]]


def iter_lines(text: str | Iterable[str]) -> Iterator[str]:
    if isinstance(text, str):
        yield from text.splitlines()
    else:
        for chunk in text:
            yield from chunk.splitlines()


def _entity(match: re.Match[str]) -> str | None:
    for name, value in match.groupdict().items():
        if name.startswith("entity") and value:
            return value
    return None


def _scan(lines: Iterable[str], book: RuleBook) -> tuple[_Hit | None, list[tuple[int, str]], list[str]]:
    window: deque[tuple[int, str]] = deque(maxlen=BEFORE)
    tail: deque[tuple[int, str]] = deque(maxlen=20)
    best: _Hit | None = None
    hit_categories: list[str] = []
    for lineno, raw in enumerate(lines, start=1):
        line = clean_line(raw)
        if best is not None and len(best.after) < AFTER and best.lineno < lineno:
            best.after.append((lineno, line))
        if line.strip():
            for rule in book.rules:
                match = rule.regex.search(line)
                if match is None:
                    continue
                if rule.spec.category not in hit_categories:
                    hit_categories.append(rule.spec.category)
                if best is None or rule.spec.precedence > best.rule.spec.precedence:
                    best = _Hit(rule, lineno, line, _entity(match), list(window), [])
        window.append((lineno, line))
        if line.strip():
            tail.append((lineno, line))
    return best, list(tail), hit_categories


def analyze(
    logs: str | Iterable[str],
    book: RuleBook,
    *,
    local_modules: Iterable[str] = (),
    never_autofix: Iterable[str] = (),
) -> FailureReport:
    """Diagnose one failure. ``local_modules`` are the repo's own top-level modules/packages."""
    best, tail, categories = _scan(iter_lines(logs), book)
    locals_ = set(local_modules)
    if best is None:
        text = tail[-1][1] if tail else ""
        evidence = [EvidenceLine(line=n, text=t[:500]) for n, t in tail]
        return FailureReport(
            category="unknown", fingerprint=fingerprint("unknown", None, text), evidence=evidence,
            confidence=0.2, auto_fixable=False, summary="no rule matched the log; a person must read it",
            root_cause=text.strip()[:500],
        )
    spec = best.rule.spec
    category, entity = spec.category, best.entity
    ecosystem = spec.ecosystem or "other"
    if spec.entity == "python_module" and entity:
        category, entity = _python_entity(entity, locals_, book)
    elif spec.entity == "node_module" and entity:
        category, entity = _node_entity(entity, book)
    elif spec.entity == "version" and entity:
        entity = entity if entity.startswith("python-") or not entity[:1].isdigit() else f"python-{entity}"
    confidence = spec.confidence
    others = [c for c in categories if c != spec.category]
    if others:
        confidence = max(0.1, confidence - 0.05 * len(others))
    evidence = [EvidenceLine(line=n, text=t[:500]) for n, t in [*best.before, (best.lineno, best.text), *best.after]]
    strategies = book.strategies.get(category, [])
    auto = category not in set(never_autofix) and bool(strategies)
    why = f"rule {spec.id} (precedence {spec.precedence}) at line {best.lineno}"
    if others:
        why += f"; also seen: {', '.join(others)} (lower precedence or later in the log)"
    return FailureReport(
        category=category, entity=entity, ecosystem=ecosystem, confidence=round(confidence, 2),
        auto_fixable=auto, fingerprint=fingerprint(category, entity, best.text), evidence=evidence,
        rule_id=spec.id, summary=why, root_cause=best.text.strip()[:500], root_line=best.lineno,
    )


def _python_entity(module: str, local_modules: set[str], book: RuleBook) -> tuple[str, str]:
    top = module.split(".")[0]
    if top in local_modules:
        return "import_error", module
    if top in _PY_STDLIB_HINT:
        return "runtime_version", module
    for key in (module, top):
        if key in book.python_aliases:
            return "missing_dependency", book.python_aliases[key]
    return "missing_dependency", top


def _node_entity(spec: str, book: RuleBook) -> tuple[str, str]:
    if spec.startswith((".", "/")) or re.match(r"^[A-Za-z]:\\", spec):
        return "import_error", spec
    name = spec.removeprefix("node:")
    parts = name.split("/")
    pkg = "/".join(parts[:2]) if name.startswith("@") and len(parts) >= 2 else parts[0]
    if spec.startswith("node:") or pkg in NODE_BUILTINS:
        return "runtime_version", pkg
    return "missing_dependency", book.node_aliases.get(pkg, pkg)


def local_python_modules(files: Iterable[str]) -> set[str]:
    """Top-level names a Python import could resolve to inside the repository."""
    names: set[str] = set()
    for path in files:
        parts = path.split("/")
        if parts[-1].endswith(".py") or parts[-1].endswith(".pyi"):
            if len(parts) == 1:
                names.add(parts[0].rsplit(".", 1)[0])
            else:
                names.add(parts[0])
                if parts[0] == "src" and len(parts) > 2:
                    names.add(parts[1])
    return names
