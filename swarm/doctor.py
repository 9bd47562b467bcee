"""``swarm doctor``: which parts are configured and reachable. Reads only; changes nothing."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from memory.errors import StoreUnavailable, SwarmError


def _version(cmd: list[str]) -> str | None:
    exe = shutil.which(cmd[0])
    if exe is None:
        return None
    out = subprocess.run([exe, *cmd[1:]], capture_output=True, text=True)
    return (out.stdout or out.stderr).strip().splitlines()[0] if out.returncode == 0 else None


def _llm_row(key: str, base_url: str | None) -> tuple[str, str, str]:
    """One cheap real call: list one model (GET /v1/models?limit=1 costs no tokens). A key set for a server that cannot
    be reached, or that refuses it, is not "configured"."""
    import anthropic

    where = base_url or "the default API"
    try:
        client = anthropic.Anthropic(api_key=key, base_url=base_url, max_retries=0, timeout=10.0)
        page = client.models.list(limit=1)
        first = next(iter(page.data), None)
        return "llm", "ok", f"{where} answers" + (f" (e.g. model {first.id})" if first else "")
    except anthropic.AuthenticationError:
        return "llm", "refused", f"{where} refuses the ANTHROPIC_API_KEY (401): check the key"
    except anthropic.APIStatusError as exc:
        return "llm", "unreachable", f"{where} answered HTTP {exc.status_code}: {str(exc.message)[:160]}"
    except anthropic.APIError as exc:
        return "llm", "unreachable", f"{where} cannot be reached: {type(exc).__name__}: {str(exc)[:160]}"


def cmd_doctor(args: argparse.Namespace) -> int:
    from agents.rules import load_rulebook
    from memory.redact import Redactor
    from memory.store import open_store
    from swarm.config import artifacts_root, load_env
    from swarm.fixes import problems
    from swarm.platforms.local import LocalPlatform

    env = load_env()
    rows: list[tuple[str, str, str]] = []
    rows.append(("python", "ok", sys.version.split()[0]))
    for tool, cmd in (("git", ["git", "--version"]), ("grep", ["grep", "--version"]), ("node", ["node", "--version"]),
                      ("npm", ["npm", "--version"])):
        v = _version(cmd)
        rows.append((tool, "ok" if v else ("missing" if tool in ("git", "grep") else "absent"), v or "not found on PATH"))
    red = Redactor([env.REDIS_URL.split("@")[0]] if env.REDIS_URL and "@" in env.REDIS_URL else [])
    if env.REDIS_URL:
        try:
            open_store(env.REDIS_URL).ping()
            rows.append(("store", "ok", f"Redis at {red(env.REDIS_URL)}"))
        except StoreUnavailable as exc:
            rows.append(("store", "unreachable", str(exc)))
    else:
        rows.append(("store", "ok", "in-process fakeredis (set REDIS_URL to share sessions across processes)"))
    if env.ANTHROPIC_API_KEY:
        rows.append(_llm_row(env.ANTHROPIC_API_KEY.get_secret_value(), env.ANTHROPIC_BASE_URL))
    else:
        rows.append(("llm", "off", "no ANTHROPIC_API_KEY: the swarm runs on rules alone"))
    runtimes = LocalPlatform(repo=Path.cwd(), state_dir=artifacts_root(env) / "platform" / ".doctor").runtimes()
    rows.append(("local platform", "ok", f"python {', '.join(runtimes['python']) or 'none'}; node {', '.join(runtimes['node']) or 'none'}"))
    try:
        errors, warnings = problems(load_rulebook(full=True))
        rows.append(("tables", "ok" if not errors else "errors", f"{len(errors)} errors, {len(warnings)} warnings (swarm fixes check)"))
    except SwarmError as exc:
        rows.append(("tables", "errors", str(exc)))
    root = artifacts_root(env)
    root.mkdir(parents=True, exist_ok=True)
    rows.append(("artifacts", "ok" if os.access(root, os.W_OK) else "not writable", str(root)))
    for name, status, detail in rows:
        print(f"{name:15} {status:12} {detail}")
    return 0 if not any(s in ("missing", "unreachable", "refused", "errors", "not writable") for _, s, _ in rows) else 1
