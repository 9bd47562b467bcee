"""The composition root: the only place that builds clients and adapters."""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents import guards
from agents.context import AgentContext, Options
from agents.policy import Policy
from agents.rules import load_rulebook
from graph.deps import Deps
from graph.routing import Limits
from memory.artifacts import SessionArtifacts
from memory.errors import ConfigError, GuardRefused, LockHeld, StoreUnavailable
from memory.learning import LearningStore
from memory.models import SwarmState
from memory.redact import Redactor, looks_secret, secret_name
from memory.store import RedisCoordinationStore, open_store
from swarm.adapters import HttpProber, SystemClock
from swarm.config import EnvSettings, FileConfig, artifacts_root, service_name
from swarm.gitws import GitWorkspace
from swarm.notify import FanOutNotifier
from swarm.platforms import REGISTRY
from swarm.platforms.checked import CheckedPlatform
from swarm.platforms.local import Faults
from swarm.procs import ProcessRegistry, live_pid, use_registry
from swarm.sandbox import LocalSandbox

log = logging.getLogger(__name__)
LOCK_TTL_MS = 60_000
CREDENTIAL_VARS = ("ANTHROPIC_API_KEY", "GITHUB_TOKEN", "RENDER_API_KEY", "VERCEL_TOKEN", "DIGITALOCEAN_TOKEN",
                   "SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL", "TELEGRAM_BOT_TOKEN", "SWARM_WEBHOOK_URL",
                   "SWARM_CHECKPOINT_KEY", "SWARM_CHECKPOINT_URL")
"""Every variable swarm itself reads as a credential: its value is masked wherever it appears."""


def secret_values(env: EnvSettings, cfg: FileConfig, environ: dict[str, str] | None = None) -> list[str]:
    """The values to mask by value, whatever their name: swarm's own credentials, every non-trivial value of the
    app's ``[deploy] env``, environment variables named like secrets, and environment values shaped like one."""
    environ = dict(os.environ if environ is None else environ)
    values: list[str] = []
    for name in CREDENTIAL_VARS:
        value = getattr(env, name, None)
        if value is not None:
            values.append(value.get_secret_value() if hasattr(value, "get_secret_value") else str(value))
    if env.REDIS_URL and "@" in env.REDIS_URL:
        values.append(env.REDIS_URL.split("@", 1)[0].rsplit(":", 1)[-1])
    for value in app_env(cfg, environ).values():
        if not _trivial(value):
            values.append(value)
    for name, value in environ.items():
        if name == "_":  # the shell's last argument (the command that started swarm), never a secret
            continue
        if secret_name(name) and not _trivial(value) or looks_secret(value) and len(value) >= 16 and " " not in value:
            values.append(value)
    return values


def app_env(cfg: FileConfig, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The app's variables: the ``[deploy] pass_env`` names from the environment, then ``[deploy] env``."""
    environ = dict(os.environ if environ is None else environ)
    return {**{n: environ[n] for n in cfg.deploy.pass_env if n in environ}, **cfg.deploy.env}


def _trivial(value: str) -> bool:
    """Values too plain to mask everywhere (numbers, booleans, a short lowercase word): masking them would
    mangle ordinary text, and they are no secret."""
    v = value.strip()
    return len(v) < 6 or v.isdigit() or v.lower() in ("true", "false", "production", "development", "staging") \
        or (v.isalpha() and v.islower() and len(v) <= 12)


def build_redactor(env: EnvSettings, cfg: FileConfig) -> Redactor:
    return Redactor(secret_values(env, cfg))


def build_targets(cfg: FileConfig, env: EnvSettings, state_dir: Path | None = None) -> list[Any]:
    """The notification targets named in [notify] targets; their secrets come from the environment."""
    import httpx

    from swarm.notify import DiscordTarget, GitHubTarget, SlackTarget, TelegramTarget, WebhookTarget

    client = httpx.Client()
    out: list[Any] = []

    def need(value: Any, var: str, target: str) -> str:
        if value is None:
            raise ConfigError(f"[notify] targets includes {target!r} but {var} is not set in the environment")
        return value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)

    for target in cfg.notify.targets:
        if target == "slack":
            out.append(SlackTarget(client, need(env.SLACK_WEBHOOK_URL, "SLACK_WEBHOOK_URL", target)))
        elif target == "discord":
            out.append(DiscordTarget(client, need(env.DISCORD_WEBHOOK_URL, "DISCORD_WEBHOOK_URL", target)))
        elif target == "telegram":
            out.append(TelegramTarget(client, need(env.TELEGRAM_BOT_TOKEN, "TELEGRAM_BOT_TOKEN", target),
                                      need(env.TELEGRAM_CHAT_ID, "TELEGRAM_CHAT_ID", target), env.TELEGRAM_API_BASE))
        elif target == "webhook":
            out.append(WebhookTarget(client, need(env.SWARM_WEBHOOK_URL, "SWARM_WEBHOOK_URL", target)))
        elif target == "github":
            out.append(GitHubTarget(client, need(env.GITHUB_TOKEN, "GITHUB_TOKEN", target),
                                    need(env.GITHUB_REPOSITORY, "GITHUB_REPOSITORY", target),
                                    (state_dir or artifacts_root(env)) / "github_issues.json", env.GITHUB_API_URL))
    return out


def build_platform(name: str, repo: Path, state_dir: Path, cfg: FileConfig, env: EnvSettings | None = None) -> Any:
    """The adapter named ``name``, behind the boundary that turns a vendor's unexpected answers into PlatformError."""
    return CheckedPlatform(_build_platform(name, repo, state_dir, cfg, env))


def _build_platform(name: str, repo: Path, state_dir: Path, cfg: FileConfig, env: EnvSettings | None = None) -> Any:
    factory = REGISTRY.get(name)
    if factory is None:
        raise ConfigError(f"unknown platform {name!r}; available: {', '.join(sorted(REGISTRY))}")
    if name == "render":
        import httpx

        r = cfg.render
        if env is None or env.RENDER_API_KEY is None:
            raise ConfigError("platform 'render' needs RENDER_API_KEY in the environment")
        if not r.service_id or not r.owner_id:
            raise ConfigError("platform 'render' needs [render] service_id and owner_id in swarm.toml")
        return factory(client=httpx.Client(), api_key=env.RENDER_API_KEY.get_secret_value(), service_id=r.service_id,
                       owner_id=r.owner_id, state_dir=state_dir, base_url=env.RENDER_API_URL, url=r.url,
                       autodeploy=r.autodeploy, push_grace_s=r.push_grace_s)
    if name == "digitalocean":
        import httpx

        do = cfg.digitalocean
        if env is None or env.DIGITALOCEAN_TOKEN is None:
            raise ConfigError("platform 'digitalocean' needs DIGITALOCEAN_TOKEN in the environment")
        if not do.app_id or not do.component:
            raise ConfigError("platform 'digitalocean' needs [digitalocean] app_id and component in swarm.toml")
        return factory(client=httpx.Client(), token=env.DIGITALOCEAN_TOKEN.get_secret_value(), app_id=do.app_id,
                       component=do.component, state_dir=state_dir, base_url=env.DIGITALOCEAN_API_URL, url=do.url,
                       autodeploy=do.autodeploy, push_grace_s=do.push_grace_s)
    if name == "vercel":
        import httpx

        v = cfg.vercel
        if env is None or env.VERCEL_TOKEN is None:
            raise ConfigError("platform 'vercel' needs VERCEL_TOKEN (and VERCEL_TEAM_ID for a team) in the environment")
        if not v.project or not v.org or not v.repo:
            raise ConfigError("platform 'vercel' needs [vercel] project, org and repo (the GitHub repository) in swarm.toml")
        return factory(client=httpx.Client(), token=env.VERCEL_TOKEN.get_secret_value(), project=v.project, org=v.org,
                       repo=v.repo, branch=cfg.service.branch or "main", state_dir=state_dir, team_id=env.VERCEL_TEAM_ID,
                       base_url=env.VERCEL_API_URL, url=v.url, autodeploy=v.autodeploy, push_grace_s=v.push_grace_s,
                       runtime_log_s=v.runtime_log_s, runtime_log_idle_s=v.runtime_log_idle_s)
    if name == "command":
        c = cfg.command
        missing = [k for k in ("deploy", "status", "logs") if getattr(c, k) is None]
        if missing:
            raise ConfigError(f"platform 'command' needs [command] {', '.join(missing)} in swarm.toml")
        return factory(repo=repo, state_dir=state_dir, deploy_cmd=c.deploy, status_cmd=c.status, logs_cmd=c.logs,
                       url=c.url, rollback_cmd=c.rollback, cancel_cmd=c.cancel, live_cmd=c.live, find_cmd=c.find,
                       push_grace_s=c.push_grace_s, service=service_name(cfg, repo),
                       timeout_s=c.timeout_s, env=dict(cfg.deploy.env))
    return factory(
        repo=repo, state_dir=state_dir, health_path=cfg.deploy.health_path, health_timeout_s=cfg.deploy.health_timeout_s,
        build_command=cfg.deploy.build, start_command=cfg.deploy.start, env=app_env(cfg),
        faults=Faults(cfg.faults.build_network_errors, cfg.faults.build_timeout_s),
    )


def _learning(root: Path, env: EnvSettings, store: RedisCoordinationStore) -> LearningStore:
    """The learning state: shared by every machine through Redis when one is configured (a fleet), else the file."""
    path = root / "deploy_learning_state.json"
    if not env.REDIS_URL:
        return LearningStore(path)
    from memory.learning import SharedLearningStore, shared_learning_key

    return SharedLearningStore(path, store.client, shared_learning_key(env.SWARM_REDIS_PREFIX),
                               max(env.SWARM_REDIS_TTL_S, 90 * 86400))


@dataclass
class LockKeeper:
    """Holds the per-service lock and refreshes its TTL while the session works."""

    store: RedisCoordinationStore
    name: str
    token: str
    ttl_ms: int = LOCK_TTL_MS
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        def loop() -> None:
            while not self._stop.wait(self.ttl_ms / 3000):
                try:
                    if not self.store.refresh_lock(self.name, self.token, self.ttl_ms):
                        log.warning("lost the lock %s (expired while the store was away?)", self.name)
                except StoreUnavailable as exc:
                    log.warning("could not refresh lock %s: %s", self.name, exc)

        self._thread = threading.Thread(target=loop, name="lock-keeper", daemon=True)
        self._thread.start()

    def check(self) -> str | None:
        """The fencing check before a push: None while the lock's value is still this session's token."""
        try:
            if self.store.refresh_lock(self.name, self.token, self.ttl_ms):
                return None
        except StoreUnavailable:
            return None  # no healer can take the lock while the store is away; this machine's file lock still holds
        holder = None
        try:
            holder = self.store.lock_owner(self.name)
        except StoreUnavailable:
            pass
        return (f"the lock on {self.name} is no longer this session's (it expired"
                + (f"; session {holder!r} holds it now)" if holder else ")") + ": another healer may be at work")

    def release(self) -> None:
        self._stop.set()
        try:
            self.store.release_lock(self.name, self.token)
        except StoreUnavailable:
            log.warning("could not release lock %s: the store is down; it expires by itself", self.name)


class FileLock:
    """A per-service lock across the processes of this machine (flock; freed by the kernel if we die).
    The Redis lock covers workers on other machines; both are taken."""

    def __init__(self, path: Path, owner: str, wait_s: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(path, "a+")
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._fh.seek(0)
                    holder = self._fh.read().strip() or "another session"
                    self._fh.close()
                    raise LockHeld(f"service lock {path.name} is held by {holder!r} on this machine; never two healers. "
                                   "Wait for it to finish (or pass --wait SECONDS), or stop it.") from None
                time.sleep(0.5)
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(owner)
        self._fh.flush()

    def release(self) -> None:
        if not self._fh.closed:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()


@dataclass
class Session:
    deps: Deps
    initial: SwarmState
    platform: Any
    lock: LockKeeper
    closers: list[Callable[[], None]]
    file_lock: FileLock | None = None

    def close(self, stop_platform: bool = True) -> None:
        use_registry(None)
        self.lock.release()
        if self.file_lock is not None:
            self.file_lock.release()
        for fn in self.closers:
            try:
                fn()
            except Exception as exc:  # cleanup must not hide the session's own result
                log.warning("cleanup step failed: %s", exc)
        if stop_platform and hasattr(self.platform, "close"):
            self.platform.close()
        try:  # the scratch checkouts' folder, when nothing is left in it
            (self.deps.artifacts.dir / "work").rmdir()
        except OSError:
            pass


def open_session(
    *, repo: Path, session_id: str, cfg: FileConfig, env: EnvSettings, mode: str = "swarm",
    wait_lock_s: float = 0.0, dry_run: bool = False, console: Callable[[str, dict[str, Any]], None] | None = None,
    platform_state: Path | None = None, store: RedisCoordinationStore | None = None, resume: bool = False,
    rate_limit: bool = True,
) -> Session:
    repo = Path(repo).resolve()
    if not repo.is_dir():
        raise ConfigError(f"--repo {repo} does not exist")
    root = artifacts_root(env)
    redactor = build_redactor(env, cfg)
    artifacts = SessionArtifacts(root, session_id, redactor).ensure()
    service = service_name(cfg, repo)
    store = store or open_store(env.REDIS_URL, prefix=env.SWARM_REDIS_PREFIX, ttl_s=env.SWARM_REDIS_TTL_S)
    try:
        store.ping()
    except StoreUnavailable as exc:
        raise StoreUnavailable(f"{exc} (REDIS_URL={redactor(env.REDIS_URL or '')})") from exc
    lock_name = f"service:{service}"
    file_lock = FileLock(root / "locks" / f"{service}.lock", session_id, wait_lock_s)
    deadline = time.monotonic() + wait_lock_s
    ttl_ms = env.SWARM_LOCK_TTL_S * 1000
    token = store.acquire_lock(lock_name, ttl_ms, session_id)
    while token is None and time.monotonic() < deadline:
        time.sleep(0.5)
        token = store.acquire_lock(lock_name, ttl_ms, session_id)
    if token is None:
        file_lock.release()
        holder = store.lock_owner(lock_name)
        raise LockHeld(f"service {service!r} is already being healed by session {holder!r}; never two healers. "
                       "Wait for it to finish (or pass --wait SECONDS), or stop it.")
    keeper = LockKeeper(store, lock_name, token, ttl_ms)
    keeper.start()
    try:  # any machine's `sessions list` sees this session (the store's keys expire with SWARM_REDIS_TTL_S)
        store.put_session(session_id, {"service": service, "host": socket.gethostname(), "started": round(time.time(), 3),
                                       "status": "starting"})
    except StoreUnavailable as exc:
        log.warning("could not record the session in the coordination store: %s", exc)
    try:
        # what a session killed with -9 left behind (children, scratch folders, worktrees) goes first: the lock is ours
        registry = ProcessRegistry(root / "procs" / service)
        cleaned = registry.reap()
        use_registry(registry)
        workspace = GitWorkspace(repo, cfg.service.remote, cfg.service.branch or "main", artifacts.dir / "work",
                                 app_env=app_env(cfg), redact=redactor)
        cleaned += [f"removed stale worktree {w}" for w in workspace.prune_stale(
            root / "sessions", keep=lambda sid: sid != session_id and live_pid(root / "sessions" / sid / "pid") is not None)]
        for line in cleaned:
            log.warning("cleaned up after an interrupted session: %s", line)
        if cfg.service.branch is None:
            workspace.branch = workspace.current_branch() or "main"
        branch = workspace.branch
        rules = load_rulebook()
        safety = rules.safety
        policy = Policy(
            protected=tuple([*safety.protected, *cfg.safety.protected]),
            never_autofix=frozenset([*safety.never_autofix, *cfg.safety.never_autofix]),
            max_changed_lines=cfg.safety.max_changed_lines or safety.max_changed_lines,
            max_lockfile_packages=cfg.safety.max_lockfile_packages or safety.max_lockfile_packages,
        )
        state_dir = platform_state or root / "platform" / service
        platform = build_platform(cfg.service.platform, repo, state_dir, cfg, env)
        prober = HttpProber()
        options = Options(
            health_path=cfg.deploy.health_path, probe_timeout_s=10.0, attempt_timeout_s=cfg.heal.attempt_timeout_s,
            validate_commands=tuple(cfg.validate_.commands), validate_timeout_s=cfg.validate_.timeout_s,
            probe_paths=tuple(cfg.verify.probe_paths), candidates=cfg.heal.candidates if mode == "swarm" else 1,
            push=cfg.heal.push and not dry_run, error_rate_threshold=cfg.verify.error_rate_threshold,
            smoke_check=cfg.validate_.smoke_check and mode == "swarm", branch_mode=cfg.heal.branch_mode,
            rollback=cfg.heal.rollback,
        )
        sandbox = LocalSandbox(cfg.deploy.health_path, cfg.deploy.health_timeout_s, cfg.deploy.build, cfg.deploy.start,
                               app_env(cfg), cfg.faults.build_timeout_s)
        notifier = FanOutNotifier(artifacts.path("notifications.jsonl"), redactor, build_targets(cfg, env))
        changes = None
        if cfg.heal.branch_mode == "pr" and env.GITHUB_TOKEN and env.GITHUB_REPOSITORY:
            import httpx

            from swarm.notify import GitHubPulls

            changes = GitHubPulls(httpx.Client(), env.GITHUB_TOKEN.get_secret_value(), env.GITHUB_REPOSITORY, env.GITHUB_API_URL)
        ctx = AgentContext(changes=changes,
            platform=platform, workspace=workspace, prober=prober, clock=SystemClock(), sandbox=sandbox,
            notifier=notifier, rules=rules, policy=policy,
            learning=_learning(root, env, store), options=options, fence=keeper.check,
        )
        limits = Limits(cfg.heal.max_attempts, cfg.heal.same_error_limit, cfg.heal.attempt_timeout_s,
                        cfg.heal.session_timeout_s, cfg.heal.cooldown_s)
        llm = None
        if env.ANTHROPIC_API_KEY:
            from swarm.llm import AnthropicLLM, TokenBudget

            llm = AnthropicLLM(env.ANTHROPIC_API_KEY.get_secret_value(), cfg.llm.model, cfg.llm.max_tokens,
                               TokenBudget(cfg.llm.token_budget), artifacts.path("llm_calls.jsonl"), redactor,
                               base_url=env.ANTHROPIC_BASE_URL)
            ctx.llm = llm
        llm_note = (f"{cfg.llm.model} (token budget {cfg.llm.token_budget})" if llm
                    else "not available (no ANTHROPIC_API_KEY): the swarm ran on rules alone")
        deps = Deps(ctx=ctx, limits=limits, artifacts=artifacts, store=store, llm_note=llm_note, console=console,
                    learn=not dry_run, kill_before=env.SWARM_FAULT_KILL_BEFORE, rehearse=cfg.validate_.rehearse,
                    checkpoint_key=env.SWARM_CHECKPOINT_KEY.get_secret_value() if env.SWARM_CHECKPOINT_KEY else None,
                    checkpoint_url=env.SWARM_CHECKPOINT_URL.get_secret_value() if env.SWARM_CHECKPOINT_URL else None)
        head = workspace.remote_head()
        now = time.time()
        if not resume:
            refusal = guards.bot_loop(workspace.recent_by_swarm(max(cfg.heal.bot_loop_commits, 1)), cfg.heal.bot_loop_commits)
            if refusal is None and rate_limit:
                ls = ctx.learning.load()
                refusal = guards.rate_limited(ls.session_starts.get(service, []), now, cfg.heal.max_sessions_per_hour)
            if refusal:
                raise GuardRefused(f"service {service!r}: {refusal}")
            if not dry_run and rate_limit:
                def note_start(ls: Any) -> None:
                    starts = [t for t in ls.session_starts.get(service, []) if now - t < 3600]
                    ls.session_starts[service] = [*starts, now]

                ctx.learning.update(note_start)
        initial = SwarmState(session_id=session_id, service=service, branch=branch, initial_sha=head,
                             started_at=now, deadline=now + limits.session_timeout_s)
        artifacts.write_json("deployment_plan.json", {
            "session": session_id, "service": service, "repo": str(repo), "remote": cfg.service.remote,
            "branch": branch, "commit": head, "platform": cfg.service.platform, "mode": mode, "dry_run": dry_run,
            "limits": limits.__dict__, "options": {k: v for k, v in options.__dict__.items()},
            "health_window_s": cfg.deploy.health_timeout_s,
            "policy": {"protected": list(policy.protected), "never_autofix": sorted(policy.never_autofix),
                       "max_changed_lines": policy.max_changed_lines,
                       "max_lockfile_packages": policy.max_lockfile_packages},
            "store": "redis" if env.REDIS_URL else "in-process (fakeredis)", "llm": llm_note,
            "created": now,
        })
        deps.session_fields({"service": service, "commit": head, "status": "starting", "mode": mode})
        if cleaned:
            deps.event("cleaned_up", {"items": cleaned})
        return Session(deps, initial, platform, keeper, [notifier.close, prober.close], file_lock)
    except BaseException:
        use_registry(None)
        keeper.release()
        file_lock.release()
        raise
