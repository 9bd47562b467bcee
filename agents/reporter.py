"""The human summary of a session (report.md): what failed, what was tried, the outcome, what to do."""

from __future__ import annotations

import re

from memory.models import FailureReport, SwarmState, TriedFix, ValidationResult

ACTIONS = {
    "missing_env_var": "Set the environment variable `{entity}` on the platform for service `{service}` "
                       "(a secret: never commit it), then redeploy commit `{sha}`.",
    "database_connection": "Check that the database is running and reachable from the service and that its URL and "
                           "credentials are set on the platform; then redeploy commit `{sha}`.",
    "permission_denied": "Fix the file or directory permissions named in the evidence (or the build user); then redeploy.",
    "disk_space": "Free disk space on the build machine or raise the plan's disk limit; then redeploy.",
    "import_error": "Fix the import named in the evidence (`{entity}`): a wrong module path, a missing `__init__.py` "
                    "or a misspelt name; then push.",
    "port_binding": "Make the app listen on the port in `$PORT` on 0.0.0.0 (not a hard-coded port); then push.",
    "unknown": "Read the evidence below and the full logs in the session folder; no rule recognised this failure.",
    "syntax_error": "Fix the syntax error in `{entity}` at the line the evidence shows, then push; rules do not rewrite code "
                    "(with ANTHROPIC_API_KEY set, a model proposes a patch, proven like any other fix).",
    "type_error": "Fix the type error in `{entity}` the evidence shows, then push; rules do not rewrite code (with "
                  "ANTHROPIC_API_KEY set, a model proposes a patch, proven like any other fix).",
    "out_of_memory": "Give the build or the app more memory (a larger plan, or NODE_OPTIONS=--max-old-space-size for a "
                     "Node build), or reduce what it loads; then redeploy commit `{sha}`.",
}
DEFAULT_ACTION = "Fix the cause shown in the evidence (category `{category}`), then push; swarm could not fix it safely."

_PRIVILEGED_LISTEN = re.compile(
    r"listen EACCES(?:: permission denied)? \S*:(?P<p>\d{1,5})\b"  # Node
    r"|listen tcp \S*:(?P<p2>\d{1,5}): bind: permission denied"  # Go
    r"|bind on address \([^)]*?, (?P<p3>\d{1,5})\): (?:\[Errno 13\] )?permission denied"  # uvicorn, asyncio
    r"|Permission denied - bind\(2\) for \S+ port (?P<p4>\d{1,5})", re.I)  # Ruby
_BIND_FRAME = re.compile(r"\.bind\(|\bserver_bind\b")
_ERRNO13_NO_PATH = re.compile(r"(?:PermissionError|OSError|socket\.error): \[Errno 13\] Permission denied\s*$")
_GIT_REFUSED = re.compile(r"Permission denied \(publickey\)|Permission to \S+ denied to |Authentication failed for '")
_DOCKER_SOCKET = re.compile(r"permission denied while trying to connect to the Docker daemon socket", re.I)
_PACKAGE_BIN = re.compile(r"\bsh: (?:\d+: )?(?:\S*node_modules/\.bin/)?(?P<bin>[\w.@-]+): [Pp]ermission denied")
_NPM = re.compile(r"\bnpm (?:ERR!|error) code EACCES|\bnpm (?:ERR!|error)\b.*\bEACCES\b")
PERMISSION_ACTIONS = {
    "listen": "The app may not bind {port}: ports below 1024 are root's, and platforms run apps unprivileged and "
              "give the port to use in `$PORT`. Make the app listen on `$PORT` on 0.0.0.0 instead of {port}; then "
              "push. (swarm does not change code for permission failures: safety.never_autofix.)",
    "git": "The build's git credentials were refused (evidence: `{line}`). Give the deploy key or token access to the "
           "repository named there (read for a dependency fetched over SSH, write for a push), or fetch the dependency "
           "over HTTPS; then redeploy commit `{sha}`.",
    "docker": "The build user cannot use the Docker daemon's socket (`{entity}`): run the build where Docker is provided "
              "(a Docker-enabled runner or service), or add the build user to the socket's group; then redeploy.",
    "script": "`{entity}` is not executable in git. Run `git update-index --chmod=+x {entity}`, commit and push (or "
              "start it as `sh {entity}`).",
    "bin": "The installed command `{entity}` has lost its executable bit, which happens when `node_modules` is committed "
           "(or copied from another OS). Remove `node_modules` from git (`git rm -r --cached node_modules`, add it to "
           "`.gitignore`) so the platform installs it; then push.",
    "npm": "npm may not write `{entity}`: the build installs globally (`npm install -g`, `sudo npm`) or uses a cache or "
           "folder another user owns. Install the tool as a project dependency (run it with `npx`), or point npm at a "
           "writable folder (`npm_config_cache=/tmp/.npm`, `npm_config_prefix`), or give the build user that folder; "
           "then redeploy commit `{sha}`.",
}


def permission_action(report: FailureReport, sha: str) -> str:
    """Exact instructions for a permission failure, from what its evidence shows (swarm never fixes these itself)."""
    lines = [report.root_cause, *(e.text for e in report.evidence)]
    text = "\n".join(lines)
    entity = report.entity or ""
    listen = _PRIVILEGED_LISTEN.search(text)
    port = next((int(p) for p in (listen.group("p", "p2", "p3", "p4") if listen else ()) if p), None)
    if port is not None and port < 1024:
        return PERMISSION_ACTIONS["listen"].format(port=f"port {port}")
    if port is None and _BIND_FRAME.search(text) and any(_ERRNO13_NO_PATH.search(ln) for ln in lines):
        return PERMISSION_ACTIONS["listen"].format(port="its hard-coded port")  # Python's socket.bind names no port
    git = next((ln.strip() for ln in lines if _GIT_REFUSED.search(ln)), None)
    if git:
        return PERMISSION_ACTIONS["git"].format(line=git[:200], sha=sha)
    if _DOCKER_SOCKET.search(text):
        return PERMISSION_ACTIONS["docker"].format(entity=entity or "/var/run/docker.sock")
    shell = next((m.group("bin") for m in map(_PACKAGE_BIN.search, lines) if m), None)
    if "node_modules/.bin/" in entity or (shell and not entity):
        return PERMISSION_ACTIONS["bin"].format(entity=entity.rsplit("/", 1)[-1] or shell)
    if entity and not entity.startswith("/") and re.search(
            rf"(?:^|[\s:/]){re.escape(entity)}: [Pp]ermission denied|exited with (?:code )?126|code 126", text):
        return PERMISSION_ACTIONS["script"].format(entity=entity)
    if entity and _NPM.search(text + "\n" + report.summary):
        return PERMISSION_ACTIONS["npm"].format(entity=entity, sha=sha)
    return ACTIONS["permission_denied"]


def action_required(state: SwarmState) -> str:
    text = _action(state)
    if state.checkout_note:  # a person's own working tree: always say what swarm's push did to it
        note = state.checkout_note[0].upper() + state.checkout_note[1:]
        text = (f"{note}." if text == "Nothing." else f"{text} {note}.")
    return text


def _action(state: SwarmState) -> str:
    if state.outcome and state.outcome.kind in ("healthy", "healed"):
        return "Nothing."
    if state.push_refused is not None:
        return (f"The remote refused swarm's push (it said: {state.push_refused[:300]}). Nothing was pushed. "
                "If the branch is protected or a hook requires review, set `[heal] branch_mode = \"pr\"` in swarm.toml "
                "so swarm opens a pull request instead; if someone pushed meanwhile, pull, check the saved patch "
                "(`git apply` the `fix-attempt-*.patch` in the session folder) and push it yourself, or run the session again.")
    r = state.platform_report or state.report
    revealed = _revealed(state)
    category = r.category if r else "unknown"
    entity = (r.entity if r else None) or "?"
    sha = (state.current.sha if state.current else state.initial_sha)[:12]
    template = ACTIONS.get(category, DEFAULT_ACTION)
    if "{entity}" in template and entity == "?" and category in ("syntax_error", "type_error"):
        template = DEFAULT_ACTION  # no file named: the generic line reads better than a `?`
    text = (permission_action(r, sha) if r is not None and category == "permission_denied"
            else template.format(entity=entity, service=state.service, sha=sha, category=category))
    if revealed is not None and not _shipped(state, revealed):
        text += (f" swarm's fix for it ({state.stack.summary if state.stack else 'the first fix'}) got past it in the sandbox, "
                 f"but the fixed app then failed with `{revealed.category}`" + (f" (`{revealed.entity}`)" if revealed.entity else "")
                 + ", which swarm could not fix: see \"Found by the start-up check of the first fix\".")
    refused = [t for t in state.tried if t.validation is not None and not t.validation.policy_ok and t.candidate.diff.strip()]
    if refused and state.outcome and state.outcome.kind == "escalated":
        t = refused[-1]
        why = "; ".join(t.validation.policy_reasons[:2]) if t.validation else ""
        text += (f" swarm prepared a fix the safety policy keeps for a person ({t.candidate.summary}: {why}); its patch is under "
                 "\"What was tried\": apply it yourself if it is right (`git apply`).")
    if state.outcome and state.outcome.kind == "rolled_back":
        cur = state.current
        how = (f"the platform's own rollback restored deploy `{cur.id}` (no rebuild)" if cur and cur.sha == state.last_good_sha
               else "a commit restoring its tree was built and deployed")
        note = f" Platform note: {cur.message.split('; ', 1)[1]}." if cur and "; " in cur.message else ""
        text = (f"The release was rolled back to `{(state.last_good_sha or '?')[:12]}`: {how}. The branch carries a swarm "
                f"commit restoring that tree, so a later push cannot bring the regression back; fix the regression in the "
                f"reverted commits (see evidence), then push again (reverting swarm's commit brings the change back).{note}"
                + (f" {text}" if r is not None else ""))
    return text


def _revealed(state: SwarmState) -> FailureReport | None:
    """The failure the start-up check of a fix showed after it got past the one the platform reported (a stack)."""
    r = state.platform_report
    return state.report if r is not None and state.report is not None and state.report.fingerprint != r.fingerprint else None


def _shipped(state: SwarmState, revealed: FailureReport) -> bool:
    """Whether the fix for the revealed failure went out (in one commit with the fix below it)."""
    return any(t.commit and t.fingerprint == revealed.fingerprint for t in state.tried)


def _shipped_together(tried: list[TriedFix]) -> list[list[TriedFix]]:
    """Fixes stacked into one commit are one story: one section, the combined diff once."""
    groups: list[list[TriedFix]] = []
    for t in tried:
        if groups and t.commit and groups[-1][-1].commit == t.commit and groups[-1][-1].attempt == t.attempt:
            groups[-1].append(t)
        else:
            groups.append([t])
    return groups


def render(state: SwarmState, llm_note: str, usage: dict[str, float] | None = None) -> str:
    o = state.outcome
    lines = [f"# swarm session `{state.session_id}`: {o.kind if o else 'unfinished'}", ""]
    lines += [
        f"- service: `{state.service}` (branch `{state.branch}`)",
        f"- commit watched: `{state.initial_sha[:12]}`",
        f"- deploys used: {len(state.deploys)} ({sum(d.trigger == 'swarm' for d in state.deploys)} triggered by swarm, "
        f"{sum(d.trigger == 'push' for d in state.deploys)} started by the platform on a push); fix attempts: {state.attempt}",
        f"- outcome: **{o.kind if o else 'unfinished'}**: {o.reason if o else ''}",
        f"- final commit: `{(o.final_sha or '')[:12] if o else ''}`",
        f"- LLM: {llm_note}" + (
            f"; {int(usage['calls'])} calls, {int(usage['input_tokens'])} input / {int(usage['output_tokens'])} output tokens, "
            f"{int(usage['cache_read_input_tokens'])} cached, ≈ ${usage['cost_usd']:.4f}" if usage and usage.get("calls") else ""),
        "",
        "## What a person must do",
        "",
        action_required(state),
        "",
    ]
    shown = state.platform_report or state.report
    if shown:
        r = shown
        lines += [
            "## What failed", "",
            f"- category: `{r.category}`" + (f", entity: `{r.entity}`" if r.entity else ""),
            f"- ecosystem: {r.ecosystem}; confidence {r.confidence:.2f}; auto-fixable: {'yes' if r.auto_fixable else 'no'}",
            f"- diagnosis by {r.source}: {r.summary}",
            *(["- opinions: " + "; ".join(
                f"{o.get('source')}: {o.get('category', '-')} ({o.get('confidence', o.get('error', ''))})" for o in r.opinions),
               f"- used: {r.decision}"] if r.opinions else []),
            f"- fingerprint: `{r.fingerprint}`", "",
            "Evidence:", "", "```",
            *[f"{e.line:>6} | {e.text}" for e in r.evidence],
            "```", "",
        ]
        revealed = _revealed(state)
        if revealed is not None:
            lines += [
                "### Found by the start-up check of the first fix", "",
                f"The first fix got past the failure above; starting the fixed app in the sandbox then showed "
                f"`{revealed.category}`" + (f" (`{revealed.entity}`)" if revealed.entity else "")
                + f": {revealed.summary}. " + ("Both fixes went out in one commit." if _shipped(state, revealed) else
                                              "swarm found no fix for it that passed, so neither was pushed."), "", "```",
                *[f"{e.line:>6} | {e.text}" for e in revealed.evidence],
                "```", "",
            ]
    lines += ["## Deploys", "", "| # | deploy | commit | kind | started by | status | detail |", "|---|---|---|---|---|---|---|"]
    for i, d in enumerate(state.deploys, 1):
        detail = (d.message or d.health_detail or "").replace("|", "\\|")[:120]
        lines.append(f"| {i} | `{d.id}` | `{d.sha[:12]}` | {d.kind} | {d.trigger or '-'} | {d.status} | {detail} |")
    lines.append("")
    if state.platform_notes:
        lines += ["## What the platform did", "", *[f"- {n}" for n in state.platform_notes], ""]
    if state.tried or state.candidates:
        lines += ["## What was tried", ""]
        for group in _shipped_together(state.tried):
            t, v = group[-1], next((g.validation for g in reversed(group) if g.validation), None)
            strategies = " + ".join(f"`{g.candidate.strategy}`" for g in group)
            lines += [
                f"### attempt {t.attempt}: {strategies}: {_result_words(t, v, state)}", "",
                f"{t.candidate.summary}", "",
                f"- commit: `{(t.commit or '-')[:12]}`, deploy: `{t.deploy_id or '-'}`",
            ]
            if v:
                lines.append(f"- validation: {'passed' if v.passed else 'FAILED'} in {v.seconds:.1f}s"
                             + (f" on `{v.base_sha[:12]}`" if v.base_sha else "")
                             + (f" (its own failure was gone; the start-up then stopped at `{v.next_failure.category}`"
                                f"{f' ({v.next_failure.entity})' if v.next_failure.entity else ''})"
                                if not v.passed and v.progress and v.next_failure else ""))
                lines += [f"  - policy: {reason}" for reason in v.policy_reasons]
                lines += [f"  - {c.name}: {'ok' if c.ok else 'failed'} ({c.seconds:.1f}s)" for c in v.checks]
            if t.candidate.diff:
                lines += ["", "```diff", t.candidate.diff.rstrip(), "```"]
            lines.append("")
    if state.stop_reason:
        lines += ["## Why the swarm stopped", "", state.stop_reason, ""]
    return "\n".join(lines)


def _result_words(t: TriedFix, v: ValidationResult | None, state: SwarmState) -> str:
    """What became of a tried fix, in words a person reads without the learner's vocabulary: ``healed`` there means
    the fix cured the failure it was written for, not that the service is healthy."""
    if t.result == "rejected":
        return "rejected, not shipped"
    if t.result == "failed":
        return "shipped; its failure came back"
    if t.result == "pending":
        return "shipped; not judged yet"
    live = any(d.id == t.deploy_id and d.status == "live" for d in state.deploys)
    if live:
        return "healed"
    partial = " (shipped as a partial fix)" if v is not None and not v.passed and v.progress else ""
    return f"cured its own failure{partial}; the deploy then stopped at another"
