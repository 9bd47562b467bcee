"""Holding back packages whose engines ask for a newer Node than the platform's, on real package.json files;
npm's resolution and the registry answer through a scripted workspace (shapes as npm 11 prints them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.ports import CommandResult
from agents.strategies import StrategyDeclined, Tools
from agents.strategies.node_engines import hold_back
from agents.strategies.set_runtime_version import set_runtime_version
from memory.models import EvidenceLine, FailureReport
from tests.unit.test_strategies import ScriptedWorkspace, write

# what npm 11 resolved for fastify ^5.4.0 in November 2026: light-my-request 6.8.1 wants cookie ^2, which needs Node 22
LOCK = {"lockfileVersion": 3, "packages": {
    "": {"dependencies": {"fastify": "^5.4.0"}},
    "node_modules/fastify": {"version": "5.12.8", "dependencies": {"light-my-request": "^6.0.0"}},
    "node_modules/light-my-request": {"version": "6.8.1", "dependencies": {"cookie": "^2.0.0"}},
    "node_modules/cookie": {"version": "2.0.2", "engines": {"node": ">=22"}},
}}
COOKIE = [{"version": v, "engines": {"node": ">=18" if v.startswith("1") else ">=22"}} for v in ("1.0.2", "1.1.1", "2.0.0", "2.0.2")]
LMR = [{"version": v, "dependencies": {"cookie": c}} for v, c in (("6.5.1", "^1.0.1"), ("6.6.0", "^1.0.1"), ("6.8.0", "^2.0.0"),
                                                                    ("6.8.1", "^2.0.0"))]


class Npm(ScriptedWorkspace):
    """The scripted registry, plus ``npm install --package-lock-only`` writing the lockfile it resolved."""

    def __init__(self, lock: dict[str, object], answers: dict[str, tuple[int, str]]) -> None:
        super().__init__(answers)
        self.lock = lock

    def run(self, command: str, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> CommandResult:
        if "--package-lock-only" in command:
            self.calls.append(command)
            (cwd / "package-lock.json").write_text(json.dumps(self.lock))
            return CommandResult(command, 0, "", 0.01)
        return super().run(command, cwd, timeout, env)


def npm(lock: dict[str, object] = LOCK, **views: list[dict[str, object]]) -> Tools:
    return Tools(Npm(lock, {f"npm view '{k.replace('_', '-')}@>=0.0.0'": (0, json.dumps(v)) for k, v in views.items()}),
                 {"node": ["20.20.2"]})


def test_a_dependent_is_held_back_when_every_release_its_range_allows_needs_a_newer_node(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"dependencies": {"fastify": "^5.4.0"}}'})
    assert hold_back(tmp_path, npm(cookie=COOKIE, light_my_request=LMR), "20.20.2") == {"light-my-request": "6.6.0"}
    assert not (tmp_path / "package-lock.json").exists()  # the resolution's lockfile is not left behind


def test_the_package_itself_is_held_back_when_its_dependents_accept_an_older_release(tmp_path: Path) -> None:
    lock = json.loads(json.dumps(LOCK))
    lock["packages"]["node_modules/light-my-request"]["dependencies"]["cookie"] = "^1.0.1 || ^2.0.0"
    write(tmp_path, {"package.json": "{}", "package-lock.json": '{"lockfileVersion": 3, "packages": {"": {}}}'})
    assert hold_back(tmp_path, npm(lock, cookie=COOKIE), "20.20.2") == {"cookie": "1.1.1"}
    assert (tmp_path / "package-lock.json").read_text() == '{"lockfileVersion": 3, "packages": {"": {}}}'
    assert hold_back(tmp_path, npm(lock, cookie=COOKIE), "22.1.0") == {}


def test_a_direct_dependency_with_no_runnable_release_in_its_range_is_a_persons_choice(tmp_path: Path) -> None:
    lock = {"lockfileVersion": 3, "packages": {"": {"dependencies": {"cookie": "^2.0.0"}},
                                               "node_modules/cookie": {"version": "2.0.2", "engines": {"node": ">=22"}}}}
    write(tmp_path, {"package.json": "{}"})
    with pytest.raises(StrategyDeclined, match="a person must choose"):
        hold_back(tmp_path, npm(lock, cookie=COOKIE), "20.20.2")


def test_set_runtime_version_sets_engines_and_holds_back_under_engine_strict(tmp_path: Path) -> None:
    write(tmp_path, {".npmrc": "engine-strict=true\n",
                     "package.json": '{\n  "dependencies": {\n    "fastify": "^5.4.0"\n  },\n  "engines": {\n    "node": ">=99"\n  }\n}\n'})
    r = set_runtime_version(FailureReport(category="runtime_version", ecosystem="node"), tmp_path,
                            npm(cookie=COOKIE, light_my_request=LMR))
    data = json.loads((tmp_path / "package.json").read_text())
    assert data["engines"] == {"node": ">=20"} and data["overrides"] == {"light-my-request": "6.6.0"}
    assert r.params["overrides"] == ["light-my-request@6.6.0"]


def test_without_engine_strict_or_an_engine_refusal_in_the_log_nothing_is_resolved(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": '{"dependencies": {"fastify": "^5.4.0"}, "engines": {"node": ">=99"}}'})
    t = npm()
    set_runtime_version(FailureReport(category="runtime_version", ecosystem="node"), tmp_path, t)
    assert t.ws.calls == []  # type: ignore[attr-defined]
    write(tmp_path, {"package.json": '{"dependencies": {"fastify": "^5.4.0"}, "engines": {"node": ">=20"}}'})
    refused = FailureReport(category="runtime_version", ecosystem="node", evidence=[
        EvidenceLine(line=3, text="npm error engine Not compatible with your version of node/npm: cookie@2.0.2")])
    r = set_runtime_version(refused, tmp_path, npm(cookie=COOKIE, light_my_request=LMR))
    assert json.loads((tmp_path / "package.json").read_text())["overrides"] == {"light-my-request": "6.6.0"}
    assert "overrides" in r.summary
    write(tmp_path, {"package.json": '{"dependencies": {"fastify": "^5.4.0"}, "engines": {"node": ">=20"}}', "yarn.lock": ""})
    with pytest.raises(StrategyDeclined):  # Yarn's resolutions are another field: not edited
        set_runtime_version(refused, tmp_path, npm())


BARE = {"lockfileVersion": 3, "packages": {"": {}}}
"""A lockfile with nothing under the root: no dependency to hold back."""
NPM_REFUSAL = ["npm error code EBADENGINE", "npm error engine Unsupported engine",
               "npm error notsup Not compatible with your version of node/npm: shop-api@1.0.0",
               'npm error notsup Required: {"node":">=18","npm":">=99"}',
               'npm error notsup Actual:   {"node":"v20.20.2","npm":"11.19.1"}']


def test_an_engines_npm_newer_than_the_build_s_npm_is_lowered_to_its_line(tmp_path: Path) -> None:
    """npm 11 under engine-strict refuses a root package whose engines.npm asks for more: the log's ``Actual`` says
    which npm the build runs, and engines.npm (package.json and the lockfile's copy) is lowered to its major line.
    engines.node, which that Node satisfies, is left as it is."""
    pkg = {"name": "shop-api", "engines": {"node": ">=18", "npm": ">=99"}, "dependencies": {"ms": "2.1.3"}}
    lock = {"name": "shop-api", "lockfileVersion": 3, "packages": {"": {"name": "shop-api", "engines": {"node": ">=18", "npm": ">=99"}}}}
    write(tmp_path, {"package.json": json.dumps(pkg, indent=2), "package-lock.json": json.dumps(lock, indent=2),
                     ".npmrc": "engine-strict=true\n"})
    refused = FailureReport(category="runtime_version", ecosystem="node",
                            evidence=[EvidenceLine(line=i, text=t) for i, t in enumerate(NPM_REFUSAL, 1)])
    r = set_runtime_version(refused, tmp_path, npm(BARE))
    assert json.loads((tmp_path / "package.json").read_text())["engines"] == {"node": ">=18", "npm": ">=11"}
    assert json.loads((tmp_path / "package-lock.json").read_text())["packages"][""]["engines"] == {"node": ">=18", "npm": ">=11"}
    assert "engines.npm (>=99 → >=11: the build runs npm 11.19.1)" in r.summary


@pytest.mark.parametrize("spec", [">=10", "<9", "^11.2.0"])
def test_an_engines_npm_the_build_meets_or_misses_from_above_is_left_alone(tmp_path: Path, spec: str) -> None:
    write(tmp_path, {"package.json": json.dumps({"name": "a", "engines": {"npm": spec}}), ".npmrc": "engine-strict=true\n"})
    refused = FailureReport(category="runtime_version", ecosystem="node",
                            evidence=[EvidenceLine(line=i, text=t) for i, t in enumerate(NPM_REFUSAL, 1)])
    with pytest.raises(StrategyDeclined):
        set_runtime_version(refused, tmp_path, npm(BARE))
    assert json.loads((tmp_path / "package.json").read_text())["engines"] == {"npm": spec}


def test_an_engines_pnpm_newer_than_the_build_s_pnpm_is_lowered(tmp_path: Path) -> None:
    """pnpm checks the project's engines.pnpm itself and says ``Your pnpm version is incompatible`` ... ``Got: x``."""
    write(tmp_path, {"package.json": json.dumps({"name": "a", "engines": {"pnpm": ">=99.1"}}), "pnpm-lock.yaml": ""})
    lines = [" ERR_PNPM_UNSUPPORTED_ENGINE  Unsupported environment (bad pnpm and/or Node.js version)",
             'Your pnpm version is incompatible with "/app".', "Expected version: >=99.1", "Got: 9.15.0"]
    refused = FailureReport(category="runtime_version", ecosystem="node",
                            evidence=[EvidenceLine(line=i, text=t) for i, t in enumerate(lines, 1)])
    set_runtime_version(refused, tmp_path, npm(BARE))
    assert json.loads((tmp_path / "package.json").read_text())["engines"] == {"pnpm": ">=9"}
