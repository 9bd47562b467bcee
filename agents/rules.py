"""The tunable tables in ``prompts/``: loaded, validated, and held as plain records.

Tables whose exact bytes validated before come from a per-user cache of their normalised form and become the records
below directly: no YAML parse, no pydantic, no regex compiled up front (each rule's regex is compiled when first
used). New bytes are parsed and validated by :mod:`agents.rules_schema`; an error names the file and the entry, so a
user editing a table knows what to fix.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from memory.errors import ConfigError
from memory.taxonomy import CATEGORIES

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
_SCHEMA = Path(__file__).with_name("rules_schema.py")


@dataclass(frozen=True, slots=True)
class EntityContext:
    """Where to find the entity when the matched line does not hold it (see ``rules_schema.EntityContext``)."""

    pattern: str
    where: str = "before"
    within: int = 6
    entity: str = "raw"
    prefix: str = ""


@dataclass(frozen=True, slots=True)
class Reclassify:
    """When a nearby line proves another cause (see ``rules_schema.Reclassify``)."""

    pattern: str
    category: str
    where: str = "before"
    within: int = 8
    entity: str = "raw"
    drop_entity: bool = False
    unless: str | None = None
    include_line: bool = False
    valid_python: bool = False
    valid_js: bool = False
    why: str = ""


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One analyzer rule as the table states it (see ``rules_schema.RuleSpec`` for each field's meaning)."""

    id: str
    category: str
    pattern: str
    anchors: tuple[str, ...]
    ecosystem: str | None = None
    entity: str = "raw"
    precedence: int = 50
    confidence: float = 0.7
    consequence: bool = False
    flags: str | None = None
    entity_value: str | None = None
    entity_context: EntityContext | None = None
    reclassify: tuple[Reclassify, ...] = ()
    tools: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    example_tools: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Fallback:
    """The keyword fallback when no rule matches (see ``rules_schema.Fallback``)."""

    min_score: int = 2
    confidence: float = 0.35
    markers: tuple[str, ...] = ()
    categories: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Safety:
    """``safety.yaml``: globs no fix may touch, categories never fixed by themselves, the size limit of a fix."""

    protected: tuple[str, ...] = ()
    never_autofix: tuple[str, ...] = ()
    max_changed_lines: int = 40
    max_lockfile_packages: int = 150


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
    safety: Safety = field(default_factory=Safety)
    local_module_names: frozenset[str] = frozenset()
    """Top-level names that are almost always the project's own code (``src``), never a PyPI package."""
    fallback: Fallback = field(default_factory=Fallback)
    python_alias_ranges: dict[str, str] = field(default_factory=dict)
    """Import name → the versions of its distribution that still ship it, where the table gives a range."""


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


def _cache_file(paths: list[Path]) -> Path | None:
    """The per-user cache entry for the exact bytes of the tables (and of the modules that read them); None when a
    table cannot be read (the loader then says why). It holds the validated tables in normalised form (every default
    filled in) as JSON, written only after they validated completely, so its existence says "these bytes are valid"
    and its content becomes the records without a YAML parse or a validation."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    try:
        digest.update(_SCHEMA.read_bytes())
        for path in paths:
            digest.update(path.read_bytes())
    except OSError:
        return None
    try:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "swarm"
    except RuntimeError:  # no home directory to be found: no cache
        return None
    return cache / f"rulebook-{digest.hexdigest()[:32]}.json"


def _read_cache(entry: Path | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # absent, or damaged: the tables are read and validated again
    return data if isinstance(data, dict) and set(data) == {"fixes", "aliases", "safety"} else None


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def _record(cls: type, data: dict[str, Any], **nested: Any) -> Any:
    """A record from its normalised dict: lists become tuples where the record holds tuples."""
    names = _field_names(cls)
    values = {k: (tuple(v) if isinstance(v, list) and k not in ("categories",) else v) for k, v in data.items() if k in names}
    return cls(**{**values, **nested})


def _spec(d: dict[str, Any]) -> RuleSpec:
    ctx = d.get("entity_context")
    return _record(RuleSpec, d, entity_context=_record(EntityContext, ctx) if ctx else None,
                   reclassify=tuple(_record(Reclassify, r) for r in d.get("reclassify") or ()))


def _book(normal: dict[str, Any]) -> RuleBook:
    """The records from the normalised tables (the cache's content, or a fresh validation's dump)."""
    fixes, aliases, safety = normal["fixes"], normal["aliases"], normal["safety"]
    specs = [_spec(d) for d in fixes["rules"]]
    rules = tuple(Rule(s, tuple(a.lower() for a in s.anchors)) for s in sorted(specs, key=lambda r: -r.precedence))
    names, ranges = _split_aliases(aliases["python"])
    return RuleBook(rules, {k: list(v) for k, v in fixes["strategies"].items()}, names, dict(aliases["node"]),
                    _record(Safety, safety), frozenset(aliases["python_local"]), _record(Fallback, fixes["fallback"]), python_alias_ranges=ranges)


def _split_aliases(table: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """``{"pkg_resources": "setuptools<82"}`` → names ``{"pkg_resources": "setuptools"}``, ranges ``{"pkg_resources": "<82"}``."""
    names, ranges = {}, {}
    for module, value in table.items():
        m = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*$", value)
        names[module] = m.group(1) if m else value
        if m and m.group(2):
            ranges[module] = m.group(2).replace(" ", "")
    return names, ranges


def _validated(fixes_path: Path, aliases_path: Path, safety_path: Path) -> dict[str, Any]:
    """Parse and validate the YAML tables; their normalised form (what the cache holds)."""
    from agents.rules_schema import AliasesFile, KnownFixesFile, SafetyFile, validate

    fixes = validate(fixes_path, KnownFixesFile, _load_yaml(fixes_path))
    assert isinstance(fixes, KnownFixesFile)
    seen: set[str] = set()
    for spec in fixes.rules:
        if spec.id in seen:
            raise ConfigError(f"{fixes_path}: rule {spec.id!r} is defined twice; rule ids must be unique")
        seen.add(spec.id)
    for category in fixes.strategies:
        if category not in CATEGORIES:
            raise ConfigError(f"{fixes_path}: strategies.{category}: unknown category")
    aliases = validate(aliases_path, AliasesFile, _load_yaml(aliases_path))
    safety = validate(safety_path, SafetyFile, _load_yaml(safety_path))
    return {"fixes": fixes.model_dump(), "aliases": aliases.model_dump(), "safety": safety.model_dump()}


KEEP_CACHED = 8
"""Cache entries kept: several checkouts (or swarm versions) may share the cache folder; older table bytes go."""


def _prune(entry: Path) -> None:
    try:
        others = sorted((p for p in entry.parent.glob("rulebook-*.json") if p != entry), key=lambda p: p.stat().st_mtime)
        for old in others[: max(0, len(others) - (KEEP_CACHED - 1))]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # another start pruned it first, or the folder is read-only: nothing is lost


def load_rulebook(prompts_dir: Path | None = None, full: bool = False) -> RuleBook:
    """The tables, validated. Tables whose exact bytes validated before come from the cache; ``full`` reads and
    validates everything regardless (``fixes check``, ``doctor``)."""
    base = Path(prompts_dir or PROMPTS_DIR)
    fixes_path, aliases_path, safety_path = base / "known_fixes.yaml", base / "package_aliases.yaml", base / "safety.yaml"
    entry = _cache_file([fixes_path, aliases_path, safety_path])
    cached = None if full else _read_cache(entry)
    if cached is not None:
        try:
            return _book(cached)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # an entry of another shape (an older swarm, or edited by hand): read and validate the tables again
    normal = _validated(fixes_path, aliases_path, safety_path)
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(normal), encoding="utf-8")
            tmp.replace(entry)
            _prune(entry)
        except (OSError, TypeError, ValueError):
            pass  # no writable cache (or a table with values JSON cannot hold): every start validates everything
    return _book(normal)
