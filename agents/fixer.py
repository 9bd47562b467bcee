"""Fixer: turns the plan into concrete candidates, each a diff made in its own checkout."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from agents.context import AgentContext
from agents.policy import diff_paths
from agents.safepath import UnsafePath, links_withdrawn
from agents.strategies import NO_CHANGE, StrategyDeclined, Tools, registry
from memory.errors import SwarmError
from memory.models import FailureReport, FixCandidate

log = logging.getLogger(__name__)


class _Lazy(Mapping[str, list[str]]):
    """The platform's runtimes, asked for the first time a strategy reads them (probing interpreters costs a
    process per version; most fixes never need it)."""

    def __init__(self, load: Callable[[], dict[str, list[str]]]) -> None:
        self._load = load
        self._value: dict[str, list[str]] | None = None

    def _get(self) -> dict[str, list[str]]:
        if self._value is None:
            self._value = self._load()
        return self._value

    def __getitem__(self, key: str) -> list[str]:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def propose(
    ctx: AgentContext, report: FailureReport, strategies: list[str], base_sha: str, session_id: str, attempt: int,
    budget: int = 3,
    stack: FixCandidate | None = None,
) -> tuple[list[FixCandidate], list[str]]:
    """Candidates for the first strategies that apply, and a note for each one that did not."""
    known = registry()
    runtimes = _Lazy(ctx.platform.runtimes if hasattr(ctx.platform, "runtimes") else dict)  # probed only if a strategy asks
    tools = Tools(ctx.workspace, runtimes, dict(ctx.rules.python_aliases), attempt=attempt, llm=ctx.llm,
                  alias_ranges=dict(ctx.rules.python_alias_ranges))
    candidates: list[FixCandidate] = []
    notes: list[str] = []
    for name in strategies:
        strategy = known.get(name)
        if strategy is None:
            notes.append(f"{name}: no such strategy (check prompts/known_fixes.yaml)")
            continue
        if stack is not None and name in NO_CHANGE:  # a redeploy cannot carry the change it would sit on
            notes.append(f"{name}: not stacked on {stack.id}: it changes nothing, and the change below it is unproven")
            continue
        variant, alternatives = 0, 1
        while variant < alternatives and len(candidates) < budget:
            tree = ctx.workspace.checkout(f"{session_id}-a{attempt}-fix-{name}-{variant}", base_sha)
            try:
                if stack is not None:
                    ctx.workspace.apply(tree, stack.diff)
                avoid = tuple(c.summary for c in candidates if c.strategy == name)
                # links out of the repository are withdrawn while the strategy (and any tool it runs) works
                with links_withdrawn(tree):
                    result = strategy(report, tree, replace(tools, variant=variant, avoid=avoid))
                diff = ctx.workspace.diff(tree)
            except StrategyDeclined as exc:
                notes.append(f"{name}: declined: {exc}")
                break
            except UnsafePath as exc:
                notes.append(f"{name}: refused: {exc}")
                break
            except SwarmError:
                raise  # the workspace or the platform failed: that ends the attempt, as before
            except Exception as exc:  # noqa: BLE001 - one strategy's bug must not end the heal: reported, the rest go on
                # a decode or parse error on a repository file that is not the text or format its name says is the
                # repository's, a person's to fix; anything else is swarm's own bug
                unreadable = unreadable_manifests(tree) if isinstance(exc, ValueError) else []
                if unreadable:
                    notes.append(f"{name}: declined: {'; '.join(unreadable)}: the strategy could not read it "
                                 f"({type(exc).__name__}), it is left to a person")
                else:
                    log.exception("strategy %s failed on %s", name, report.category)
                    notes.append(f"{name}: failed ({type(exc).__name__}: {exc}); this is a bug in swarm, the other "
                                 "strategies went on")
                break
            finally:
                ctx.workspace.discard(tree)
            alternatives = max(1, result.alternatives)
            cid = (f"{stack.id}+" if stack else f"a{attempt}-") + name + (f"-v{variant + 1}" if variant else "")
            variant += 1
            if name not in NO_CHANGE and not diff.strip():
                notes.append(f"{cid}: produced no change")
                continue
            if any(c.diff == diff for c in candidates):
                continue
            candidates.append(FixCandidate(
                id=cid, strategy=name, summary=f"{stack.summary}; then {result.summary}" if stack else result.summary, diff=diff, files=sorted(diff_paths(diff)),
                predicted_success=result.predicted_success * (0.9 ** (variant - 1)), cost=result.cost, params=result.params,
                layers=[*stack.layers, stack.strategy] if stack else [],
            ))
    return candidates, notes



def unreadable_manifests(tree: Path) -> list[str]:
    """The files a build reads by name (fix_text_encoding's BY_NAME) that are not UTF-8 text, or not the JSON or
    TOML their names say."""
    import json
    import tomllib

    from agents.strategies.fix_text_encoding import BY_NAME, MAX_BYTES

    found: list[str] = []
    for path in sorted({p for pattern in BY_NAME for p in tree.glob(pattern)}):
        if path.is_symlink() or not path.is_file():
            continue
        name = path.name
        try:
            text = path.read_bytes()[:MAX_BYTES].decode("utf-8")
        except UnicodeDecodeError as exc:
            found.append(f"{name} is not UTF-8 text (byte {exc.start})")
            continue
        try:
            if name.endswith(".json"):
                json.loads(text)
            elif name.endswith(".toml") or name == "Pipfile":
                tomllib.loads(text)
        except ValueError as exc:
            found.append(f"{name} is not valid {'JSON' if name.endswith('.json') else 'TOML'} ({str(exc).splitlines()[0][:120]})")
    return found
