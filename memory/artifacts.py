"""Session artifacts on disk: ``<root>/sessions/<id>/``. Everything written here is redacted."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

from memory.atomic import write_atomic
from memory.errors import DISK_ERRNOS, ConfigError, storage_error
from memory.redact import Redactor, redact_obj

_SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def check_session_id(session_id: str) -> str:
    if not _SESSION_ID.match(session_id or "") or ".." in session_id:
        raise ConfigError(
            f"invalid session id {session_id!r}: use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return session_id


class SessionArtifacts:
    def __init__(self, root: Path, session_id: str, redactor: Redactor | None = None) -> None:
        self.root = Path(root)
        self.session_id = check_session_id(session_id)
        self.dir = self.root / "sessions" / session_id
        self.redact = redactor or Redactor()
        self._lock = threading.Lock()

    def ensure(self) -> SessionArtifacts:
        """Create the session folder, private to the user (0700): it holds logs of the app."""
        try:
            self._ensure()
        except OSError as exc:
            if exc.errno in DISK_ERRNOS:
                raise storage_error(exc, str(self.dir)) from exc
            raise
        return self

    def _ensure(self) -> None:
        for folder in (self.root, self.root / "sessions", self.dir, self.dir / "agents"):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (self.dir, self.dir / "agents"):
            os.chmod(folder, 0o700)

    def private_file(self, name: str) -> Path:
        """``name`` in the session folder, created (or narrowed to) mode 0600, for files written by others (SQLite)."""
        path = self.dir / name
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
        return path

    def path(self, name: str) -> Path:
        return self.dir / name

    def exists(self) -> bool:
        return self.dir.is_dir()

    def write_text(self, name: str, text: str) -> Path:
        try:
            return self._write_text(name, text)
        except OSError as exc:
            if exc.errno in DISK_ERRNOS:
                raise storage_error(exc, str(self.dir / name)) from exc
            raise

    def _write_text(self, name: str, text: str) -> Path:
        target = self.dir / name
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return write_atomic(target, self.redact(text))

    def write_json(self, name: str, obj: Any) -> Path:
        return self.write_text(name, json.dumps(redact_obj(plain(obj), self.redact), indent=2, default=str) + "\n")

    def read_json(self, name: str) -> Any:
        return json.loads((self.dir / name).read_text(encoding="utf-8"))

    def agent_output(self, agent: str, payload: Any) -> Path:
        return self.write_json(f"agents/{agent}_output.json", payload)

    def append_event(self, event: dict[str, Any]) -> None:
        line = json.dumps(redact_obj(plain(event), self.redact), default=str)
        self._append("events.jsonl", line + "\n")

    def append_log(self, name: str, line: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        self._append(name, f"{stamp} {self.redact(line)}\n")

    def _append(self, name: str, text: str) -> None:
        """One whole line appended to a private (0600) file in a single write."""
        with self._lock:
            try:
                fd = os.open(self.dir / name, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
                try:
                    os.write(fd, text.encode("utf-8"))
                finally:
                    os.close(fd)
            except OSError as exc:
                if exc.errno in DISK_ERRNOS:
                    raise storage_error(exc, str(self.dir / name)) from exc
                raise

    def events(self) -> list[dict[str, Any]]:
        try:
            lines = (self.dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines:
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut by a kill: skip it, keep the rest
        return out


def list_sessions(root: Path) -> list[Path]:
    base = Path(root) / "sessions"
    if not base.is_dir():
        return []
    return sorted((p for p in base.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)


def plain(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    return obj


def llm_usage(path: Path) -> dict[str, float]:
    """Totals of the per-call LLM usage records (``llm_calls.jsonl``)."""
    totals: dict[str, float] = {"calls": 0, "input_tokens": 0, "output_tokens": 0, "cache_read_input_tokens": 0,
                                "cache_creation_input_tokens": 0, "cost_usd": 0.0}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return totals
    for line in lines:
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        totals["calls"] += 1
        for key in totals:
            if key != "calls":
                totals[key] += rec.get(key, 0) or 0
    totals["cost_usd"] = round(totals["cost_usd"], 4)
    return totals
