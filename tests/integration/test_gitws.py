import subprocess
from pathlib import Path

import pytest

from memory.errors import WorkspaceError
from swarm.gitws import GitWorkspace
from tests.conftest import git, make_app


def test_publish_is_idempotent_and_never_forced(tmp_path: Path) -> None:
    repo, origin = make_app(tmp_path, {"requirements.txt": "flask\n"})
    ws = GitWorkspace(repo, "origin", "main", tmp_path / "work")
    head = ws.remote_head()
    tree = ws.checkout("t", head)
    (tree / "requirements.txt").write_text("flask\nPyYAML\n")
    diff = ws.diff(tree)
    ws.discard(tree)
    first = ws.publish(diff, "fix\n\nSwarm-Session: s1\nSwarm-Attempt: 1\n", head, "s1", 1)
    again = ws.publish(diff, "fix\n\nSwarm-Session: s1\nSwarm-Attempt: 1\n", head, "s1", 1)
    assert not first.reused and again.reused and again.sha == first.sha
    assert git(origin, "rev-parse", "main") == first.sha
    assert git(repo, "rev-parse", "HEAD") == first.sha  # clean checkout fast-forwarded
    author = git(origin, "log", "-1", "--format=%an <%ae>|%cn", "main")
    assert author == "swarm <swarm@localhost>|swarm"


def test_rejected_push_is_an_error(tmp_path: Path) -> None:
    repo, origin = make_app(tmp_path, {"a.txt": "1\n"})
    ws = GitWorkspace(repo, "origin", "main", tmp_path / "work")
    head = ws.remote_head()
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    tree = ws.checkout("t", head)
    (tree / "a.txt").write_text("2\n")
    diff = ws.diff(tree)
    with pytest.raises(WorkspaceError, match="rejected"):
        ws.publish(diff, "x\n\nSwarm-Session: s\nSwarm-Attempt: 1\n", head, "s", 1)
    assert git(origin, "rev-parse", "main") == head


def test_revert_to_restores_the_good_tree(tmp_path: Path) -> None:
    repo, origin = make_app(tmp_path, {"a.txt": "good\n"})
    good = git(repo, "rev-parse", "HEAD")
    (repo / "a.txt").write_text("bad\n")
    (repo / "new.txt").write_text("x\n")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@l", "commit", "-qm", "bad")
    git(repo, "push", "-q", "origin", "main")
    ws = GitWorkspace(repo, "origin", "main", tmp_path / "work")
    pub = ws.revert_to(good, "rollback\n\nSwarm-Session: r\nSwarm-Attempt: 1\n", "r", 1)
    assert git(origin, "rev-parse", f"{pub.sha}^{{tree}}") == git(origin, "rev-parse", f"{good}^{{tree}}")


def test_a_fix_to_files_with_windows_line_endings_applies_and_keeps_them(tmp_path: Path) -> None:
    """git's diff of a CR LF file carries the CRs; read as universal-newline text they were lost and the patch no
    longer applied to the file it came from."""
    repo, origin = make_app(tmp_path, {"requirements.txt": "flask\r\ngunicorn\r\n", "start.sh": "#!/bin/sh\r\nexec app\r\n"})
    ws = GitWorkspace(repo, "origin", "main", tmp_path / "work")
    head = ws.remote_head()
    tree = ws.checkout("t", head)
    (tree / "requirements.txt").write_bytes(b"flask\r\ngunicorn\r\nPyYAML==6.0.2\r\n")
    (tree / "start.sh").write_bytes(b"#!/bin/sh\nexec app\n")
    diff = ws.diff(tree)
    ws.discard(tree)
    assert "\r\n" in diff
    other = ws.checkout("v", head)
    ws.apply(other, diff)
    assert (other / "requirements.txt").read_bytes() == b"flask\r\ngunicorn\r\nPyYAML==6.0.2\r\n"
    assert (other / "start.sh").read_bytes() == b"#!/bin/sh\nexec app\n"
    ws.discard(other)
    pub = ws.publish(diff, "fix\n\nSwarm-Session: s\nSwarm-Attempt: 1\n", head, "s", 1)
    shown = subprocess.run(["git", "show", f"{pub.sha}:requirements.txt"], cwd=origin, check=True, capture_output=True).stdout
    assert shown == b"flask\r\ngunicorn\r\nPyYAML==6.0.2\r\n"


def test_a_diff_larger_than_the_output_cap_applies_whole(tmp_path: Path) -> None:
    """A regenerated lockfile's diff can pass 256 KiB; only the tail of command output was kept, which cut the diff."""
    lock = "".join(f'    "node_modules/pkg-{i}": {{"version": "1.0.{i}"}},\n' for i in range(6000))
    repo, _ = make_app(tmp_path, {"package-lock.json": lock})
    ws = GitWorkspace(repo, "origin", "main", tmp_path / "work")
    head = ws.remote_head()
    tree = ws.checkout("t", head)
    (tree / "package-lock.json").write_text(lock.replace('"1.0.', '"2.0.'))
    diff = ws.diff(tree)
    ws.discard(tree)
    assert len(diff) > 256 * 1024
    other = ws.checkout("v", head)
    ws.apply(other, diff)
    assert (other / "package-lock.json").read_text() == lock.replace('"1.0.', '"2.0.')
