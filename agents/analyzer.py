"""Analyzer: reads build and runtime logs and names the root cause (a :class:`Diagnosis`, or a FailureReport).

Rules are data (``prompts/known_fixes.yaml``); this module is only the engine. Lines stream through
with a bounded window kept for evidence, so memory stays flat whatever the size of the log.
The root cause is the hit of the highest precedence; among equals the earliest line wins, since
later errors are usually a cascade of the first. The report explains the choice.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import textwrap
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agents.entities import NAMESPACE_TOPS, cross_package_raise, python_submodule
from agents.entities import normalise as normalise_entity
from agents.logsource import clean_line, iter_lines
from agents.rules import Rule, RuleBook

if TYPE_CHECKING:
    from memory.models import FailureReport

_TS = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?|\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?:\s?[AP]M)?\b"
)
_HEX = re.compile(r"\b(?:0x)?[0-9a-f]{7,}\b", re.I)
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:/[^\s/'\":()]+)+/")
_NUM = re.compile(r"\d+")
BEFORE, AFTER = 10, 20
EVIDENCE_AFTER = 8
"""Lines after a hit: AFTER are read (a reclassification can look that far, e.g. for the Node version npm prints
below a SyntaxError); EVIDENCE_AFTER of them are shown as evidence."""
TRACE_BEFORE = 60
"""How far back the evidence reaches to include the start of the winning line's traceback."""
_TRACE_HEAD = "Traceback (most recent call last)"
# where text only echoes what someone typed or requested: a URL, an HTTP request line, an access log's path field
_ECHO = re.compile(
    r"""[a-z][a-z0-9+.\-]*://\S+"""
    r"""|"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE) [^"]*"?"""
    r"""|\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /.*?(?: HTTP/\d(?:\.\d)?|$)"""
    r"""|\b(?:path|uri|url|request|referer|referrer|query|q)=(?:"[^"]*"|\S+)"""
    r"""|(?<=\s)/\S*\?\S+""",
    re.I,
)
ContextFn = Callable[[int], tuple[list[tuple[int, str]], list[tuple[int, str]]]]

__all__ = ["analyze", "analyze_numbered", "clean_line", "fingerprint", "local_python_modules", "normalise"]


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
    match: re.Match[str]
    before: list[tuple[int, str]]
    after: list[tuple[int, str]] = field(default_factory=list)


_THROWN_BEFORE = re.compile(r"Traceback \(most recent call last\)|^\s+File \".+\", line \d+|^\s*throw \w+;?\s*$|^\s*\^+\s*$")
_THROWN_AFTER = re.compile(r"^\s+at \S|^Require stack:|^\s*code: '[A-Z_]+'")


def _thrown(before: list[tuple[int, str]], after: list[tuple[int, str]]) -> bool:
    """Whether an error line comes with the marks of a raised error: a traceback or Node's `throw`/caret above it, a
    stack or `Require stack:` below it."""
    return any(_THROWN_BEFORE.search(t) for _, t in before[-4:]) or any(_THROWN_AFTER.search(t) for _, t in after[:4])


def echoed_at(line: str, pos: int) -> bool:
    """Whether position ``pos`` of ``line`` lies inside echoed text (a URL, a request line, an access log's path or
    query): an error name there is what a client sent, not what the app raised."""
    return any(m.start() <= pos < m.end() for m in _ECHO.finditer(line))


def _match_uncached(line: str, rules: tuple[Rule, ...]) -> tuple[Rule, re.Match[str]] | None:
    low = line.lower()
    echo: bool | None = None
    for rule in rules:  # sorted by precedence, highest first
        if any(a in low for a in rule.anchors):
            m = rule.regex.search(line)
            if m is not None:
                if echo is None:
                    echo = _ECHO.search(line) is not None
                if echo and echoed_at(line, m.start()):
                    continue  # hostile or accidental text in a request never outranks a real error
                return rule, m
    return None


def trim_before(before: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The BEFORE lines before a hit, reaching back to the start of its traceback when that is within TRACE_BEFORE."""
    for i in range(len(before) - 1, -1, -1):
        if _TRACE_HEAD in before[i][1]:
            return before[i:] if len(before) - i > BEFORE else _last_worded(before)
    return _last_worded(before)


def _last_worded(before: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The last BEFORE lines, not counting caret markers and frozen import frames (they carry no words)."""
    kept = 0
    for i in range(len(before) - 1, -1, -1):
        kept += not _CARETS.match(before[i][1])
        if kept == BEFORE:
            return before[i:]
    return before


class _LineCache:
    """Logs repeat themselves (retries, progress, warnings): remember the verdict per distinct line."""

    def __init__(self, rules: tuple[Rule, ...], size: int = 8192) -> None:
        self.rules, self.size = rules, size
        self.seen: dict[str, tuple[Rule, re.Match[str]] | None] = {}

    def __call__(self, line: str) -> tuple[Rule, re.Match[str]] | None:
        try:
            return self.seen[line]
        except KeyError:
            pass
        if len(self.seen) >= self.size:
            self.seen.clear()
        found = self.seen[line] = _match_uncached(line, self.rules)
        return found


def _match(line: str, rules: tuple[Rule, ...]) -> tuple[Rule, re.Match[str]] | None:
    return _match_uncached(line, rules)


def _names_entity(m: re.Match[str]) -> bool:
    return any(v for k, v in m.groupdict().items() if k.startswith("entity"))


def scan(numbered: Iterable[tuple[int, str]], book: RuleBook,
         errors: deque[tuple[int, str]] | None = None) -> tuple[_Hit | None, list[tuple[int, str]], dict[str, int]]:
    """The highest-precedence rule hit, the last lines, the categories seen; ``errors`` collects the last error lines
    (for the keyword fallback)."""
    window: deque[tuple[int, str]] = deque(maxlen=TRACE_BEFORE)
    tail: deque[tuple[int, str]] = deque(maxlen=20)
    markers = tuple(book.fallback.markers)
    best: _Hit | None = None
    seen: dict[str, int] = {}
    match = _LineCache(book.rules)
    for lineno, raw in numbered:
        line = clean_line(raw)
        if best is not None and len(best.after) < AFTER and lineno > best.lineno:
            best.after.append((lineno, line))
        if line.strip():
            found = match(line)
            if found is not None:
                rule, m = found
                if not rule.spec.consequence:
                    seen[rule.spec.category] = max(seen.get(rule.spec.category, 0), rule.spec.precedence)
                if best is None or rule.spec.precedence > best.rule.spec.precedence:
                    best = _Hit(rule, lineno, line, m, list(window))
                elif (rule.spec.precedence == best.rule.spec.precedence and not _thrown(best.before, best.after)
                      and _thrown(list(window), [])):
                    # the earlier line was printed, not raised (a banner, a log message: no traceback, no stack):
                    # the error that really stopped the program, with its trace, is the root cause
                    best = _Hit(rule, lineno, line, m, list(window))
                elif (rule is best.rule and _names_entity(m) and not _names_entity(best.match)
                      and _entity(best, best.before, best.after)[0] is None):
                    # the same failure again, now naming what it is about, where the first said nothing (Composer lists
                    # a plugin-API problem before the ``requires php >=8.1`` line that names the runtime)
                    best = _Hit(rule, lineno, line, m, list(window))
            tail.append((lineno, line))
            if errors is not None and best is None and any(m in line.lower() for m in markers):
                errors.append((lineno, line))
        window.append((lineno, line))
    return best, list(tail), seen


def keyword_fallback(lines: Iterable[tuple[int, str]], book: RuleBook) -> tuple[str, int, str] | None:
    """(category, line number, keywords) when the error lines' words point at one category clearly, else None."""
    fb = book.fallback
    scores: dict[str, set[str]] = {}
    first: dict[str, int] = {}
    for lineno, text in lines:
        low = text.lower()
        for category, words in fb.categories.items():
            hit = {w for w in words if w in low}
            if hit:
                scores.setdefault(category, set()).update(hit)
                first.setdefault(category, lineno)
    ranked = sorted(scores.items(), key=lambda kv: -len(kv[1]))
    if not ranked or len(ranked[0][1]) < fb.min_score or (len(ranked) > 1 and len(ranked[1][1]) >= len(ranked[0][1])):
        return None
    winner, found = ranked[0]
    return winner, first[winner], ", ".join(sorted(found))


_CARETS = re.compile(r"^\s*[\^~]+\s*$|^\s*File \"<frozen [\w.]+>\", line \d+, in \w+\s*$")
"""Python 3.11's markers under a traceback's source line, and the frames of the frozen import machinery (a dotted
import adds seven): they carry no words of the app's own and would stretch every window."""


def _window(before: list[tuple[int, str]], after: list[tuple[int, str]], where: str, within: int) -> list[tuple[int, str]]:
    """The lines a context rule looks at, nearest first ("around": one before, one after, two before...)."""
    before = [line for line in before if not _CARETS.match(line[1])]
    after = [line for line in after if not _CARETS.match(line[1])]
    near = list(reversed(before))[:within]
    if where == "before":
        return near
    if where == "after":
        return after[:within]
    out: list[tuple[int, str]] = []
    for i in range(within):
        out += near[i:i + 1] + after[i:i + 1]
    return out


def _parses_here(before: list[tuple[int, str]]) -> bool:
    """Whether the source line a SyntaxError shows (the nearest line above it that is not a caret marker or a
    ``File`` line) is valid Python for the interpreter swarm runs on, as a statement or inside a function."""
    for _, text in reversed(before):
        if not text.strip() or _CARETS.match(text) or text.lstrip().startswith('File "'):
            continue
        src = text.strip()
        if src.endswith(":"):  # a compound statement's header (``if x := f():``) parses with a body under it
            src = f"{src}\n    pass"
        body = textwrap.indent(src, "    ")
        for wrapped in (src, f"def _f():\n{body}\n", f"async def _f():\n{body}\n"):
            try:
                compile(wrapped, "<log>", "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue
            return True
        return False
    return False


_PLATFORM_PREFIX = re.compile(r"^\s*(?:\S+\s+)?(?:app|heroku)\[[\w.-]+\]:\s?")
_JS_TAILS = ("", "\n}", "\n})", "\n});", "\n}\n}")


def _parses_as_js(before: list[tuple[int, str]]) -> bool:
    """Whether the source line a JavaScript SyntaxError shows (the nearest line above it that is not a caret marker,
    a ``file.js:12`` location or blank, with a platform's timestamp prefix removed) is valid modern JavaScript, alone
    or as the head of a block: the code is right and the Node that refused it is too old."""
    for _, text in reversed(before):
        line = _PLATFORM_PREFIX.sub("", text)
        line = _TS.sub("", line, count=1) if _TS.match(line.lstrip()) else line
        if not line.strip() or _CARETS.match(line) or re.fullmatch(r"\s*\S+\.[cm]?[jt]sx?:\d+\s*", line):
            continue
        from agents.strategies.jsflow import parses  # tree-sitter: loaded only when a rule asks

        src = line.strip()
        return any(parses(src + tail) or parses(f"class _C {{\n{src}{tail}\n}}") for tail in _JS_TAILS)
    return False


def _entity(hit: _Hit, before: list[tuple[int, str]], after: list[tuple[int, str]]) -> tuple[str | None, str]:
    """(raw entity, kind) from the matched line, a fixed value, or the context named by the rule."""
    spec = hit.rule.spec
    for name, value in hit.match.groupdict().items():
        if name.startswith("entity") and value:
            return value, spec.entity
    if spec.entity_value:
        return spec.entity_value, "raw"
    ctx = spec.entity_context
    if ctx is not None and hit.rule.context is not None:
        for _, text in _window(before, after, ctx.where, ctx.within):
            m = hit.rule.context.search(text)
            value = next((v for k, v in m.groupdict().items() if k.startswith("entity") and v), None) if m else None
            if value:
                if ctx.prefix:
                    value = ctx.prefix.format_map({k: (v or '').lower() for k, v in hit.match.groupdict().items()}) + value
                return value, ctx.entity
    return None, spec.entity


_CI_PROJECT = re.compile(r"/home/runner/work/[^/\s]+/(?P<a>[^/\s]+)/|/home/travis/build/[^/\s]+/(?P<b>[^/\s]+)/|/builds/[^/\s]+/(?P<c>[^/\s]+)/")


def _ci_project_names(lines: list[tuple[int, str]]) -> set[str]:
    """Python package names the project itself likely has, from the CI checkout folder in the log
    (``/home/runner/work/telliot-feeds/telliot-feeds/`` → ``telliot_feeds``, ``telliot_feed``, ``telliot``)."""
    names: set[str] = set()
    for _, text in lines:
        for m in _CI_PROJECT.finditer(text):
            repo = (m.group("a") or m.group("b") or m.group("c") or "").lower().replace("-", "_").replace(".", "_")
            if len(repo) >= 4:
                names |= {repo, repo.rstrip("s")} - {""}
    return names


_SERVED = re.compile(r"\b(?:gunicorn|uvicorn|hypercorn|daphne|waitress-serve)\b[^\n]*?\s(?P<m>[A-Za-z_][\w.]*):[A-Za-z_]\w*(?:\(\))?(?:\s|$)")


def _served_modules(lines: list[tuple[int, str]]) -> set[str]:
    """The modules a server command in the log was told to load (``gunicorn myproj.wsgi:app`` → ``myproj.wsgi``):
    when one of them is the missing module, the start command names a module that is not there."""
    return {m.group("m") for _, text in lines for m in _SERVED.finditer(text)}


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What the engine found, as plain data: :meth:`report` makes it the graph's FailureReport. The CLI's
    ``analyze`` prints it directly, so that a diagnosis never waits for the state models (pydantic) to load."""

    category: str
    fingerprint: str
    evidence: tuple[tuple[int, str], ...]
    confidence: float
    auto_fixable: bool
    summary: str
    root_cause: str
    root_line: int | None
    entity: str | None = None
    ecosystem: str = "other"
    rule_id: str | None = None

    def report(self) -> FailureReport:
        from memory.models import EvidenceLine, FailureReport

        return FailureReport(
            category=self.category, entity=self.entity, ecosystem=self.ecosystem, fingerprint=self.fingerprint,
            evidence=[EvidenceLine(line=n, text=t) for n, t in self.evidence], root_cause=self.root_cause,
            root_line=self.root_line, confidence=self.confidence, auto_fixable=self.auto_fixable,
            rule_id=self.rule_id, summary=self.summary,
        )


def diagnose_numbered(
    numbered: Iterable[tuple[int, str]], book: RuleBook, *, local_modules: Iterable[str] = (),
    never_autofix: Iterable[str] = (), repo_files: Iterable[str] = (), context: ContextFn | None = None,
) -> Diagnosis:
    errors: deque[tuple[int, str]] = deque(maxlen=60)
    best, tail, seen = scan(numbered, book, errors)
    guess = keyword_fallback(errors, book) if best is None else None
    if guess is not None:
        category, lineno, words = guess
        text = next((t for n, t in errors if n == lineno), "")
        evidence = tuple((n, t[:500]) for n, t in list(errors)[-20:])
        return Diagnosis(
            category=category, fingerprint=fingerprint(category, None, text), evidence=evidence,
            confidence=book.fallback.confidence,
            auto_fixable=category not in set(never_autofix) and bool(book.strategies.get(category)),
            summary=f"no rule matched; the error lines' words point at {category} ({words}); the rules are unsure",
            root_cause=text.strip()[:500], root_line=lineno, rule_id="keyword-fallback",
        )
    if best is None:
        text = tail[-1][1] if tail else ""
        return Diagnosis(
            category="unknown", fingerprint=fingerprint("unknown", None, text),
            evidence=tuple((n, t[:500]) for n, t in tail), confidence=0.2,
            auto_fixable="unknown" not in set(never_autofix) and bool(book.strategies.get("unknown")),
            summary="no rule matched the log; a person must read it", root_cause=text.strip()[:500],
            root_line=tail[-1][0] if tail else None,
        )
    before, after = context(best.lineno) if context else (best.before, best.after)
    before = trim_before(before)
    spec = best.rule.spec
    category = spec.category
    raw, kind = _entity(best, before, after)
    extra = next((v for k, v in best.match.groupdict().items() if k.startswith("extra") and v), None)
    if raw and extra:  # ``Install Flask with the 'async' extra``: the entity is flask[async]
        raw = f"{raw}[{extra}]"
    reason, forced = "", None
    for alt in spec.reclassify:
        lines = _window(before, after, alt.where, alt.within)
        looked = [(best.lineno, best.text), *lines] if alt.include_line else lines
        hit = next((m for _, text in looked if (m := re.search(alt.pattern, text))), None)
        if hit is not None and alt.unless and any(re.search(alt.unless, t) for _, t in [*lines, (best.lineno, best.text)]):
            hit = None
        if hit is not None and alt.valid_python and not _parses_here(before):
            hit = None
        if hit is not None and alt.valid_js and not _parses_as_js(before):
            hit = None
        if hit is not None:
            forced = alt.category
            if hit.groupdict().get("entity"):
                raw, kind = hit.group("entity"), alt.entity
            elif alt.drop_entity:
                raw = None
            elif kind in ("python_module", "node_module"):
                kind = "basename"
            reason = (f"; {alt.why or hit.group(0)}" if alt.category == spec.category
                      else f"; reclassified as {alt.category}: {alt.why or hit.group(0)}")
            break
    if (forced or category) in ("runtime_error", "type_error"):
        skewed = cross_package_raise([t for _, t in before], best.text)
        if skewed is not None:
            forced, raw, kind = "dependency_conflict", skewed, "python_module"
            reason = (f"; reclassified as dependency_conflict: raised inside {skewed} where another installed package "
                      "called it, with no project code in between: the two releases do not fit together")
    entity = None
    groups = best.match.groupdict()
    base = groups.get("base") or next((posixpath.dirname(f.replace("\\", "/")) for f in (groups.get("base_file"), groups.get("base_file2")) if f), None)
    if raw and base and raw.startswith("./") or raw and base and raw.startswith("../"):
        raw = posixpath.normpath(posixpath.join(base.replace("\\", "/"), raw))  # webpack: Can't resolve '../x' in '<dir>'
    local = set(local_modules) | _ci_project_names(before + [(best.lineno, best.text)] + after) if kind == "python_module" else set(local_modules)
    if raw:
        override, entity = normalise_entity(kind, raw, book, local, list(repo_files))
        category = override or category
        if (kind == "python_module" and forced is None and category == "missing_dependency" and "." in raw
                and re.search(rf"No module named ['\"]{re.escape(raw)}['\"]", best.text)):
            category, entity = python_submodule(
                raw, book, "\n".join(t for _, t in [*before, (best.lineno, best.text)]))
        elif kind == "python_module" and forced is None and category == "missing_dependency" and raw in NAMESPACE_TOPS:
            # ``No module named 'google'``: a namespace shared by many distributions; the import line above says which
            dotted = next((m.group(1) for _, t in reversed(before[-4:])
                           for m in [re.search(rf"^\s*(?:from|import)\s+({re.escape(raw)}(?:\.\w+)+)", t)] if m), None)
            category, entity = python_submodule(dotted, book, "") if dotted else (category, None)
            if not dotted:
                reason = f"; {raw} is a namespace of many distributions and the log does not show which one was imported"
        if kind == "python_module" and forced is None and raw in _served_modules(before + [(best.lineno, best.text)] + after):
            category, entity = "start_command", raw
            reason = f"; the server was told to load {raw}, which is not there: the start command is wrong"
    category = forced or category
    others = sorted((c for c in seen if c != spec.category), key=lambda c: -seen[c])
    confidence = spec.confidence
    close = [c for c in others if seen[c] >= spec.precedence - 10]
    confidence = max(0.1, confidence - 0.1 * len(close) - 0.02 * (len(others) - len(close)))
    why = f"rule {spec.id} (precedence {spec.precedence}) at line {best.lineno}{reason}"
    if others:
        why += "; also seen, ranked lower: " + ", ".join(f"{c} ({seen[c]})" for c in others[:5])
    auto = category not in set(never_autofix) and bool(book.strategies.get(category))
    evidence = tuple((n, t[:500]) for n, t in [*before, (best.lineno, best.text), *after[:EVIDENCE_AFTER]])
    return Diagnosis(
        category=category, entity=entity, ecosystem=spec.ecosystem or _ecosystem(evidence), confidence=round(confidence, 2),
        auto_fixable=auto, fingerprint=fingerprint(category, entity, best.text), evidence=evidence, rule_id=spec.id,
        summary=why, root_cause=best.text.strip()[:500], root_line=best.lineno,
    )


def diagnose(source: Any, book: RuleBook, **kwargs: Any) -> Diagnosis:
    """Diagnose one failure from a str, bytes, binary file or iterable of text chunks."""
    return diagnose_numbered(_numbered(iter_lines(source)), book, **kwargs)


def analyze_numbered(numbered: Iterable[tuple[int, str]], book: RuleBook, **kwargs: Any) -> FailureReport:
    return diagnose_numbered(numbered, book, **kwargs).report()


def analyze(source: Any, book: RuleBook, **kwargs: Any) -> FailureReport:
    """The :class:`FailureReport` of one failure from a str, bytes, binary file or iterable of text chunks."""
    return diagnose(source, book, **kwargs).report()


def _numbered(lines: Iterator[str]) -> Iterator[tuple[int, str]]:
    return enumerate(lines, start=1)


def _ecosystem(evidence: tuple[tuple[int, str], ...]) -> str:
    text = "\n".join(t for _, t in evidence)
    if re.search(r"npm (?:ERR!|error)|node_modules|\.m?js:\d|yarn|pnpm", text):
        return "node"
    if re.search(r"Traceback|\.py\"|pip |site-packages|python", text, re.I):
        return "python"
    if re.search(r"docker|Dockerfile|#\d+ \[", text, re.I):
        return "docker"
    return "other"


def local_python_modules(files: Iterable[str]) -> set[str]:
    """Top-level names a Python import could resolve to inside the repository."""
    names: set[str] = set()
    for path in files:
        parts = path.split("/")
        if parts[-1].endswith((".py", ".pyi")):
            if len(parts) == 1:
                names.add(parts[0].rsplit(".", 1)[0])
            else:
                names.add(parts[0])
                if parts[0] == "src" and len(parts) > 2:
                    names.add(parts[1])
    return names
