"""Secret redaction applied to every artifact, log line, prompt and report."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "[REDACTED]"

_PATTERNS = [
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
    re.compile(r"\brnd_[A-Za-z0-9]{16,}"),
    re.compile(r"\bxox[abprs]-[A-Za-z0-9\-]{10,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._\-]{12,}"),
]
# key=value / key: value where the key names a secret
_ASSIGN = re.compile(
    r"(?i)\b([A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY)[A-Z0-9_]*)"
    r"(\s*[=:]\s*)(['\"]?)([^\s'\"]{4,})"
)
_URL_CREDS = re.compile(r"([a-z][a-z0-9+.\-]*://)([^/\s:@]*):([^/\s@]+)@", re.I)


class Redactor:
    """Masks known secret values (from the environment) and anything that looks like a secret."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._values = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def with_values(self, secrets: Iterable[str]) -> Redactor:
        return Redactor([*self._values, *secrets])

    def __call__(self, text: str) -> str:
        if not text:
            return text
        for value in self._values:
            text = text.replace(value, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(MASK, text)
        text = _ASSIGN.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{MASK}", text)
        text = _URL_CREDS.sub(lambda m: f"{m.group(1)}{m.group(2)}:{MASK}@", text)
        return text


def redact_obj(obj: object, redactor: Redactor) -> object:
    """Redact every string inside a JSON-like structure."""
    if isinstance(obj, str):
        return redactor(obj)
    if isinstance(obj, dict):
        return {k: redact_obj(v, redactor) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [redact_obj(v, redactor) for v in obj]
    return obj
