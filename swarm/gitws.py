"""The Workspace port over git (GitPython): worktrees per candidate, commits with explicit identity,
pushes that are never forced and fail loudly when rejected."""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import git

from agents.ports import CommandResult, Published
from memory.errors import PushRefused, RemoteMoved, WorkspaceError
from swarm.appenv import app_environment
from swarm.procs import run_command

log = logging.getLogger(__name__)
_TRAILER = re.compile(r"^Swarm-Session:\s*(\S+)\s*$", re.M)
_ATTEMPT = re.compile(r"^Swarm-Attempt:\s*(\d+)\s*$", re.M)


class GitWorkspace:
    def __init__(self, root: Path, remote: str, branch: str, work_dir: Path,
                 author: tuple[str, str] = ("swarm", "swarm@localhost"), tool_path: list[str] | None = None,
                 app_env: dict[str, str] | None = None, redact: Callable[[str], str] | None = None) -> None:
        try:
            self.repo = git.Repo(root)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise WorkspaceError(f"{root} is not a git repository; pass --repo with the path of your app's clone") from exc
        self.root = Path(self.repo.working_tree_dir or root)
        self.remote, self.branch = remote, branch
        self.last_checkout = ""
        """What the last push did to the user's checkout (see :meth:`_sync_checkout`)."""
        self.work_dir = Path(work_dir)
        self.author = author
        if remote not in [r.name for r in self.repo.remotes]:
            raise WorkspaceError(f"{self.root} has no remote named {remote!r}; add it (git remote add {remote} URL) or set [service] remote")
        self._tool_path = tool_path or [str(Path(sys.executable).parent)]
        self.app_env = dict(app_env or {})
        """The app's own variables, given to the checks and tools that run its code."""
        self.redact = redact or (lambda text: text)
        """Applied to every commit message before it is written (evidence quotes logs)."""

    # -- reading --------------------------------------------------------------------------
    def _git(self, *args: str, cwd: Path | None = None, input_text: str | None = None) -> str:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
        code, out, _, timed_out = run_command(["git", *args], cwd or self.root, timeout=300, env=env, shell=False,
                                             stdin_text=input_text, exact=True)
        if code != 0:
            raise WorkspaceError(f"git {' '.join(args[:3])} failed in {cwd or self.root}: {out.strip()[-1500:]}" + (" (timed out)" if timed_out else ""))
        return out

    def fetch(self) -> None:
        self._git("fetch", "--quiet", self.remote, f"+refs/heads/{self.branch}:refs/remotes/{self.remote}/{self.branch}")

    def remote_head(self) -> str:
        out = self._git("ls-remote", self.remote, f"refs/heads/{self.branch}").split()
        if not out:
            raise WorkspaceError(f"branch {self.branch!r} does not exist on remote {self.remote!r}; push it first")
        return out[0]

    def _ensure(self, sha: str) -> None:
        try:
            self._git("cat-file", "-e", f"{sha}^{{commit}}")
        except WorkspaceError:
            self.fetch()

    def read(self, path: str, sha: str | None = None) -> str | None:
        sha = sha or self.remote_head()
        self._ensure(sha)
        try:
            return self._git("show", f"{sha}:{path}")
        except WorkspaceError:
            return None

    def files(self, sha: str | None = None) -> list[str]:
        sha = sha or self.remote_head()
        self._ensure(sha)
        return self._git("ls-tree", "-r", "--name-only", sha).splitlines()

    def current_branch(self) -> str | None:
        """The branch checked out in the user's clone (None when HEAD is detached)."""
        try:
            return self.repo.active_branch.name
        except TypeError:
            return None

    def is_ancestor(self, older: str, newer: str) -> bool:
        try:
            self._git("merge-base", "--is-ancestor", older, newer)
            return True
        except WorkspaceError:
            return False

    # -- checkouts ------------------------------------------------------------------------
    def checkout(self, name: str, sha: str) -> Path:
        path = self.work_dir / re.sub(r"[^A-Za-z0-9._-]", "_", name)
        if path.exists():
            self.discard(path)
        self._ensure(sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._git("worktree", "add", "--detach", "--force", str(path), sha)
        return path

    def discard(self, path: Path) -> None:
        try:
            self._git("worktree", "remove", "--force", str(path))
        except WorkspaceError:
            pass
        if Path(path).exists():
            shutil.rmtree(path, ignore_errors=True)
        try:
            self._git("worktree", "prune")
        except WorkspaceError:
            pass

    def prune_stale(self, sessions_root: Path, keep: Callable[[str], bool]) -> list[str]:
        """Remove the worktrees that swarm made under ``sessions_root/<session>/work`` and a killed session left
        registered in the user's clone (sessions for which ``keep(session)`` is true are left alone)."""
        removed: list[str] = []
        root = Path(sessions_root).resolve()
        for line in self._git("worktree", "list", "--porcelain").splitlines():
            if not line.startswith("worktree "):
                continue
            path = Path(line[len("worktree "):])
            try:
                rel = path.resolve().relative_to(root)
            except ValueError:
                continue
            if len(rel.parts) >= 3 and rel.parts[1] == "work" and not keep(rel.parts[0]):
                self.discard(path)
                removed.append(str(path))
        self._git("worktree", "prune")
        return removed

    def apply(self, tree: Path, diff: str) -> None:
        if not diff.strip():
            return
        try:
            self._git("apply", "--whitespace=nowarn", "-", cwd=tree, input_text=diff)
        except WorkspaceError as exc:
            raise WorkspaceError(f"the fix does not apply to {tree.name}: {exc}") from exc

    def diff(self, tree: Path) -> str:
        self._git("add", "-A", cwd=tree)
        # --binary: a file git sees as binary (a NUL byte: UTF-16 text) gets a patch `git apply` can apply
        return self._git("diff", "--cached", "--binary", "--no-color", "--no-ext-diff", cwd=tree)

    def run(self, command: str, cwd: Path, timeout: float, env: dict[str, str] | None = None) -> CommandResult:
        # the user's checks and tools run the app's code: an allow-listed environment, never swarm's credentials
        full_env = app_environment({**self.app_env, **(env or {})})
        full_env["PATH"] = os.pathsep.join([*self._tool_path, full_env.get("PATH", "")])
        code, out, seconds, timed_out = run_command(command, cwd, timeout, env=full_env)
        return CommandResult(command, code, out, seconds, timed_out)

    # -- publishing -----------------------------------------------------------------------
    def recent_by_swarm(self, n: int) -> list[bool]:
        """Newest first: whether each of the last ``n`` commits on the remote branch carries a Swarm-Session trailer."""
        head = self.remote_head()
        self._ensure(head)
        log_text = self._git("log", "-n", str(n), "--format=%B%x00", head)
        return [bool(_TRAILER.search(body)) for body in log_text.split("\x00") if body.strip()]

    def find_commit(self, session_id: str, attempt: int) -> str | None:
        """The commit of (session, attempt) on the remote branch, if it was already pushed."""
        head = self.remote_head()
        self._ensure(head)
        log_text = self._git("log", "-n", "100", "--format=%H%n%B%x00", head)
        for entry in log_text.split("\x00"):
            entry = entry.strip()
            if not entry:
                continue
            sha, _, body = entry.partition("\n")
            s, a = _TRAILER.search(body), _ATTEMPT.search(body)
            if s and a and s.group(1) == session_id and int(a.group(1)) == attempt:
                return sha.strip()
        return None

    def _identity_env(self) -> dict[str, str]:
        name, email = self.author
        return {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_TERMINAL_PROMPT": "0"}

    def _commit(self, tree: Path, message: str) -> str:
        """Commit everything in ``tree`` with swarm's identity and the (redacted) message; returns the sha."""
        self._git("add", "-A", cwd=tree)
        code, out, _, _ = run_command(["git", "commit", "--no-verify", "-q", "-F", "-"], tree, 60, env=self._identity_env(),
                                      shell=False, stdin_text=self.redact(message))
        if code != 0:
            raise WorkspaceError(f"git commit failed: {out.strip()[-800:]}")
        return self._git("rev-parse", "HEAD", cwd=tree).strip()

    def _push(self, sha: str, branch: str) -> None:
        """Push ``sha`` to ``branch``, never forced; a refusal is PushRefused with the remote's own words.
        Pushed from the main clone (worktrees share its objects), so relative remote URLs resolve as the user set
        them; --no-verify: swarm's own push must not fire the user's pre-push hook (and with it a second session)."""
        code, out, _, _ = run_command(["git", "push", "--porcelain", "--no-verify", self.remote, f"{sha}:refs/heads/{branch}"],
                                      self.root, 300, env=self._identity_env(), shell=False)
        if code != 0:
            said = _remote_said(out)
            raise PushRefused(f"the remote refused swarm's push of {sha[:12]} to {self.remote}/{branch} (never forced): "
                              f"{said}", remote_message=said)

    def _commit_and_push(self, tree: Path, message: str) -> str:
        sha = self._commit(tree, message)
        self._push(sha, self.branch)
        self.fetch()
        self._sync_checkout(sha)
        return sha

    def publish(self, diff: str, message: str, base_sha: str, session_id: str, attempt: int,
                branch: str | None = None) -> Published:
        if branch is not None and branch != self.branch:
            return self._publish_branch(diff, message, base_sha, branch)
        existing = self.find_commit(session_id, attempt)
        if existing:
            return Published(existing, reused=True)
        head = self.remote_head()
        if head != base_sha:
            raise RemoteMoved(f"{self.remote}/{self.branch} moved from {base_sha[:12]} to {head[:12]} after the fix was "
                              "validated; it is not pushed on a tree nobody checked", head)
        tree = self.checkout(f"{session_id}-publish-{attempt}", head)
        try:
            self.apply(tree, diff)
            sha = self._commit_and_push(tree, message)
            return Published(sha, reused=False, checkout=self.last_checkout)
        finally:
            self.discard(tree)

    def _publish_branch(self, diff: str, message: str, base_sha: str, branch: str) -> Published:
        """PR mode: the fix goes on its own branch, created from the failing commit (idempotent: reused if there)."""
        out = self._git("ls-remote", self.remote, f"refs/heads/{branch}").split()
        if out:
            return Published(out[0], reused=True)
        tree = self.checkout(f"pr-{branch.replace('/', '-')}", base_sha)
        try:
            self.apply(tree, diff)
            sha = self._commit(tree, message)
            self._push(sha, branch)
            return Published(sha, reused=False)
        finally:
            self.discard(tree)

    def revert_to(self, good_sha: str, message: str, session_id: str, attempt: int,
                  expect_head: str | None = None) -> Published:
        existing = self.find_commit(session_id, attempt)
        if existing:
            return Published(existing, reused=True)
        head = self.remote_head()
        if expect_head is not None and head != expect_head:
            raise RemoteMoved(f"{self.remote}/{self.branch} moved to {head[:12]} (someone pushed after the release that "
                              f"regressed, {expect_head[:12]}); rolling back now would revert their work", head)
        self._ensure(good_sha)
        tree = self.checkout(f"{session_id}-rollback-{attempt}", head)
        try:
            self._git("read-tree", "--reset", "-u", good_sha, cwd=tree)
            self._git("clean", "-fdq", cwd=tree)
            sha = self._commit_and_push(tree, message)
            return Published(sha, reused=False, checkout=self.last_checkout)
        finally:
            self.discard(tree)

    def _sync_checkout(self, sha: str) -> None:
        """Fast-forward the user's checkout of the branch when that is safe; otherwise leave it. Either way, say what
        happened and what to run (``last_checkout``): a person's working tree is never changed silently."""
        self.last_checkout = ""
        short = sha[:12]
        try:
            current = self.current_branch()
            if current != self.branch:
                self.last_checkout = (f"your checkout is on {current or 'a detached HEAD'}, not {self.branch}: it was not "
                                      f"changed; `git fetch {self.remote}` brings swarm's commit {short}")
                return
            if self.repo.is_dirty(untracked_files=False):
                # plain git commands: GitPython's object API would leave a persistent `git cat-file` running here
                dirty = set(self._git("diff", "--name-only").split()) | set(self._git("diff", "--name-only", "--cached").split())
                touched = set(self._git("diff", "--name-only", f"{sha}~1", sha).split())
                both = sorted(dirty & touched)
                self.last_checkout = (
                    f"your checkout of {self.branch} has uncommitted changes ({', '.join(sorted(dirty)[:5])}"
                    f"{', ...' if len(dirty) > 5 else ''}), so it was left at {self._git('rev-parse', 'HEAD')[:12]}, behind "
                    f"{self.remote}/{self.branch} ({short}). To get the fix: `git stash && git pull --ff-only && git stash pop`"
                    + (f"; {', '.join(both)} {'is' if len(both) == 1 else 'are'} changed by both you and swarm: expect a "
                       "conflict there" if both else ""))
                return
            if self.is_ancestor("HEAD", sha):
                before = self._git("rev-parse", "HEAD").strip()
                self._git("merge", "--ff-only", "-q", sha)
                if before != sha:
                    self.last_checkout = (f"your checkout of {self.branch} was fast-forwarded from {before[:12]} to "
                                          f"swarm's commit {short} (it had no local changes)")
                return
            self.last_checkout = (f"your checkout of {self.branch} has commits that are not on {self.remote}: it was left "
                                  f"as it is; `git pull --rebase` puts them on top of swarm's commit {short}")
        except (WorkspaceError, TypeError, ValueError, OSError) as exc:
            self.last_checkout = f"your checkout was left as it is ({exc}); `git pull` brings swarm's commit {short}"


def _remote_said(output: str) -> str:
    """The remote's own words about a refused push, once: 'remote:' lines and the rejection line, deduplicated."""
    seen: list[str] = []
    for line in output.splitlines():
        text = line.strip()
        if not text or text.startswith(("To ", "Done")):
            continue
        text = text.removeprefix("remote:").strip()
        if text and text not in seen:
            seen.append(text)
    return " | ".join(seen)[-800:] or "no message"
