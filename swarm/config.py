"""One typed Settings, layered: defaults < swarm.toml < environment < CLI flags. Built once.

No other module reads ``os.environ`` for configuration. Unknown keys are errors that name the key.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from memory.errors import ConfigError
from swarm.paths import default_artifacts


class _S(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServiceSection(_S):
    name: str | None = None
    platform: str = "local"
    branch: str | None = None
    remote: str = "origin"


class DeploySection(_S):
    build: str | None = None
    start: str | None = None
    health_path: str = "/healthz"
    health_timeout_s: float = Field(30.0, gt=0, le=600)
    env: dict[str, str] = Field(default_factory=dict)
    """The app's own variables (not secrets: those come from the environment, see pass_env)."""
    pass_env: list[str] = Field(default_factory=list)
    """Names of environment variables handed to the app's build, checks and process (e.g. DATABASE_URL).
    Nothing else from swarm's environment reaches the app."""


class HealSection(_S):
    max_attempts: int = Field(3, ge=1, le=5)
    same_error_limit: int = Field(2, ge=1, le=10)
    attempt_timeout_s: float = Field(600.0, gt=0)
    session_timeout_s: float = Field(3600.0, gt=0)
    cooldown_s: float = Field(0.0, ge=0)
    candidates: int = Field(3, ge=1, le=8)
    push: bool = True
    branch_mode: Literal["direct", "pr"] = "direct"
    rollback: Literal["auto", "revert"] = "auto"
    bot_loop_commits: int = Field(3, ge=0, le=50)
    max_sessions_per_hour: int = Field(6, ge=0, le=1000)


class SafetySection(_S):
    protected: list[str] = Field(default_factory=list)
    never_autofix: list[str] = Field(default_factory=list)
    max_changed_lines: int | None = Field(None, ge=1)
    max_lockfile_packages: int | None = Field(None, ge=1)


class ValidateSection(_S):
    commands: list[str] = Field(default_factory=list)
    timeout_s: float = Field(180.0, gt=0)
    smoke_check: bool = True
    rehearse: Literal["auto", "on", "off"] = "auto"
    """While the platform deploys a commit, build and start it in the sandbox and prepare the fix (graph/rehearsal.py).
    auto: only where the platform deploys on other machines (a local deploy is already a build on this one)."""


class VerifySection(_S):
    probe_paths: list[str] = Field(default_factory=list)
    error_rate_threshold: float = Field(0.5, ge=0)


class LLMSection(_S):
    model: str = "claude-sonnet-5"
    max_tokens: int = Field(4096, ge=256)
    token_budget: int = Field(200_000, ge=0)


class NotifySection(_S):
    targets: list[Literal["slack", "discord", "telegram", "webhook", "github"]] = Field(default_factory=list)


class CommandSection(_S):
    deploy: str | None = None
    status: str | None = None
    logs: str | None = None
    rollback: str | None = None
    cancel: str | None = None
    live: str | None = None
    """Prints the id and commit of the deploy serving now ("<deploy_id> <sha>"): the baseline and rollback target."""
    find: str | None = None
    """Prints the id of the deploy of {sha} the platform started by itself (autodeploy), or nothing."""
    push_grace_s: float | None = Field(None, ge=0)
    url: str | None = None
    timeout_s: float = Field(300.0, gt=0)


class VendorSection(_S):
    autodeploy: Literal["auto", "on", "off"] = "auto"
    """Does a push deploy by itself? "auto" asks the vendor where it can (see swarm/platforms/deploymodel.py)."""
    push_grace_s: float | None = Field(None, ge=0)
    """How long to wait for a push's own deploy before swarm triggers one (default: the vendor's model)."""


class RenderSection(VendorSection):
    service_id: str | None = None
    owner_id: str | None = None
    url: str | None = None
    """The service's public URL, for health checks."""


class DigitalOceanSection(VendorSection):
    app_id: str | None = None
    component: str | None = None
    url: str | None = None


class VercelSection(VendorSection):
    project: str | None = None
    org: str | None = None
    repo: str | None = None
    url: str | None = None
    runtime_log_s: float = Field(10.0, gt=0)
    """The most time spent reading a deployment's runtime-log stream (it stays open for up to 5 minutes)."""
    runtime_log_idle_s: float = Field(2.0, gt=0)
    """The stream is closed when no record came for this long."""


class FaultsSection(_S):
    build_network_errors: int = Field(0, ge=0)
    build_timeout_s: float | None = Field(None, gt=0)


class FileConfig(_S):
    service: ServiceSection = Field(default_factory=ServiceSection)
    deploy: DeploySection = Field(default_factory=lambda: DeploySection())
    heal: HealSection = Field(default_factory=lambda: HealSection())
    safety: SafetySection = Field(default_factory=lambda: SafetySection())
    validate_: ValidateSection = Field(default_factory=lambda: ValidateSection(), alias="validate")
    verify: VerifySection = Field(default_factory=lambda: VerifySection())
    llm: LLMSection = Field(default_factory=lambda: LLMSection())
    notify: NotifySection = Field(default_factory=NotifySection)
    faults: FaultsSection = Field(default_factory=lambda: FaultsSection())
    command: CommandSection = Field(default_factory=lambda: CommandSection())
    render: RenderSection = Field(default_factory=lambda: RenderSection())
    digitalocean: DigitalOceanSection = Field(default_factory=lambda: DigitalOceanSection())
    vercel: VercelSection = Field(default_factory=lambda: VercelSection())

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class EnvSettings(BaseSettings):
    """The environment: the only place secrets come from."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=True)

    REDIS_URL: str | None = None
    ANTHROPIC_API_KEY: SecretStr | None = None
    ANTHROPIC_BASE_URL: str | None = None
    SWARM_ARTIFACTS: Path | None = None
    SWARM_PLATFORM: str | None = None
    SWARM_MAX_ATTEMPTS: int | None = None
    SWARM_REDIS_PREFIX: str = "swarm:"
    SWARM_LOG_LEVEL: str = "WARNING"
    SWARM_FAULT_KILL_BEFORE: str | None = None
    """Chaos testing: the session SIGKILLs itself as this graph node starts (see tests/chaos)."""
    SWARM_CHECKPOINT_KEY: SecretStr | None = None
    """16, 24 or 32 bytes (raw or base64/hex): checkpoints are then encrypted with AES (LangGraph's EncryptedSerializer)."""
    SWARM_REDIS_TTL_S: int = Field(7 * 24 * 3600, ge=60)
    SWARM_CHECKPOINT_URL: SecretStr | None = None
    """``postgresql://user@host/db``: session checkpoints in PostgreSQL (fleet workers on several machines)."""
    SWARM_LOCK_TTL_S: int = Field(60, ge=2, le=3600)
    """How long a per-service lock outlives a healer that died without releasing it (refreshed every third of it)."""
    """Retention of a session's keys in the coordination store (refreshed on every write)."""
    SLACK_WEBHOOK_URL: SecretStr | None = None
    DISCORD_WEBHOOK_URL: SecretStr | None = None
    TELEGRAM_BOT_TOKEN: SecretStr | None = None
    TELEGRAM_CHAT_ID: str | None = None
    TELEGRAM_API_BASE: str = "https://api.telegram.org"
    SWARM_WEBHOOK_URL: SecretStr | None = None
    RENDER_API_KEY: SecretStr | None = None
    RENDER_API_URL: str = "https://api.render.com/v1"
    DIGITALOCEAN_TOKEN: SecretStr | None = None
    DIGITALOCEAN_API_URL: str = "https://api.digitalocean.com"
    VERCEL_TOKEN: SecretStr | None = None
    VERCEL_TEAM_ID: str | None = None
    VERCEL_API_URL: str = "https://api.vercel.com"
    GITHUB_TOKEN: SecretStr | None = None
    GITHUB_REPOSITORY: str | None = None
    GITHUB_API_URL: str = "https://api.github.com"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _explain(exc: ValidationError, source: str) -> ConfigError:
    problems = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]).replace("validate_", "validate")
        if err["type"] == "extra_forbidden":
            problems.append(f"unknown key {key!r}")
        else:
            problems.append(f"{key}: {err['msg']}")
    return ConfigError(f"{source}: " + "; ".join(problems) + " (see the configuration table in README.md)")


def load_file_config(repo: Path, overrides: dict[str, Any] | None = None) -> FileConfig:
    path = Path(repo) / "swarm.toml"
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        FileConfig.model_validate(data)
    except ValidationError as exc:
        raise _explain(exc, str(path)) from exc
    merged = _merge(data, overrides or {})
    try:
        return FileConfig.model_validate(merged)
    except ValidationError as exc:
        raise _explain(exc, "settings from the environment and flags") from exc


def load_env() -> EnvSettings:
    try:
        return EnvSettings()
    except ValidationError as exc:
        raise _explain(exc, "environment") from exc


def env_overrides(env: EnvSettings) -> dict[str, Any]:
    over: dict[str, Any] = {}
    if env.SWARM_PLATFORM:
        over.setdefault("service", {})["platform"] = env.SWARM_PLATFORM
    if env.SWARM_MAX_ATTEMPTS is not None:
        over.setdefault("heal", {})["max_attempts"] = env.SWARM_MAX_ATTEMPTS
    return over


def artifacts_root(env: EnvSettings) -> Path:
    return Path(env.SWARM_ARTIFACTS or default_artifacts()).resolve()


def service_name(cfg: FileConfig, repo: Path) -> str:
    name = cfg.service.name or Path(repo).resolve().name
    return re.sub(r"[^A-Za-z0-9._-]", "-", name) or "service"
