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

    def close(self) -> None:
        return None


AGENT_OF = {"deploy_status": "Monitor", "monitored": "Monitor", "deploy_started": "Deploy", "pushed": "Deploy",
            "analyzed": "Analyzer", "planned": "Optimizer", "proposed": "Fixer", "validated": "Validator",
            "verified": "Monitor", "rollback_started": "Deploy", "escalated": "Deploy", "done": "—"}
AGENTS = ("Analyzer", "Fixer", "Validator", "Optimizer", "Monitor", "Deploy")
NEXT_AGENT = {"deploy_started": "Monitor", "pushed": "Deploy", "analyzed": "Optimizer", "planned": "Fixer", "proposed": "Validator",
              "monitored": "Analyzer"}


class LivePanel(Progress):
    """On a terminal: one live panel (rich) instead of scrolling lines: the six agents and which one works now, the
    deploy's status and elapsed time, the candidates with their validation as it comes, the last lines; refreshed at
    least once a second, so there is never a silent wait."""

    def __init__(self, stream: Any = None) -> None:
        super().__init__(stream=stream)
        from rich.console import Console
        from rich.live import Live

        self._console = Console(file=self.stream, highlight=False)
        self.working = "Monitor"
        self.deploy = "-"
        self.deploy_since = time.monotonic()
        self.candidates: dict[str, str] = {}
        self.last: list[str] = []
        self.title = "swarm"
        self._live = Live(get_renderable=self.render, console=self._console, refresh_per_second=4, transient=False)
        self._live.start()

    def render(self) -> Any:
        from rich.console import Group
        from rich.panel import Panel
        from rich.table import Table

        now = time.monotonic()
        agents = Table.grid(padding=(0, 2))
        agents.add_row(*[f"[bold reverse] {a} [/]" if a == self.working else f"[dim]{a}[/]" for a in AGENTS])
        status = Table.grid(padding=(0, 1))
        status.add_row("[bold]deploy[/]", f"{self.deploy} ({now - self.deploy_since:.0f}s)", "[bold]elapsed[/]",
                       f"{now - self._start:.0f}s")
        cands = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
        cands.add_column("candidate")
        cands.add_column("validation")
        for cid, state in list(self.candidates.items())[-6:]:
            cands.add_row(cid, state)
        lines = "\n".join(self.last[-6:]) or "…"
        return Panel(Group(agents, status, cands if self.candidates else "[dim]no candidates yet[/]", "", f"[dim]{lines}[/]"),
                     title=self.title, border_style="cyan")

    def line(self, text: str, style: str = "") -> None:
        stamp = f"{time.monotonic() - self._start:5.1f}s"
        self.last.append(f"{stamp} {text}")
        del self.last[:-50]

    def __call__(self, kind: str, data: dict[str, Any]) -> None:
        if kind == "deploy_status":
            self.deploy, self.deploy_since = f"{data.get('deploy')}: {data.get('status')}", time.monotonic()
        elif kind == "proposed":
            for cid in data.get("candidates") or []:
                self.candidates.setdefault(str(cid), "validating…")
        elif kind == "validated":
            cid = str(data.get("candidate"))
            self.candidates[cid] = ("[green]passed[/]" if data.get("passed") else
                                    f"[yellow]cured; next: {data.get('next')}[/]" if data.get("next") else "[red]failed[/]")
        self.working = NEXT_AGENT.get(kind, AGENT_OF.get(kind, self.working))
        text = describe(kind, data)
        if text:
            self.line(text)
        if kind == "done":
            self.working = "—"

    def close(self) -> None:
        self._live.refresh()
        self._live.stop()


def make_progress(quiet: bool, stream: Any = None) -> Progress:
    """The live panel on a terminal, the plain progress lines elsewhere (a pipe, a file, CI), nothing when quiet."""
    out = stream or sys.stderr
    if not quiet and hasattr(out, "isatty") and out.isatty():
        return LivePanel(out)
    return Progress(out, quiet=quiet)


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
