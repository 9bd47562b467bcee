"""The tunable tables in ``prompts/``: loaded with yaml.safe_load and validated by pydantic.

An error names the file and the entry, so a user editing a table knows what to fix.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from memory.errors import ConfigError
from memory.models import CATEGORIES

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
EntityKind = Literal["raw", "python_module", "node_module", "env_var", "port", "version", "path", "basename", "package"]


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _trusted(info: ValidationInfo) -> bool:
    """These exact table bytes were validated before (see :func:`load_rulebook`): their regexes compile, so they are
    compiled when a rule is first used, not all at start-up."""
    return bool(info.context and info.context.get("trusted"))


class EntityContext(_M):
    """Where to find the entity when the matched line does not hold it (a traceback's file line, a stack frame)."""

    pattern: str
    where: Literal["before", "after", "around"] = "before"
    within: int = Field(6, ge=1, le=10)
    entity: EntityKind = "raw"

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str, info: ValidationInfo) -> str:
        if _trusted(info):
            return v
        try:
            if "entity" not in re.compile(v).groupindex:
                raise ValueError("entity_context.pattern needs a named group (?P<entity>...)")
        except re.error as exc:
            raise ValueError(f"pattern does not compile: {exc}") from exc
        return v


class Reclassify(_M):
    """When a nearby line proves another cause (a SyntaxError raised by a too-old interpreter)."""

    pattern: str
    category: str
    where: Literal["before", "after", "around"] = "before"
    within: int = Field(8, ge=1, le=20)
    entity: EntityKind = "raw"
    drop_entity: bool = False
    """The new category has no entity (e.g. a network failure found behind a package error)."""
    unless: str | None = None
    """No reclassification when a line in the same window (or the matched line) matches this."""
    include_line: bool = False
    """Also look at the matched line itself (first), e.g. when one line names both the file and the package."""
    why: str = ""

    @field_validator("category")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in CATEGORIES:
            raise ValueError(f"unknown category {v!r}")
        return v

    @field_validator("pattern", "unless")
    @classmethod
    def _regex(cls, v: str | None, info: ValidationInfo) -> str | None:
        try:
            if v is not None and not _trusted(info):
                re.compile(v)
        except re.error as exc:
            raise ValueError(f"pattern does not compile: {exc}") from exc
        return v


class RuleSpec(_M):
    id: str
    category: str
    pattern: str
    ecosystem: Literal["python", "node", "docker", "other"] | None = None
    entity: EntityKind = "raw"
    precedence: int = Field(50, ge=0, le=100)
    confidence: float = Field(0.7, ge=0, le=1)
    consequence: bool = False
    """The line follows any failure (a platform's "the process exited"): it diagnoses a log where nothing else
    matched, and never counts against another rule's diagnosis."""
    flags: Literal["ignorecase"] | None = None
    anchors: list[str] = Field(min_length=1)
    """Literal strings, one of which every matching line contains (case-insensitive): the fast pre-filter."""
    entity_value: str | None = None
    entity_context: EntityContext | None = None
    reclassify: list[Reclassify] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list)
    """The tool family the rule covers (``pip``, ``uv``, ``poetry``; ``npm``, ``yarn``, ``pnpm``; ``heroku``...)."""
    examples: list[str] = Field(default_factory=list)
    """Log lines this rule must win (``fixes check`` proves it, and that an anchor covers each). In the YAML an
    example is a line, or ``{tool: line}`` saying which tool printed it."""
    example_tools: list[str | None] = Field(default_factory=list)
    """The tool of each example (None when the example is not tagged); filled from the YAML form."""

    @model_validator(mode="before")
    @classmethod
    def _tagged_examples(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("examples"), list) and "example_tools" not in data:
            texts: list[object] = []
            tags: list[str | None] = []
            for item in data["examples"]:
                if isinstance(item, dict) and len(item) == 1:
                    (tool, text), = item.items()
                    texts.append(text)
                    tags.append(str(tool))
                else:
                    texts.append(item)
                    tags.append(None)
            data = {**data, "examples": texts, "example_tools": tags}
        return data

    @field_validator("category")
    @classmethod
    def _known_category(cls, v: str) -> str:
        if v not in CATEGORIES:
            raise ValueError(f"unknown category {v!r}; use one of: {', '.join(CATEGORIES)}")
        return v

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str, info: ValidationInfo) -> str:
        if _trusted(info):
            return v
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"pattern does not compile: {exc}") from exc
        return v


class Fallback(_M):
    """When no rule matches: the category whose words appear on the log's error lines, at low confidence.

    Each keyword is a lowercase phrase; a category scores one point per distinct keyword found on an error line
    (a line with an error marker). The winner needs ``min_score`` points and a lead over the runner-up; otherwise
    the log stays ``unknown``. It never outranks a rule: it is only consulted when no rule matched at all."""

    min_score: int = Field(2, ge=1)
    confidence: float = Field(0.35, ge=0, le=0.6)
    markers: list[str] = Field(default_factory=list)
    """A line counts as an error line when it contains one of these (lowercase)."""
    categories: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("categories")
    @classmethod
    def _known(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for category, words in v.items():
            if category not in CATEGORIES or category == "unknown":
                raise ValueError(f"fallback: unknown category {category!r}")
            if any(w != w.lower() for w in words):
                raise ValueError(f"fallback.{category}: keywords are compared in lowercase; write them lowercase")
        return v


class KnownFixesFile(_M):
    version: Literal[1] = 1
    rules: list[RuleSpec]
    strategies: dict[str, list[str]] = Field(default_factory=dict)
    fallback: Fallback = Field(default_factory=Fallback)


class AliasesFile(_M):
    version: Literal[1] = 1
    python: dict[str, str] = Field(default_factory=dict)
    python_local: list[str] = Field(default_factory=list)
    node: dict[str, str] = Field(default_factory=dict)


class SafetyFile(_M):
    version: Literal[1] = 1
    protected: list[str] = Field(default_factory=list)
    never_autofix: list[str] = Field(default_factory=list)
    max_changed_lines: int = Field(40, ge=1)


@dataclass(frozen=True)
class Rule:
    spec: RuleSpec
    anchors: tuple[str, ...] = ()

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """Compiled on first use: most rules' anchors never occur in a given log."""
        return _compile_rule(self.spec.id, self.spec.pattern, re.IGNORECASE if self.spec.flags == "ignorecase" else 0)

    @functools.cached_property
    def context(self) -> re.Pattern[str] | None:
        return _compile_rule(self.spec.id, self.spec.entity_context.pattern) if self.spec.entity_context else None


def _compile_rule(rule_id: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:  # only a tampered cache gets here: the tables themselves were validated
        raise ConfigError(f"rule {rule_id!r}: pattern does not compile: {exc}; run `python -m swarm fixes check`") from exc


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    strategies: dict[str, list[str]]
    python_aliases: dict[str, str] = field(default_factory=dict)
    node_aliases: dict[str, str] = field(default_factory=dict)
    safety: SafetyFile = field(default_factory=lambda: SafetyFile())
    local_module_names: frozenset[str] = frozenset()
    """Top-level names that are almost always the project's own code (``src``), never a PyPI package."""
    fallback: Fallback = field(default_factory=lambda: Fallback())


def _load_yaml(path: Path) -> object:
    import yaml  # only when the tables are not cached (about 10 ms of a start)

    try:
        # libyaml's safe loader where PyYAML was built with it (about 10x faster on the rulebook), else the Python one
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: table not found; restore it from the repository") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc


def _validate(path: Path, model: type[_M], data: object, trusted: bool = False) -> _M:
    try:
        return model.model_validate(data, context={"trusted": trusted})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = list(err["loc"])
            where = ".".join(str(p) for p in loc)
            if isinstance(data, dict) and len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
                try:
                    where = f"rule {data['rules'][loc[1]].get('id', '#' + str(loc[1]))!r} ({where})"
                except (AttributeError, IndexError, KeyError, TypeError):
                    pass
            problems.append(f"{where}: {err['msg']}")
        raise ConfigError(f"{path}: invalid entry: " + "; ".join(problems[:5])) from exc


def _cache_file(paths: list[Path]) -> Path | None:
    """The per-user cache entry for the exact bytes of the tables (and of this module); None when a table cannot be
    read (the loader then says why). It holds the parsed tables as JSON, written only after they validated
    completely, so its existence says "these bytes are valid" and its content spares the YAML parse."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    try:
        for path in paths:
            digest.update(path.read_bytes())
    except OSError:
        return None
    try:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "swarm"
    except RuntimeError:  # no home directory to be found: no cache
        return None
    return cache / f"rulebook-{digest.hexdigest()[:32]}.json"


def _read_cache(entry: Path | None) -> dict[str, object] | None:
    if entry is None:
        return None
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # absent, or damaged: the tables are read and validated again
    return data if isinstance(data, dict) and set(data) == {"fixes", "aliases", "safety"} else None


def load_rulebook(prompts_dir: Path | None = None, full: bool = False) -> RuleBook:
    """The tables, validated. Tables whose exact bytes validated before come from the cache and skip compiling every
    regex up front (each is compiled when its rule is first used); ``full`` reads and validates everything regardless
    (``fixes check``, ``doctor``)."""
    base = Path(prompts_dir or PROMPTS_DIR)
    fixes_path, aliases_path, safety_path = base / "known_fixes.yaml", base / "package_aliases.yaml", base / "safety.yaml"
    entry = _cache_file([fixes_path, aliases_path, safety_path])
    cached = None if full else _read_cache(entry)
    trusted = cached is not None
    raw = cached or {"fixes": _load_yaml(fixes_path), "aliases": _load_yaml(aliases_path), "safety": _load_yaml(safety_path)}
    fixes = _validate(fixes_path, KnownFixesFile, raw["fixes"], trusted)
    assert isinstance(fixes, KnownFixesFile)
    seen: set[str] = set()
    for spec in fixes.rules:
        if spec.id in seen:
            raise ConfigError(f"{fixes_path}: rule {spec.id!r} is defined twice; rule ids must be unique")
        seen.add(spec.id)
    for category in fixes.strategies:
        if category not in CATEGORIES:
            raise ConfigError(f"{fixes_path}: strategies.{category}: unknown category")
    aliases = _validate(aliases_path, AliasesFile, raw["aliases"], trusted)
    safety = _validate(safety_path, SafetyFile, raw["safety"], trusted)
    assert isinstance(aliases, AliasesFile) and isinstance(safety, SafetyFile)
    if entry is not None and not trusted:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(raw), encoding="utf-8")
            tmp.replace(entry)
        except (OSError, TypeError, ValueError):
            pass  # no writable cache (or a table with values JSON cannot hold): every start validates everything
    rules = tuple(Rule(s, tuple(a.lower() for a in s.anchors)) for s in sorted(fixes.rules, key=lambda r: -r.precedence))
    return RuleBook(rules, dict(fixes.strategies), dict(aliases.python), dict(aliases.node), safety,
                    frozenset(aliases.python_local), fixes.fallback)
