"""``swarm fixes check|list``: validate the tables in prompts/ and show them."""

from __future__ import annotations

import argparse

from agents.analyzer import _match_uncached
from agents.rules import RuleBook, load_rulebook
from agents.strategies import registry

MIN_TOOLS = 3
"""A category's rules must cover at least this many tools: a family written from one tool's wording misses the rest."""


def tool_coverage(book: RuleBook) -> list[str]:
    """Warnings: categories whose rules cover fewer than MIN_TOOLS tools; tools a rule names without an example."""
    warnings: list[str] = []
    by_category: dict[str, set[str]] = {}
    for rule in book.rules:
        spec = rule.spec
        by_category.setdefault(spec.category, set()).update(spec.tools)
        shown = {t for t in spec.example_tools if t}
        for tool in sorted(shown - set(spec.tools)):
            warnings.append(f"rule {spec.id}: an example is tagged {tool!r}, which is not in its tools {spec.tools}")
        missing = [t for t in spec.tools if t not in shown]
        if spec.tools and missing:
            warnings.append(f"rule {spec.id}: no example from {', '.join(missing)} (tag one: `- {missing[0]}: <line>`)")
        if not spec.tools:
            warnings.append(f"rule {spec.id}: names no tool family (`tools: [...]`)")
    for category, tools in sorted(by_category.items()):
        if category != "unknown" and len(tools) < MIN_TOOLS:
            warnings.append(f"category {category}: its rules cover {len(tools)} tool(s) ({', '.join(sorted(tools)) or 'none'}); "
                            f"write phrase families from at least {MIN_TOOLS} tools' wording")
    return warnings


def problems(book: RuleBook) -> tuple[list[str], list[str]]:
    """(errors, warnings): rules that can never match, shadowed rules, anchors that miss, bad strategies."""
    errors: list[str] = []
    warnings: list[str] = []
    known = registry()
    for rule in book.rules:
        spec = rule.spec
        if not spec.examples:
            warnings.append(f"rule {spec.id}: no examples, so nothing proves it can match")
        for example in spec.examples:
            if rule.regex.search(example) is None:
                errors.append(f"rule {spec.id}: can never match its example {example!r}")
                continue
            if not any(a in example.lower() for a in rule.anchors):
                errors.append(f"rule {spec.id}: matches {example!r} but none of its anchors is in it (the fast scan would miss it)")
            winner = _match_uncached(example, book.rules)
            if winner is not None and winner[0].spec.id != spec.id:
                errors.append(f"rule {spec.id}: shadowed by {winner[0].spec.id} (precedence {winner[0].spec.precedence}) on {example!r}")
    warnings += tool_coverage(book)
    for category, names in book.strategies.items():
        for name in names:
            if name not in known:
                errors.append(f"strategies.{category}: unknown strategy {name!r} (known: {', '.join(sorted(known))})")
    return errors, warnings


def cmd_fixes(args: argparse.Namespace) -> int:
    book = load_rulebook(full=True)  # a ConfigError names the file and the entry
    if args.fixes_command == "list":
        for rule in book.rules:
            s = rule.spec
            print(f"{s.precedence:>3}  {s.id:32} {s.category:20} {s.ecosystem or '-':7} conf {s.confidence:.2f}  "
                  f"{len(s.examples)} examples  tools: {', '.join(s.tools) or '-'}")
        print("\nstrategies:")
        for category, names in sorted(book.strategies.items()):
            print(f"  {category:20} {', '.join(names)}")
        print(f"\npython aliases: {len(book.python_aliases)}, node aliases: {len(book.node_aliases)}, "
              f"protected globs: {len(book.safety.protected)}")
        return 0
    errors, warnings = problems(book)
    for w in warnings:
        print(f"warning: {w}")
    for e in errors:
        print(f"error: {e}")
    print(f"{len(book.rules)} rules, {sum(len(r.spec.examples) for r in book.rules)} examples: "
          f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0
