"""How the Deploy agent restores the last good release: the platform's own rollback when it has one and
``rollback = "auto"``; the revert commit built and deployed otherwise, also when the vendor refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents import deploy
from agents.ports import Published
from memory.errors import PlatformError
from memory.models import Deployment
from tests.fakes import FakePlatform
from tests.unit.test_agents import ctx


class RevertingWorkspace:
    root = Path(".")
    branch = "main"

    def __init__(self) -> None:
        self.messages: list[str] = []

    def revert_to(self, good_sha: str, message: str, session_id: str, attempt: int,
                  expect_head: str | None = None) -> Published:
        self.messages.append(message)
        return Published(sha="r" * 40, reused=False)


class NativePlatform(FakePlatform):
    def __init__(self, refuse: bool = False) -> None:
        super().__init__()
        self.refuse, self.rollbacks = refuse, []  # type: list[str]

    def rollback(self, to: Deployment, key: str, attempt: int = 0) -> Deployment | None:
        self.rollbacks.append(to.id)
        if self.refuse:
            raise PlatformError("Render POST /services/srv/rollback → 400: deploy is too old to roll back to")
        return Deployment(id="rb-1", sha=to.sha, kind="rollback", attempt=attempt)


GOOD = Deployment(id="dep-good", sha="g" * 40, status="live")
BAD = Deployment(id="dep-bad", sha="b" * 40, status="live")


@pytest.mark.parametrize(("mode", "refuse", "native"), [("auto", False, True), ("auto", True, False), ("revert", False, False)])
def test_rollback_paths(tmp_path: Path, mode: str, refuse: bool, native: bool) -> None:
    plat = NativePlatform(refuse)
    c = ctx(tmp_path, plat, rollback=mode)
    ws = RevertingWorkspace()
    c.workspace = ws  # type: ignore[assignment]
    events: list[tuple[str, dict[str, object]]] = []
    c.emit = lambda kind, data: events.append((kind, data))
    dep, pushed, _ = deploy.rollback(c, "s1", 2, GOOD.sha, BAD, "GET /items → 500", GOOD)
    assert pushed == "r" * 40 and len(ws.messages) == 1  # the branch always gets the restoring commit
    assert "Swarm-Session: s1" in ws.messages[0] and "Swarm-Attempt: 2" in ws.messages[0]
    if native:
        assert dep.id == "rb-1" and dep.sha == GOOD.sha and plat.rollbacks == ["dep-good"]
        assert "restore deploy dep-good with the platform's rollback" in ws.messages[0]
    else:
        assert dep.sha == "r" * 40 and dep.kind == "rollback"  # the revert commit is built and deployed
        assert plat.rollbacks == (["dep-good"] if refuse else [])
    if refuse:
        assert [k for k, _ in events if k == "platform_rollback_refused"] and "too old" in str(events)


def test_no_known_good_deploy_builds_the_revert_commit(tmp_path: Path) -> None:
    plat = NativePlatform()
    c = ctx(tmp_path, plat)
    c.workspace = RevertingWorkspace()  # type: ignore[assignment]
    dep, _, _ = deploy.rollback(c, "s1", 1, GOOD.sha, BAD, "regression", None)
    assert dep.sha == "r" * 40 and plat.rollbacks == []
