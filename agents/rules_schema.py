"""The schema of the tunable tables (pydantic): what ``load_rulebook`` checks when a table's bytes are new.

Imported only then (and by ``fixes check``): a start whose tables validated before reads the cached, normalised
tables into the plain records of :mod:`agents.rules` without importing pydantic.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from memory.errors import ConfigError
from memory.taxonomy import CATEGORIES

EntityKind = Literal["raw", "python_module", "node_module", "env_var", "port", "version", "path", "basename", "package"]


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EntityContext(_M):
    """Where to find the entity when the matched line does not hold it (a traceback's file line, a stack frame)."""

    pattern: str
    where: Literal["before", "after", "around"] = "before"
    within: int = Field(6, ge=1, le=10)
    entity: EntityKind = "raw"
    prefix: str = ""
    """Put before the captured text; ``{name}`` is a named group of the rule's own match, lowercased (``{tool}-``
    turns pnpm's "Your pnpm version is incompatible" + "Expected version: ^9.15.6" into ``pnpm-^9.15.6``)."""

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            if "entity" not in re.compile(v).groupindex:
                raise ValueError("entity_context.pattern needs a named group (?P<entity>...)")
        except re.error as exc:
            raise ValueError(f"pattern does not compile: {exc}") from exc
        return v


def _known_category(v: str) -> str:
    if v not in CATEGORIES:
        raise ValueError(f"unknown category {v!r}; use one of: {', '.join(CATEGORIES)}")
    return v


def _compiles(v: str) -> str:
    try:
        re.compile(v)
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
    valid_python: bool = False
    """Only when the source line the SyntaxError shows parses as Python here (a newer interpreter): the code is
    modern and the runtime old, rather than code that is wrong in every version."""
    valid_js: bool = False
    """Only when the source line a JavaScript SyntaxError shows parses as modern JavaScript (tree-sitter): valid
    code refused by an older Node."""
    why: str = ""

    @field_validator("category")
    @classmethod
    def _known(cls, v: str) -> str:
        return _known_category(v)

    @field_validator("pattern", "unless")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        return v if v is None else _compiles(v)


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
        return _known_category(v)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        return _compiles(v)


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


ALIAS_VALUE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<spec>(?:[<>=!~]=?\s*[\w.*+-]+\s*,?\s*)*)$")
"""A distribution name, optionally with the versions that still ship the module (``setuptools<82``)."""


class AliasesFile(_M):
    version: Literal[1] = 1
    python: dict[str, str] = Field(default_factory=dict)
    """Import name → distribution, or distribution with a range when the module left it at a release
    (``pkg_resources: setuptools<82``)."""
    python_local: list[str] = Field(default_factory=list)
    node: dict[str, str] = Field(default_factory=dict)

    @field_validator("python")
    @classmethod
    def _requirements(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [f"{k}: {val!r}" for k, val in v.items() if not ALIAS_VALUE.match(val.strip())]
        if bad:
            raise ValueError("not a distribution name with an optional version range: " + "; ".join(bad))
        return v


class SafetyFile(_M):
    version: Literal[1] = 1
    protected: list[str] = Field(default_factory=list)
    never_autofix: list[str] = Field(default_factory=list)
    max_changed_lines: int = Field(40, ge=1)
    max_lockfile_packages: int = Field(150, ge=1)


def validate(path: Path, model: type[_M], data: object) -> _M:
    """The table validated, or a ConfigError naming the file and the entries that are wrong."""
    try:
        return model.model_validate(data)
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
