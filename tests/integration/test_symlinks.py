"""Issue 10 #1: nothing swarm does reads or writes through a symbolic link that leaves the repository.

Real git repositories with tracked links to files outside them; the Fixer, every strategy it runs, the
validator and the LLM context builder work in real worktrees. The outside files must stay byte-for-byte
the same, their contents must not reach a prompt, and the report says why the fix was refused."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from agents import fixer, validator
from agents.context import AgentContext, Options
from agents.policy import Policy
from agents.ports import CommandResult
from agents.rules import load_rulebook
from agents.safepath import UnsafePath, escaping_links, links_withdrawn, resolve_inside
from memory.learning import LearningStore
from memory.models import FailureReport, FixCandidate
from swarm.gitws import GitWorkspace
from tests.conftest import git
from tests.fakes import FakeClock, FakePlatform, FakeProber


class IndexedWorkspace(GitWorkspace):
    """The real git workspace; only the package index is answered locally (tests stay on loopback)."""

    def run(self, command: str, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> CommandResult:
        if "pip index versions" in command:
            return CommandResult(command, 0, "PyYAML (6.0.3)\nAvailable versions: 6.0.3, 6.0.2\n", 0.1)
        return super().run(command, cwd, timeout, env)


class Notes:
    def notify(self, kind: str, payload: dict[str, Any]) -> None:
        return None


def repo_with_links(tmp_path: Path, links: dict[str, str], files: dict[str, str]) -> tuple[Path, Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    origin, repo = tmp_path / "origin.git", tmp_path / "app"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    for rel, text in files.items():
        if rel.startswith("__outside__"):
            continue
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    for rel, target in links.items():
        (outside / Path(target).name).write_text(files.get("__outside__" + rel, f"# outside {rel}\nSECRET_SETTING = 'outside-canary-9f8e'\n"))
        os.symlink(str(outside / Path(target).name), repo / rel)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "app with links out")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "-u", "origin", "main")
    return repo, outside


def context(repo: Path, tmp_path: Path, llm: Any = None) -> AgentContext:
    ws = IndexedWorkspace(repo, "origin", "main", tmp_path / "work")
    return AgentContext(platform=FakePlatform(), workspace=ws, prober=FakeProber(), clock=FakeClock(), notifier=Notes(),
                        rules=load_rulebook(), policy=Policy(), learning=LearningStore(tmp_path / "l.json"), llm=llm,
                        options=Options(smoke_check=False))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_add_dependency_refuses_a_linked_requirements_file(tmp_path: Path) -> None:
    repo, outside = repo_with_links(tmp_path, {"requirements.txt": "requirements.txt"},
                                    {"app.py": "import yaml\n", "Procfile": "web: python app.py\n",
                                     "__outside__requirements.txt": "flask==3.0.0\n"})
    before = snapshot(outside)
    ctx = context(repo, tmp_path)
    report = FailureReport(category="missing_dependency", entity="PyYAML", ecosystem="python", fingerprint="f")
    sha = git(repo, "rev-parse", "HEAD")
    candidates, notes = fixer.propose(ctx, report, ["add_dependency"], sha, "s", 1)
    assert snapshot(outside) == before
    assert candidates == []
    assert any("requirements.txt is a symbolic link to" in n and "outside the repository" in n for n in notes), notes
    assert (repo / "requirements.txt").is_symlink()  # the user's clone is untouched


def test_bind_port_never_rewrites_a_linked_source(tmp_path: Path) -> None:
    server = "import http.server\nhttp.server.HTTPServer(('127.0.0.1', 5000), http.server.BaseHTTPRequestHandler).serve_forever()\n"
    repo, outside = repo_with_links(tmp_path, {"server.py": "server.py"},
                                    {"Procfile": "web: python server.py\n", "__outside__server.py": server})
    before = snapshot(outside)
    ctx = context(repo, tmp_path)
    report = FailureReport(category="port_binding", ecosystem="python", fingerprint="p")
    candidates, notes = fixer.propose(ctx, report, ["bind_port"], git(repo, "rev-parse", "HEAD"), "s", 1)
    assert snapshot(outside) == before and candidates == []
    assert any("bind_port" in n for n in notes), notes


def test_the_llm_never_sees_a_linked_file(tmp_path: Path) -> None:
    from agents.ports import LLMReply

    class RecordingLLM:
        model = "scripted"

        def __init__(self) -> None:
            self.prompts: list[str] = []

        def call(self, system: str, messages: list[dict[str, Any]], tool: dict[str, Any]) -> LLMReply:
            self.prompts.append(repr(messages))
            return LLMReply(tool_input=None, tool_use_id="t", text="", usage={})

    repo, outside = repo_with_links(tmp_path, {"settings.py": "settings.py"},
                                    {"app.py": "import settings\nprint(settings.X)\n", "Procfile": "web: python app.py\n"})
    llm = RecordingLLM()
    ctx = context(repo, tmp_path, llm)
    report = FailureReport(category="runtime_error", ecosystem="python", fingerprint="r",
                           evidence=[{"line": 1, "text": 'File "settings.py", line 2, in <module>'}],  # type: ignore[list-item]
                           root_cause="AttributeError: module 'settings' has no attribute 'X'")
    fixer.propose(ctx, report, ["llm_patch"], git(repo, "rev-parse", "HEAD"), "s", 1)
    assert llm.prompts and not any("outside-canary-9f8e" in p for p in llm.prompts)


def test_the_validator_refuses_a_change_through_a_link(tmp_path: Path) -> None:
    repo, outside = repo_with_links(tmp_path, {"requirements.txt": "requirements.txt"}, {"app.py": "print(1)\n"})
    ctx = context(repo, tmp_path)
    diff = ("diff --git a/requirements.txt b/requirements.txt\n--- a/requirements.txt\n+++ b/requirements.txt\n"
            "@@ -1 +1,2 @@\n x\n+PyYAML\n")
    cand = FixCandidate(id="c", strategy="add_dependency", summary="s", diff=diff, files=["requirements.txt"])
    result = validator.validate(ctx, cand, "missing_dependency", git(repo, "rev-parse", "HEAD"), "val-0")
    assert not result.passed and not result.policy_ok
    assert "outside the repository" in " ".join(result.policy_reasons)


def test_links_are_withdrawn_and_restored_exactly(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / ".git").mkdir()
    os.symlink("/etc/hostname", tree / "abs")
    os.symlink("../../", tree / "pkg" / "up")
    os.symlink(".git", tree / "gitlink")
    os.symlink("pkg", tree / "inside")  # a link inside the tree is fine
    names = sorted(link.path for link in escaping_links(tree))
    assert names == ["abs", "gitlink", "pkg/up"]
    with links_withdrawn(tree):
        assert not (tree / "abs").exists() and (tree / "inside").is_symlink()
    assert os.readlink(tree / "abs") == "/etc/hostname" and os.readlink(tree / "pkg" / "up") == "../../"
    with pytest.raises(UnsafePath, match="abs is a symbolic link"):
        with links_withdrawn(tree):
            (tree / "abs").write_text("replaced")
    with pytest.raises(UnsafePath):
        resolve_inside(tree, "pkg/up/etc/passwd")
    assert resolve_inside(tree, "inside/x.py") == tree / "inside/x.py"
