"""User-facing progress: the one place that prints while a session runs (rich on a terminal)."""

from __future__ import annotations

import sys
import time
from typing import Any


class Progress:
    def __init__(self, stream: Any = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._console = None
        if self.tty and not quiet:
            from rich.console import Console

            self._console = Console(file=self.stream, highlight=False)
        self._start = time.monotonic()

    def line(self, text: str, style: str = "") -> None:
        if self.quiet:
            return
        stamp = f"[{time.monotonic() - self._start:6.1f}s]"
        if self._console is not None:
            self._console.print(f"[dim]{stamp}[/dim] {text}", style=style or None, markup=True)
        else:
            print(f"{stamp} {text}", file=self.stream, flush=True)

    def __call__(self, kind: str, data: dict[str, Any]) -> None:
        text = describe(kind, data)
        if text:
            self.line(text)


def describe(kind: str, d: dict[str, Any]) -> str | None:
    match kind:
        case "deploy_started":
            return f"deploy {d.get('deploy')} of {str(d.get('sha'))[:12]} started ({d.get('deploy_kind')})"
        case "deploy_status":
            return f"  {d.get('deploy')}: {d.get('status')}"
        case "analyzed":
            return (f"analyzer: {d.get('category')}" + (f" ({d.get('entity')})" if d.get("entity") else "")
                    + ("" if d.get("auto_fixable") else ": not auto-fixable") + (f"; stop: {d['stop']}" if d.get("stop") else ""))
        case "planned":
            return f"optimizer: strategies {', '.join(d.get('strategies') or []) or '(none)'}; validating up to {d.get('budget')}"
        case "proposed":
            notes = d.get("notes") or []
            return f"fixer: candidates {', '.join(d.get('candidates') or []) or '(none)'}" + (f"; {'; '.join(notes)}" if notes else "")
        case "validated":
            if not d.get("passed") and d.get("next"):
                return (f"validator: {d.get('candidate')} cures its failure; its start-up check found the next one: "
                        f"{d.get('next')}" + (f" ({d.get('next_entity')})" if d.get("next_entity") else ""))
            return f"validator: {d.get('candidate')} {'passed' if d.get('passed') else 'FAILED'}" + (
                f" ({'; '.join(d['policy'])})" if d.get("policy") else "")
        case "pushed":
            return f"deploy: pushed {str(d.get('sha'))[:12]}" + (" (already on the remote)" if d.get("reused") else "")
        case "cooldown":
            return f"waiting {d.get('seconds')}s before the redeploy"
        case "verified":
            return f"verify: {d.get('why')}"
        case "platform_rollback_refused":
            return f"rollback: the platform refused to restore {d.get('to')} ({d.get('why')}); deploying the revert commit instead"
        case "rollback_started":
            if d.get("native"):
                return (f"rollback: the platform restores {str(d.get('to'))[:12]} as deploy {d.get('deploy')}; "
                        f"revert commit {str(d.get('sha'))[:12]} pushed so the branch matches")
            return f"rollback: deploy {d.get('deploy')} of {str(d.get('sha'))[:12]}"
        case "escalated":
            return f"escalated: {d.get('reason')}"
        case "deploy_followed":
            return f"monitor: deploy {d.get('from')} ended {d.get('why')}; following deploy {d.get('to')} of {str(d.get('sha'))[:12]}"
        case "superseded":
            return f"monitor: deploy {d.get('deploy')} was replaced by {d.get('by')} of a newer push {str(d.get('sha'))[:12]}; stopping"
        case "log_source_refused":
            return f"monitor: the platform refused the {d.get('source')} logs ({d.get('why')}); using the others"
        case "fallback":
            return f"the swarm failed ({d.get('error')}); finishing with the single-threaded heal loop"
        case "resumed":
            return f"resuming at {', '.join(d.get('next') or []) or 'the end'}"
        case "done":
            n = d.get("deploys")
            return (f"done: {d.get('outcome')} after {n} deploy{'' if n == 1 else 's'} ({d.get('by_swarm', 0)} triggered by swarm, "
                    f"{d.get('by_push', 0)} by pushes): {d.get('reason')}")
    return None
