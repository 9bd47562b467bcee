"""llm_patch: ask the model for a code change through the `propose_fix` tool.

Each edit is ``{path, old, new}``: ``path`` relative to the repository, ``old`` occurring exactly once
in that file. Anything else is rejected and the model is told exactly why, for at most two repair
turns. The edits are applied to the candidate's own checkout; the Validator and the safety policy
then judge the result like any other candidate. The model never runs commands.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from agents import llm_context, safepath
from agents.prompting import SYSTEM, render
from agents.strategies import StrategyDeclined, StrategyResult, Tools
from memory.errors import LLMError
from memory.models import FailureReport

TOOL = {
    "name": "propose_fix",
    "description": "Propose the smallest change that fixes the failure, as exact text replacements.",
    "input_schema": {
        "type": "object",
        "properties": {
            "summary": {"type": "string"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "edits": {"type": "array", "minItems": 1, "items": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "old": {"type": "string"}, "new": {"type": "string"}},
                "required": ["path", "old", "new"]}},
        },
        "required": ["summary", "confidence", "edits"],
    },
}
REPAIR_TURNS = 2
SKIP = {".git", ".venv", "venv", "node_modules"}


def repo_files(tree: Path) -> list[str]:
    return sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*")
                  if p.is_file() and not SKIP.intersection(p.relative_to(tree).parts))


def check_edits(tree: Path, data: Any) -> tuple[list[str], dict[Path, str]]:
    """(problems, new file contents). Nothing is written unless there are no problems."""
    if not isinstance(data, dict) or not isinstance(data.get("edits"), list) or not data["edits"]:
        return ["the input must be {summary, confidence, edits: [{path, old, new}, ...]} with at least one edit"], {}
    if not isinstance(data.get("summary"), str) or not isinstance(data.get("confidence"), int | float):
        return ["summary (string) and confidence (number 0..1) are required"], {}
    problems: list[str] = []
    contents: dict[Path, str] = {}
    root = tree.resolve()
    for i, edit in enumerate(data["edits"]):
        if not isinstance(edit, dict) or not all(isinstance(edit.get(k), str) for k in ("path", "old", "new")):
            problems.append(f"edit {i}: path, old and new must all be strings")
            continue
        if not edit["path"].strip() or "\x00" in edit["path"]:
            problems.append(f"edit {i}: {edit['path']!r} is not a file path")
            continue
        rel = PurePosixPath(edit["path"])
        target = (tree / rel).resolve()
        if rel.is_absolute() or ".." in rel.parts or not str(target).startswith(str(root) + "/"):
            problems.append(f"edit {i}: {edit['path']} is outside the repository; paths are relative to its root")
            continue
        if rel.parts and rel.parts[0] == ".git":
            problems.append(f"edit {i}: {edit['path']} is under .git/, which is never edited")
            continue
        try:
            safepath.resolve_inside(root, rel)
        except safepath.UnsafePath as exc:
            problems.append(f"edit {i}: {exc}")
            continue
        if not target.is_file():
            problems.append(f"edit {i}: {edit['path']} does not exist in the repository")
            continue
        text = contents.get(target) or target.read_text(encoding="utf-8", errors="replace")
        count = text.count(edit["old"]) if edit["old"] else 0
        if count != 1:
            problems.append(f"edit {i}: `old` occurs {count} times in {edit['path']}; it must occur exactly once "
                            "(copy the text exactly, with more context if it repeats)")
            continue
        contents[target] = text.replace(edit["old"], edit["new"], 1)
    return problems, contents


def llm_patch(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    if tools.llm is None:
        raise StrategyDeclined("no LLM is available (set ANTHROPIC_API_KEY); rules have no code fix for this")
    files = repo_files(tree)
    ctx_files, manifest = llm_context.gather(report, files, lambda p: safepath.read_text(tree, p))
    prompt = render("fixer.md", category=report.category, entity=report.entity or "", root_cause=report.root_cause,
                    log_window=llm_context.log_window(report), files=ctx_files, manifest=manifest,
                    avoid="; ".join(tools.avoid))
    messages: list[dict[str, Any]] = [{"role": "user", "content": prompt}]
    problems: list[str] = []
    for _turn in range(1 + REPAIR_TURNS):
        try:
            reply = tools.llm.call(SYSTEM, messages, TOOL)
        except LLMError as exc:
            raise StrategyDeclined(str(exc)) from exc
        problems, contents = check_edits(tree, reply.tool_input)
        if not problems:
            for path, text in contents.items():
                path.write_text(text, encoding="utf-8")
            data = reply.tool_input or {}
            conf = max(0.0, min(1.0, float(data.get("confidence", 0.5))))
            return StrategyResult(f"LLM ({tools.llm.model}): {str(data.get('summary', ''))[:200]}",
                                  {"edits": len(contents), "model_confidence": conf, "files": sorted(
                                      p.relative_to(tree.resolve()).as_posix() for p in contents)},
                                  predicted_success=0.3 + 0.4 * conf, cost=1.5, alternatives=2)
        messages += [
            {"role": "assistant", "content": [{"type": "tool_use", "id": reply.tool_use_id or "t", "name": TOOL["name"],
                                               "input": reply.tool_input if isinstance(reply.tool_input, dict) else {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": reply.tool_use_id or "t", "is_error": True,
                                          "content": "Rejected, nothing was applied:\n- " + "\n- ".join(problems)
                                          + "\nCall propose_fix again with corrected edits."}]},
        ]
    raise StrategyDeclined("the model's edits were rejected after 2 repair turns: " + "; ".join(problems))
