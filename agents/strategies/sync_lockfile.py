"""sync_lockfile: regenerate the lockfile with the ecosystem's own tool, changing no manifest."""

from __future__ import annotations

import shutil
from pathlib import Path

from agents.strategies import StrategyDeclined, StrategyResult, Tools
from memory.models import FailureReport

COMMANDS = {
    "package-lock.json": ["npm install --package-lock-only --ignore-scripts --no-audit --no-fund"],
    "npm-shrinkwrap.json": ["npm install --package-lock-only --ignore-scripts --no-audit --no-fund"],
    "pnpm-lock.yaml": ["pnpm install --lockfile-only --ignore-scripts", "npx --yes pnpm@9 install --lockfile-only --ignore-scripts"],
    "yarn.lock": ["yarn install --mode update-lockfile", "yarn install --ignore-scripts --non-interactive"],
    "poetry.lock": ["poetry lock --no-update", "poetry lock"],
}


def sync_lockfile(report: FailureReport, tree: Path, tools: Tools) -> StrategyResult:
    lockfile = report.entity if report.entity in COMMANDS else next((n for n in COMMANDS if (tree / n).is_file()), None)
    if lockfile is None or not (tree / lockfile).is_file():
        raise StrategyDeclined(f"no lockfile to regenerate (looked for {lockfile or ', '.join(COMMANDS)})")
    errors = []
    for command in COMMANDS[lockfile]:
        tool = command.split()[0]
        if tool != "npx" and shutil.which(tool) is None:
            errors.append(f"{tool} is not installed")
            continue
        result = tools.run(command, tree, 300)
        if result.ok:
            return StrategyResult(f"regenerate {lockfile} with `{command}` so it matches the manifest",
                                  {"lockfile": lockfile, "command": command}, 0.85)
        errors.append(f"`{command}` failed: {result.output.strip()[-300:]}")
    raise StrategyDeclined(f"could not regenerate {lockfile}: " + "; ".join(errors))
