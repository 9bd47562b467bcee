"""``swarm init``: look at the repository, say which platform it deploys to (render.yaml, vercel.json, .do/app.yaml,
a Procfile, package.json), and write a commented ``swarm.toml`` with what was found. Never overwrites an existing
one; offers the pre-push hook."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path
from typing import Any

NAME = "init"
HELP = "detect the platform from the repository and write a commented swarm.toml"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repo", default=".", help="the app's git clone (default: current directory)")
    p.add_argument("--force", action="store_true", help="replace an existing swarm.toml")
    p.add_argument("--hook", action="store_true", help="also install the pre-push hook (swarm hook install)")


def detect(repo: Path) -> dict[str, Any]:
    """What the repository says about where and how it deploys; each finding names the file it came from."""
    found: dict[str, Any] = {"platform": "local", "why": "no platform file found: the local platform builds and runs it here",
                             "section": {}, "deploy": {}}

    def text(name: str) -> str:
        try:
            return (repo / name).read_text(errors="replace")
        except OSError:
            return ""

    if (repo / "render.yaml").is_file():
        body = text("render.yaml")
        name = re.search(r"^\s*-?\s*name:\s*['\"]?([\w.-]+)", body, re.M)
        health = re.search(r"^\s*healthCheckPath:\s*['\"]?(\S+?)['\"]?\s*$", body, re.M)
        found.update(platform="render", why="render.yaml (a Render Blueprint)",
                     section={"service_id": "srv-…  # from the Render dashboard" + (f" (service {name.group(1)})" if name else ""),
                              "owner_id": "tea-…  # your workspace id"})
        if health:
            found["deploy"]["health_path"] = health.group(1)
    elif (repo / "vercel.json").is_file() or (repo / ".vercel" / "project.json").is_file():
        project: dict[str, Any] = {}
        try:
            project = json.loads(text(".vercel/project.json") or "{}")
        except ValueError:
            pass
        found.update(platform="vercel", why="vercel.json" if (repo / "vercel.json").is_file() else ".vercel/project.json",
                     section={"project": project.get("projectId") or "prj_…  # the Vercel project id",
                              "org": "your-github-org", "repo": repo.resolve().name})
    elif (repo / ".do" / "app.yaml").is_file() or (repo / ".do" / "deploy.template.yaml").is_file():
        body = text(".do/app.yaml") or text(".do/deploy.template.yaml")
        comp = re.search(r"^\s*-\s*name:\s*['\"]?([\w.-]+)", body, re.M)
        health = re.search(r"http_path:\s*['\"]?(\S+?)['\"]?\s*$", body, re.M)
        found.update(platform="digitalocean", why=".do/app.yaml (an App Platform spec)",
                     section={"app_id": "…  # from `doctl apps list`", "component": comp.group(1) if comp else "web"})
        if health:
            found["deploy"]["health_path"] = health.group(1)
    procfile = text("Procfile")
    web = re.search(r"^\s*web\s*:\s*(.+)$", procfile, re.M)
    if web:
        found["start"] = f"Procfile: web: {web.group(1).strip()}"
    elif (repo / "package.json").is_file():
        try:
            scripts = json.loads(text("package.json") or "{}").get("scripts") or {}
        except ValueError:
            scripts = {}
        if "start" in scripts:
            found["start"] = f"package.json scripts.start: {scripts['start']}"
    return found


def render_toml(found: dict[str, Any], branch: str) -> str:
    lines = [
        "# swarm.toml: written by `swarm init`; every key is explained in the README's Configuration section.",
        f"# Platform: {found['platform']}, because of {found['why']}.",
    ]
    if found.get("start"):
        lines.append(f"# Start command found in {found['start']}")
    lines += ["", "[service]", f'platform = "{found["platform"]}"', f'branch = "{branch}"', "", "[deploy]"]
    lines.append(f'health_path = "{found["deploy"].get("health_path", "/healthz")}"  # must answer 200 with JSON')
    lines += ["# pass_env = [\"DATABASE_URL\"]  # variables from the environment your app needs (never written here)", ""]
    if found["platform"] != "local":
        lines.append(f"[{found['platform']}]")
        for key, value in found["section"].items():
            v, _, note = str(value).partition("  # ")
            lines.append(f'{key} = "{v}"' + (f"  # {note}" if note else ""))
        lines += ['url = "https://…"  # the public URL, for health checks', "", "# credentials come only from the environment: "
                  + {"render": "RENDER_API_KEY", "vercel": "VERCEL_TOKEN (and VERCEL_TEAM_ID)",
                     "digitalocean": "DIGITALOCEAN_TOKEN"}[found["platform"]], ""]
    lines += ["[heal]", "max_attempts = 3", "# branch_mode = \"pr\"  # open a pull request instead of pushing to the branch", ""]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from memory.errors import ConfigError

    repo = Path(args.repo).resolve()
    if not (repo / ".git").exists():
        raise ConfigError(f"{repo} is not a git clone; run `swarm init` in your app's repository (or pass --repo)")
    target = repo / "swarm.toml"
    if target.exists() and not args.force:
        raise ConfigError(f"{target} exists; it was left as it is (pass --force to replace it)")
    out = subprocess.run(["git", "-C", str(repo), "symbolic-ref", "--short", "HEAD"], capture_output=True, text=True)
    branch = out.stdout.strip() or "main"
    found = detect(repo)
    target.write_text(render_toml(found, branch))
    print(f"wrote {target}: platform {found['platform']} ({found['why']})" + (f"; start: {found['start']}" if found.get("start") else ""))
    if found["platform"] != "local":
        print(f"fill in the [{found['platform']}] ids and url, and set the credentials in the environment; "
              "`swarm doctor` checks them")
    if args.hook:
        from swarm.hooks import install

        print(install(repo, branch))
    else:
        print(f"to heal after every push: swarm hook install --repo {repo}")
    return 0
