"""The bench harness: runs each scenario folder as scripts/scenarios-dev/README.md says and scores it."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import time
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.policy import matches_any
from graph.deps import time_split
from memory.errors import ConfigError, SwarmError
from swarm.config import artifacts_root, load_env, load_file_config
from swarm.output import Progress


class Scenario(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    summary: str = ""
    category: str = "unknown"
    expect: Literal["healed", "escalated", "rolled_back"]
    max_deploys: int = Field(ge=1)
    must_touch: list[str] = Field(default_factory=list)
    must_not_touch: list[str] = Field(default_factory=list)
    probe_paths: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    faults: dict[str, Any] = Field(default_factory=dict)


def _git(cwd: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {out.stderr.strip()}")
    return out.stdout.strip()


def _commit_tree(repo: Path, src: Path, message: str) -> str:
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(src, repo, dirs_exist_ok=True)
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "--allow-empty", "-m", message)
    _git(repo, "push", "-q", "origin", "HEAD:refs/heads/main")
    return _git(repo, "rev-parse", "HEAD")


def run_scenario(folder: Path, run_id: str, mode: str, progress: Progress, rehearse: str | None = None) -> dict[str, Any]:
    from graph.runner import run_session
    from swarm.compose import build_platform, open_session

    start = time.monotonic()
    row: dict[str, Any] = {"id": folder.name, "expected": "?", "outcome": "error", "deploys": 0, "seconds": 0.0,
                           "pass": False, "reason": ""}
    try:
        sc = Scenario.model_validate(tomllib.loads((folder / "scenario.toml").read_text()))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        row["reason"] = f"bad scenario.toml: {str(exc).splitlines()[0]}"
        return row
    row["expected"] = sc.expect
    env = load_env()
    work = artifacts_root(env) / "bench" / run_id / sc.id
    shutil.rmtree(work, ignore_errors=True)
    repo, origin, pstate = work / "repo", work / "origin.git", work / "platform"
    work.mkdir(parents=True)
    shared_cache = os.environ.get("SWARM_ENV_CACHE")
    if not shared_cache:  # each run starts with no build environments: one mode never heals on the other's installs
        os.environ["SWARM_ENV_CACHE"] = str(work / "envs")
    _git(work, "init", "-q", "--bare", "-b", "main", str(origin))
    _git(work, "init", "-q", "-b", "main", str(repo))
    _git(repo, "remote", "add", "origin", str(origin))
    session = None
    platform = None
    try:
        overrides: dict[str, Any] = {
            "service": {"name": sc.id, "platform": "local", "branch": "main"},
            "deploy": {"env": sc.env},
            "faults": sc.faults,
            "verify": {"probe_paths": sc.probe_paths},
            "heal": {"session_timeout_s": 900, "attempt_timeout_s": 300},
        }
        if rehearse is not None:
            overrides["validate"] = {"rehearse": rehearse}
        base_sha = None
        if (folder / "base").is_dir():
            base_sha = _commit_tree(repo, folder / "base", "base")
            base_cfg = load_file_config(repo, {**overrides, "faults": {}})
            platform = build_platform("local", repo, pstate, base_cfg)
            dep = platform.deploy(base_sha, key="bench:base")
            while dep.status not in ("live", "failed", "build_failed", "canceled", "superseded"):
                time.sleep(0.3)
                dep = platform.status(dep.id)
            (pstate / "builds_started").unlink(missing_ok=True)  # faults apply to the session's builds
            if dep.status != "live":
                row["reason"] = f"base/ did not come up healthy ({dep.status}: {dep.message})"
                return row
        app_sha = _commit_tree(repo, folder / "app", "app")
        cfg = load_file_config(repo, overrides)
        session = open_session(repo=repo, session_id=f"bench-{run_id}-{sc.id}", cfg=cfg, env=env, mode=mode,
                               platform_state=pstate, console=None, rate_limit=False)
        try:
            final = run_session(session.initial, session.deps, mode=mode)  # type: ignore[arg-type]
        except SwarmError as exc:
            row["reason"] = f"session error: {exc}"
            return row
        platform = session.platform
        outcome = final.outcome.kind if final.outcome else "failed"
        row.update(outcome=outcome, deploys=len(final.deploys), rehearse=session.deps.rehearse, **time_split(session.deps.spans),
                   rehearsals=[{"wait_s": round(r.wait_s, 3), "head_start_s": round(r.verdict_at - r.started, 3)}
                               for r in session.deps.rehearsals.values() if r.verdict_at])
        problems = _score(sc, repo, app_sha, base_sha, final, session, platform)
        row["pass"] = not problems
        row["reason"] = "; ".join(problems)
        return row
    except (ConfigError, RuntimeError, OSError) as exc:
        row["reason"] = f"{type(exc).__name__}: {exc}"
        return row
    finally:
        if session is not None:
            session.close(stop_platform=True)
        if platform is not None:
            platform.close()
        if not shared_cache:
            os.environ.pop("SWARM_ENV_CACHE", None)
        row["seconds"] = round(time.monotonic() - start, 1)
        progress.line(f"{row['id']}: {row['outcome']} in {row['deploys']} deploy{'' if row['deploys'] == 1 else 's'}, {row['seconds']}s: "
                      f"{'PASS' if row['pass'] else 'FAIL ' + row['reason']}")


def _score(sc: Scenario, repo: Path, app_sha: str, base_sha: str | None, final: Any, session: Any, platform: Any) -> list[str]:
    problems: list[str] = []
    outcome = final.outcome.kind if final.outcome else "failed"
    if outcome != sc.expect:
        problems.append(f"outcome {outcome}, expected {sc.expect} ({final.outcome.reason if final.outcome else ''})")
    if len(final.deploys) > sc.max_deploys:
        problems.append(f"{len(final.deploys)} deploys > max_deploys {sc.max_deploys}")
    _git(repo, "fetch", "-q", "origin")
    head = _git(repo, "rev-parse", "origin/main")
    commits = [c for c in _git(repo, "rev-list", f"{app_sha}..{head}").splitlines() if c]
    touched: set[str] = set()
    for c in commits:
        touched |= set(_git(repo, "diff-tree", "--no-commit-id", "--name-only", "-r", c).splitlines())
    for path in sorted(touched):
        if (hit := matches_any(path, sc.must_not_touch)) is not None:
            problems.append(f"a session commit changed {path} (must_not_touch {hit!r})")
        if path.startswith((".git/", "/", "../")):
            problems.append(f"a session commit changed {path} (outside the repo or under .git/)")
    report = session.deps.artifacts.path("report.md")
    report_text = report.read_text() if report.exists() else ""
    if sc.expect == "healed" and outcome == "healed":
        live = platform.live()
        if live is None or live.sha != (final.outcome.final_sha if final.outcome else None):
            problems.append("the final commit is not the live release")
        elif not session.deps.ctx.prober.get(platform.health_url(live.id, "/healthz"), 5).ok:
            problems.append("the live release does not answer /healthz with 200")
        if sc.must_touch and not any(matches_any(p, sc.must_touch) for p in touched):
            problems.append(f"no healing commit touched {sc.must_touch}")
    if sc.expect == "escalated":
        if commits:
            problems.append(f"escalated but pushed {len(commits)} commit(s)")
        if "What a person must do" not in report_text or (final.report and final.report.category not in report_text):
            problems.append("no escalation report naming the category and the action")
    if sc.expect == "rolled_back" and outcome == "rolled_back":
        live = platform.live()
        if live is None or base_sha is None or _git(repo, "rev-parse", f"{live.sha}^{{tree}}") != _git(repo, "rev-parse", f"{base_sha}^{{tree}}"):
            problems.append("the live commit's tree is not base/'s tree")
        if not report_text:
            problems.append("no escalation report")
    return problems


MODEL_RESOLUTION_S = 1.0
"""Modelled times are compared to the whole second (as the table prints them): the model's deploy cost is an estimate
of minutes, and tenths of a second of bookkeeping (a checkpoint write) are noise against it. The loop wins a scenario
under the model only when it is at least this much faster."""


def modelled(row: dict[str, Any], deploy_cost: float) -> float:
    """Time to heal on a hosted platform: the swarm's own seconds (analysis, fixing, validation) plus ``deploy_cost``
    for each deploy, instead of what the local platform's deploys took.

    A rehearsal (graph/rehearsal.py) starts with the deploy and had ``head_start_s`` before the local platform's
    verdict; the session then waited ``wait_s`` for it. On the modelled platform the verdict comes ``deploy_cost``
    seconds after the start, so the same rehearsal (as long as it took here) leaves ``max(0, wait - (deploy_cost -
    head_start))`` to wait. Everything else the swarm did is counted as measured."""
    own = float(row.get("swarm_seconds", 0) or 0)
    for r in row.get("rehearsals") or []:
        wait, head = float(r["wait_s"]), float(r["head_start_s"])
        own += max(0.0, wait - max(0.0, deploy_cost - head)) - wait
    return round(own + deploy_cost * int(row.get("deploys", 0) or 0), 1)


def cmd_bench(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        raise ConfigError(f"bench: {root} is not a folder of scenarios")
    every = sorted(p for p in root.iterdir() if (p / "scenario.toml").is_file())
    if not every:
        raise ConfigError(f"bench: no scenario folders (with scenario.toml) under {root}")
    unknown = [name for name in args.only if name not in {p.name for p in every}]
    if unknown:
        raise ConfigError(f"bench: no scenario named {', '.join(map(repr, unknown))} under {root}; there are: "
                          + ", ".join(p.name for p in every[:20]) + (" ..." if len(every) > 20 else ""))
    folders = [p for p in every if not args.only or p.name in args.only]
    progress = Progress()
    run_id = time.strftime("%Y%m%d-%H%M%S")
    modes = ["swarm", "loop"] if args.mode == "both" else [args.mode]
    rows = []
    warmup = args.warmup if getattr(args, "warmup", None) is not None else len(modes) == 2
    if warmup and "swarm" in modes:
        # the graph's code (LangGraph, its checkpointer) is loaded once per process, as in a `swarm serve` worker: the
        # first scenario's heal does not pay for importing it (start-up has its own benchmark, bench_startup.py)
        importlib.import_module("graph.builder")
        importlib.import_module("langgraph.checkpoint.sqlite")
    for n, folder in enumerate(folders):
        if warmup:  # untimed: fills pip's and npm's download caches, never swarm's build environments (per run)
            run_scenario(folder, f"{run_id}-warmup", "loop", Progress(quiet=True))
        if len(modes) == 2 and n % 2:  # alternate which mode goes first: what one run leaves warm (pip's wheel
            loop = run_scenario(folder, f"{run_id}-loop", "loop", progress)  # cache, the page cache) favours both alike
            row = run_scenario(folder, f"{run_id}-{modes[0]}", modes[0], progress, getattr(args, "rehearse", None))
        else:
            row = run_scenario(folder, f"{run_id}-{modes[0]}", modes[0], progress, getattr(args, "rehearse", None))
            loop = run_scenario(folder, f"{run_id}-loop", "loop", progress) if len(modes) == 2 else {}
        if len(modes) == 2:
            row["loop"] = {k: loop.get(k, 0) for k in ("outcome", "deploys", "seconds", "pass", "reason", "swarm_seconds",
                                                       "platform_seconds")}
            row["loop"]["modelled_seconds"] = modelled(row["loop"], args.deploy_cost)
            row["swarm_le_loop"] = (not loop["pass"] and row["pass"]) or (row["pass"] and row["deploys"] <= loop["deploys"])
            row["wins_under_model"] = (not loop["pass"] and row["pass"]) or (
                row["pass"] and modelled(row, args.deploy_cost) < row["loop"]["modelled_seconds"] + MODEL_RESOLUTION_S)
        row["modelled_seconds"] = modelled(row, args.deploy_cost)
        rows.append(row)
    both = len(modes) == 2
    head = f"\n{'id':30} {'expected':11} {'outcome':11} {'deploys':>7} {'seconds':>8} {'swarm%':>6} {'modelled':>9}"
    print(head + (f" {'loop':>11} {'deploys':>7} {'seconds':>8} {'modelled':>9}" if both else "") + "  pass")
    for r in rows:
        line = (f"{r['id']:30} {r['expected']:11} {r['outcome']:11} {r['deploys']:>7} {r['seconds']:>8} "
                f"{100 * r.get('swarm_share', 0):>5.0f}% {r['modelled_seconds']:>9.0f}")
        if both:
            lo = r["loop"]
            line += f" {lo['outcome']:>11} {lo['deploys']:>7} {lo['seconds']:>8} {lo['modelled_seconds']:>9.0f}"
        print(line + "  " + ("yes" if r["pass"] else "NO: " + r["reason"]))
    passed = sum(r["pass"] for r in rows)
    swarm_s = sum(r.get("swarm_seconds", 0) for r in rows)
    plat_s = sum(r.get("platform_seconds", 0) for r in rows)
    print(f"\n{passed}/{len(rows)} passed, {sum(r['deploys'] for r in rows)} deploys, {sum(r['seconds'] for r in rows):.0f}s "
          f"({modes[0]} mode); time in the swarm itself {swarm_s:.0f}s vs builds and deploys {plat_s:.0f}s "
          f"({100 * swarm_s / max(swarm_s + plat_s, 1e-9):.0f}% swarm)")
    ok = passed == len(rows)
    if both:
        lp = sum(r["loop"]["pass"] for r in rows)
        fewer = [r["id"] for r in rows if r["pass"] and (not r["loop"]["pass"] or r["deploys"] < r["loop"]["deploys"])]
        worse = [r["id"] for r in rows if not r["swarm_le_loop"]]
        print(f"loop mode: {lp}/{len(rows)} passed, {sum(r['loop']['deploys'] for r in rows)} deploys; "
              f"swarm used fewer deploys (or healed where the loop did not) on: {', '.join(fewer) or 'none'}; "
              f"swarm used more on: {', '.join(worse) or 'none'}")
        lost = [r["id"] for r in rows if not r["wins_under_model"]]
        print(f"cost model ({args.deploy_cost:.0f} s a deploy): swarm {sum(r['modelled_seconds'] for r in rows):.0f}s, loop "
              f"{sum(r['loop']['modelled_seconds'] for r in rows):.0f}s in total; the loop wins on: {', '.join(lost) or 'none'}")
        settings = sorted({str(r.get("rehearse")) for r in rows if r.get("rehearse")})
        print(f"rehearsals (swarm mode): {', '.join(settings) or 'n/a'}"
              + ("; the local platform shares this host, so auto did not rehearse: the model credits no overlap "
                 "(--rehearse on runs what auto runs on a hosted platform)" if settings == ["auto"] else ""))
        ok = ok and not worse  # the cost model is reported, not yet a pass condition (issue 13's target)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=2) + "\n")
    return 0 if ok else 1
