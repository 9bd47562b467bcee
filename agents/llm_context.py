"""What the model sees: the root-cause window of the log and the files it names, within a budget."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from memory.models import FailureReport

MAX_FILE_CHARS = 12_000
MAX_TOTAL_CHARS = 40_000
_PATHLIKE = re.compile(r"[\w./-]+\.(?:py|js|jsx|ts|tsx|mjs|cjs|json|toml|txt|cfg|ini|yaml|yml|coffee)\b")
MANIFESTS = ("requirements.txt", "pyproject.toml", "package.json", "Procfile")


def log_window(report: FailureReport) -> str:
    return "\n".join(f"{e.line:>6} | {e.text}" for e in report.evidence)


def named_files(report: FailureReport, repo_files: Iterable[str]) -> list[str]:
    """Repository files named in the evidence (stack traces, compiler output) or as the entity, in order."""
    files = list(repo_files)
    out: list[str] = []
    texts = [e.text for e in report.evidence] + [report.entity or ""]
    for text in texts:
        for token in _PATHLIKE.findall(text):
            token = token.lstrip("./")
            match = next((f for f in files if f == token or token.endswith("/" + f) or f.endswith("/" + token)), None)
            if match and match not in out:
                out.append(match)
    return out


def gather(report: FailureReport, repo_files: Iterable[str], read: Callable[[str], str | None]) -> tuple[list[dict[str, Any]], str]:
    """(files as {path, text}, manifest text) within MAX_TOTAL_CHARS."""
    files, total = [], 0
    for path in named_files(report, repo_files):
        text = read(path)
        if text is None:
            continue
        text = text[:MAX_FILE_CHARS] + ("\n…(truncated)" if len(text) > MAX_FILE_CHARS else "")
        if total + len(text) > MAX_TOTAL_CHARS:
            break
        files.append({"path": path, "text": text})
        total += len(text)
    manifest = ""
    for name in MANIFESTS:
        if name in repo_files and not any(f["path"] == name for f in files):
            text = read(name)
            if text and total + len(text) < MAX_TOTAL_CHARS:
                manifest += f"--- {name} ---\n{text[:4000]}\n"
                total += len(text[:4000])
    return files, manifest
