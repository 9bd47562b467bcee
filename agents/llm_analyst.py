"""The Analyzer's second opinion: when rules say `unknown` or are unsure, ask the model through the
`report_failure` tool. Both opinions are kept in the report, which says which one was used and why."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from agents import llm_context
from agents.analyzer import fingerprint
from agents.ports import LLM
from agents.prompting import SYSTEM, render
from agents.rules import RuleBook
from memory.errors import LLMError
from memory.models import CATEGORIES, EvidenceLine, FailureReport

TAXONOMY = {
    "missing_dependency": "a third-party package/module is not installed or not declared",
    "dependency_conflict": "version conflict, no matching distribution, ERESOLVE, peer-dependency conflict",
    "lockfile_mismatch": "lockfile out of sync with the manifest",
    "import_error": "a local import path is wrong (missing __init__.py, wrong relative path, case mismatch)",
    "build_timeout": "the build exceeded its time limit",
    "out_of_memory": "JS heap out of memory, process Killed, exit 137",
    "type_error": "TypeScript / mypy type-check errors",
    "syntax_error": "a parse error in source code",
    "runtime_error": "an exception in application code at start-up",
    "test_failure": "the test step of the build failed",
    "missing_env_var": "a required environment variable / secret is not set",
    "database_connection": "the database is unreachable or rejects the connection",
    "port_conflict": "address already in use",
    "port_binding": "the app does not listen where the platform expects ($PORT, 0.0.0.0)",
    "start_command": "the start command or entry point is wrong or not found",
    "runtime_version": "unsupported language/runtime or engine version",
    "network_transient": "registry/network hiccup",
    "rate_limit": "HTTP 429 / rate-limited by an API",
    "permission_denied": "EACCES, permission denied",
    "disk_space": "ENOSPC, no space left on device",
    "config_error": "invalid platform or tool configuration file",
    "unknown": "none of the above",
}
TOOL = {
    "name": "report_failure",
    "description": "Report the root cause of the failed deploy.",
    "input_schema": {
        "type": "object",
        "properties": {
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "entity": {"type": ["string", "null"]},
            "root_cause_line": {"type": "integer"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "explanation": {"type": "string"},
        },
        "required": ["category", "entity", "root_cause_line", "confidence", "explanation"],
    },
}
ASK_BELOW = 0.5


class Opinion(BaseModel):
    model_config = ConfigDict(extra="ignore")
    category: str
    entity: str | None = None
    root_cause_line: int = 0
    confidence: float = Field(ge=0, le=1)
    explanation: str = ""

    @field_validator("category")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in CATEGORIES:
            raise ValueError(f"category must be one of the taxonomy ids, not {v!r}")
        return v


def should_ask(report: FailureReport) -> bool:
    return report.category == "unknown" or report.confidence < ASK_BELOW


def second_opinion(llm: LLM, book: RuleBook, report: FailureReport, files: list[dict[str, Any]],
                   never_autofix: frozenset[str]) -> FailureReport:
    """The report to use: the model's when it is more confident than the rules, else the rules'."""
    rule_said = (f"{report.category}" + (f" ({report.entity})" if report.entity else "")
                 + f", confidence {report.confidence:.2f}: {report.summary}")
    prompt = render("analyzer.md", taxonomy=list(TAXONOMY.items()), rule_result=rule_said,
                    log_window=llm_context.log_window(report), files=files)
    messages: list[dict[str, Any]] = [{"role": "user", "content": prompt}]
    opinion: Opinion | None = None
    try:
        for _ in range(2):  # one repair turn for malformed tool input
            reply = llm.call(SYSTEM, messages, TOOL)
            try:
                opinion = Opinion.model_validate(reply.tool_input or {})
                break
            except ValidationError as exc:
                messages += [
                    {"role": "assistant", "content": [{"type": "tool_use", "id": reply.tool_use_id or "t0",
                                                       "name": TOOL["name"], "input": reply.tool_input or {}}]},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": reply.tool_use_id or "t0",
                                                  "is_error": True, "content": f"invalid input: {exc.errors()[0]['msg']}; call report_failure again"}]},
                ]
    except LLMError as exc:
        return report.model_copy(update={"opinions": [*report.opinions, {"source": "llm", "error": str(exc)}],
                                         "decision": f"rules (the LLM could not be asked: {exc})"})
    rules_op = {"source": "rules", "category": report.category, "entity": report.entity, "confidence": report.confidence,
                "explanation": report.summary}
    if opinion is None:
        return report.model_copy(update={"opinions": [rules_op, {"source": "llm", "error": "malformed report_failure input twice"}],
                                         "decision": "rules (the model's answer was malformed)"})
    llm_op = {"source": "llm", **opinion.model_dump()}
    if opinion.category == "unknown" or opinion.confidence <= report.confidence:
        return report.model_copy(update={"opinions": [rules_op, llm_op],
                                         "decision": f"rules (the model was not more confident: {opinion.confidence:.2f})"})
    line = next((e for e in report.evidence if e.line == opinion.root_cause_line), None)
    root = line.text if line else report.root_cause
    auto = opinion.category not in never_autofix and bool(book.strategies.get(opinion.category))
    return report.model_copy(update={
        "category": opinion.category, "entity": opinion.entity, "confidence": round(opinion.confidence, 2),
        "source": "llm", "auto_fixable": auto, "fingerprint": fingerprint(opinion.category, opinion.entity, root),
        "root_cause": root[:500], "root_line": opinion.root_cause_line or report.root_line,
        "summary": f"LLM: {opinion.explanation[:400]}", "opinions": [rules_op, llm_op],
        "decision": f"llm (rules said {report.category} at {report.confidence:.2f}; the model {opinion.confidence:.2f})",
        "evidence": report.evidence or [EvidenceLine(line=0, text=root)],
    })
