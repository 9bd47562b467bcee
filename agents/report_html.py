"""report.html: the session in one self-contained page (no network, no script): the outcome, a timeline of the agents
and deploys on a time axis, what a person must do, the evidence with the root-cause line highlighted, each candidate
with its diff and validation steps, and what the learning state recorded. Pure: a function of the final state."""

from __future__ import annotations

from html import escape

from agents.reporter import _shipped_together, action_required
from memory.models import FailureReport, SwarmState

COLORS = {"healed": "#2ea043", "healthy": "#2ea043", "superseded": "#6e7781", "escalated": "#d29922",
          "rolled_back": "#d29922", "failed": "#cf222e"}
LANES = {"monitor": "platform", "deploy": "platform", "rollback": "platform", "verify": "platform"}
CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1100px;color:#1f2328;padding:0 16px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.outcome{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600}
table{border-collapse:collapse;width:100%} td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
pre{background:#f6f8fa;padding:8px 10px;overflow-x:auto;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;margin:6px 0}
mark{background:#fff8c5;display:inline-block;width:100%} .add{color:#116329;background:#dafbe1} .del{color:#82071e;background:#ffebe9}
.ok{color:#116329} .bad{color:#cf222e} .muted{color:#59636e} .box{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin:8px 0}
"""


def _evidence(report: FailureReport) -> str:
    rows = []
    for e in report.evidence:
        text = f"{e.line:>6} | {escape(e.text)}"
        rows.append(f'<mark id="root-cause">{text}</mark>' if e.line == report.root_line else text)
    return "<pre>" + "\n".join(rows) + "</pre>"


def _diff(diff: str) -> str:
    out = []
    for line in diff.rstrip().splitlines():
        cls = "add" if line.startswith("+") and not line.startswith("+++") else \
              "del" if line.startswith("-") and not line.startswith("---") else ""
        out.append(f'<span class="{cls}">{escape(line)}</span>' if cls else escape(line))
    return '<pre class="diff">' + "\n".join(out) + "</pre>"


def _timeline(spans: list[tuple[str, float, float]], width: int = 1000) -> str:
    """One lane for the swarm's own work, one for the platform (deploys, monitoring, verification), on a time axis."""
    if not spans:
        return '<p class="muted">no timings recorded</p>'
    t0, t1 = min(a for _, a, _ in spans), max(b for _, _, b in spans)
    total = max(t1 - t0, 1e-6)
    lane_y = {"swarm": 24, "platform": 64}
    parts = [f'<svg id="timeline" width="{width}" height="112" viewBox="0 0 {width} 112" xmlns="http://www.w3.org/2000/svg">',
             '<text x="0" y="18" font-size="11" fill="#59636e">swarm</text>',
             '<text x="0" y="58" font-size="11" fill="#59636e">platform</text>']
    x0, span_w = 60, width - 70
    for node, a, b in spans:
        lane = LANES.get(node, "swarm")
        x = x0 + (a - t0) / total * span_w
        w = max(2.0, (b - a) / total * span_w)
        fill = "#0969da" if lane == "swarm" else "#8250df"
        parts.append(f'<rect class="step" data-node="{escape(node)}" x="{x:.1f}" y="{lane_y[lane]}" width="{w:.1f}" height="26" '
                     f'fill="{fill}" opacity="0.85"><title>{escape(node)}: {b - a:.2f}s</title></rect>')
        if w > 40:
            parts.append(f'<text x="{x + 3:.1f}" y="{lane_y[lane] + 17}" font-size="11" fill="#fff">{escape(node)}</text>')
    for i in range(6):
        x = x0 + i / 5 * span_w
        parts.append(f'<text x="{x:.1f}" y="106" font-size="10" fill="#59636e" text-anchor="middle">{total * i / 5:.1f}s</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(state: SwarmState, spans: list[tuple[str, float, float]], learned: str = "") -> str:
    o = state.outcome
    kind = o.kind if o else "unfinished"
    h: list[str] = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
                    f"<title>swarm session {escape(state.session_id)}: {escape(kind)}</title>", f"<style>{CSS}</style></head><body>"]
    h.append(f'<h1>swarm session <code>{escape(state.session_id)}</code> '
             f'<span class="outcome {escape(kind)}" style="background:{COLORS.get(kind, "#6e7781")}">{escape(kind)}</span></h1>')
    h.append(f'<p class="muted">service <code>{escape(state.service)}</code> on branch <code>{escape(state.branch)}</code>; '
             f"commit watched <code>{escape(state.initial_sha[:12])}</code>; {len(state.deploys)} deploy(s), "
             f"{sum(d.trigger == 'swarm' for d in state.deploys)} triggered by swarm</p>")
    if o:
        h.append(f'<p id="reason">{escape(o.reason)}</p>')
    h.append("<h2>Timeline</h2>" + _timeline(spans))
    h.append(f'<h2>What a person must do</h2><div class="box" id="action">{escape(action_required(state))}</div>')
    shown = state.platform_report or state.report
    if shown:
        h.append("<h2>What failed</h2>")
        h.append(f"<p><b>{escape(shown.category)}</b>" + (f" (<code>{escape(shown.entity)}</code>)" if shown.entity else "")
                 + f", confidence {shown.confidence:.2f}, diagnosis by {escape(shown.source)}: {escape(shown.summary)}</p>")
        h.append(_evidence(shown))
        if state.report and state.report is not shown and state.report.fingerprint != shown.fingerprint:
            r = state.report
            h.append(f"<h3>Found by the start-up check of the first fix: {escape(r.category)}"
                     + (f" (<code>{escape(r.entity)}</code>)" if r.entity else "") + "</h3>" + _evidence(r))
    h.append("<h2>Deploys</h2><table><tr><th>#</th><th>deploy</th><th>commit</th><th>kind</th><th>started by</th>"
             "<th>status</th><th>detail</th></tr>")
    for i, d in enumerate(state.deploys, 1):
        cls = "ok" if d.status == "live" and d.healthy is not False else "bad" if d.status in ("failed", "build_failed") else ""
        h.append(f"<tr><td>{i}</td><td><code>{escape(d.id)}</code></td><td><code>{escape(d.sha[:12])}</code></td>"
                 f"<td>{escape(d.kind)}</td><td>{escape(d.trigger or '-')}</td><td class=\"{cls}\">{escape(d.status)}</td>"
                 f"<td>{escape((d.message or d.health_detail)[:200])}</td></tr>")
    h.append("</table>")
    if state.tried:
        h.append("<h2>Candidates</h2>")
        for group in _shipped_together(state.tried):
            t = group[-1]
            v = next((g.validation for g in reversed(group) if g.validation), None)
            names = " + ".join(g.candidate.strategy for g in group)
            h.append(f'<div class="box candidate"><b>attempt {t.attempt}: {escape(names)}</b>: '
                     f'<span class="{"ok" if t.result == "healed" else "bad" if t.result in ("failed", "rejected") else ""}">'
                     f"{escape(t.result)}</span><p>{escape(t.candidate.summary)}</p>")
            if v:
                steps = "".join(f'<li class="{"ok" if c.ok else "bad"}">{escape(c.name)}: {"ok" if c.ok else "failed"} '
                                f"({c.seconds:.1f}s)</li>" for c in v.checks)
                h.append(f"<p>validation {'passed' if v.passed else 'failed'} in {v.seconds:.1f}s</p><ul>{steps}</ul>")
            if t.candidate.diff:
                h.append(_diff(t.candidate.diff))
            h.append("</div>")
    if state.platform_notes:
        h.append("<h2>What the platform did</h2><ul>" + "".join(f"<li>{escape(n)}</li>" for n in state.platform_notes) + "</ul>")
    h.append(f'<h2>Learning</h2><p id="learning">{escape(learned or "nothing recorded")}</p>')
    if state.stop_reason:
        h.append(f"<h2>Why the swarm stopped</h2><p>{escape(state.stop_reason)}</p>")
    h.append("</body></html>")
    return "\n".join(h)
