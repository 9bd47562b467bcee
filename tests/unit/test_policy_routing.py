import pytest

from agents.policy import Policy, glob_regex
from graph.routing import Limits, after_monitor, stop_reason
from memory.models import Deployment, FailureReport, FixCandidate, SwarmState


def diff_for(path: str, new: bool = False, lines: int = 1) -> str:
    head = f"--- {'/dev/null' if new else 'a/' + path}\n+++ b/{path}\n@@ -0,0 +1,{lines} @@\n"
    return head + "".join(f"+line {i}\n" for i in range(lines))


POLICY = Policy(protected=("auth/**", "**/migrations/**", ".env*", ".github/workflows/**"),
                never_autofix=frozenset({"missing_env_var"}), max_changed_lines=5)


@pytest.mark.parametrize(
    ("path", "refused"),
    [("requirements.txt", False), ("auth/session.py", True), ("app/db/migrations/0001.py", True),
     (".env", True), (".env.production", True), (".github/workflows/ci.yml", True), ("../outside.txt", True),
     (".git/config", True), ("/etc/passwd", True), ("src/app.py", False)],
)
def test_protected_paths(path: str, refused: bool) -> None:
    cand = FixCandidate(id="c", strategy="s", summary="", diff=diff_for(path))
    assert bool(POLICY.check(cand, "missing_dependency")) is refused


def test_size_category_and_secret_rules() -> None:
    big = FixCandidate(id="c", strategy="s", summary="", diff=diff_for("a.txt", lines=6))
    assert any("max_changed_lines" in r for r in POLICY.check(big, "missing_dependency"))
    ok = FixCandidate(id="c", strategy="s", summary="", diff=diff_for("a.txt"))
    assert any("never fixed" in r for r in POLICY.check(ok, "missing_env_var"))
    secret = FixCandidate(id="c", strategy="s", summary="", diff="--- /dev/null\n+++ b/deploy.pem\n@@ -0,0 +1 @@\n+x\n")
    assert POLICY.check(secret, "missing_dependency")
    token = FixCandidate(id="c", strategy="s", summary="", diff=diff_for("config.py").replace("+line 0", "+KEY='ghp_" + "a" * 36 + "'"))
    assert any("secret" in r for r in POLICY.check(token, "missing_dependency"))



def test_a_lockfile_counts_the_packages_it_moves_not_its_lines() -> None:
    """express ^4.17 -> ^4.21 rewrites hundreds of package-lock.json lines; what the guard bounds there is how many
    resolved packages change. The manifest's own lines still count toward max_changed_lines."""
    lock = "".join(f'-      "version": "1.0.{i}",\n+      "version": "1.1.{i}",\n+      "resolved": "r{i}",\n' for i in range(30))
    regen = FixCandidate(id="c", strategy="s", summary="", diff="--- a/package-lock.json\n+++ b/package-lock.json\n@@ -1 +1 @@\n" + lock)
    policy = Policy(max_changed_lines=5, max_lockfile_packages=40)
    assert policy.check(regen, "lockfile_mismatch") == []
    assert any("max_lockfile_packages=20" in r for r in Policy(max_lockfile_packages=20).check(regen, "lockfile_mismatch"))
    both = FixCandidate(id="c", strategy="s", summary="", diff=regen.diff + diff_for("package.json", lines=6))
    assert any("changes 6 lines" in r for r in policy.check(both, "lockfile_mismatch"))
    gitstyle = FixCandidate(id="c", strategy="s", summary="", diff="diff --git a/yarn.lock b/yarn.lock\n--- a/yarn.lock\n"
                            "+++ b/yarn.lock\n@@ -1 +1 @@\n-  version \"1.0.0\"\n+  version \"1.1.0\"\n")
    assert policy.check(gitstyle, "lockfile_mismatch") == []

def test_glob_semantics() -> None:
    assert glob_regex("*.py").match("app.py") and not glob_regex("*.py").match("pkg/app.py")
    assert glob_regex("**/*.py").match("pkg/app.py") and glob_regex("**/*.py").match("app.py")


def state(**kw: object) -> SwarmState:
    base = dict(session_id="s", service="svc", branch="main", initial_sha="a" * 40)
    base.update(kw)
    return SwarmState.model_validate(base)


def report(fp: str = "f1", auto: bool = True, category: str = "missing_dependency") -> FailureReport:
    return FailureReport(category=category, fingerprint=fp, auto_fixable=auto)


def test_limits_are_capped() -> None:
    with pytest.raises(ValueError):
        Limits(max_attempts=6)
    with pytest.raises(ValueError):
        Limits(max_attempts=0)
    assert Limits().max_attempts == 3 and Limits().same_error_limit == 2


def test_stop_reasons() -> None:
    lim = Limits(max_attempts=2, same_error_limit=2)
    assert stop_reason(state(report=report()), lim, 0) is None
    assert "not auto-fixable" in stop_reason(state(report=report(auto=False, category="missing_env_var")), lim, 0)
    assert "same error" in stop_reason(state(report=report(), fingerprints=["f1", "f1"]), lim, 0)
    assert "fix attempts" in stop_reason(state(report=report(), attempt=2), lim, 0)
    assert "deadline" in stop_reason(state(report=report(), deadline=10.0), lim, 11.0)


def test_after_monitor_routes() -> None:
    live = Deployment(id="d", sha="a", status="live", healthy=True)
    failed = Deployment(id="d", sha="a", status="build_failed", healthy=False)
    assert after_monitor(state(current=live)) == "verify"
    assert after_monitor(state(current=failed)) == "analyze"
    assert after_monitor(state(current=live, rolling_back=True)) == "escalate"


def test_after_select_stacks_a_partial_fix_locally() -> None:
    from graph.routing import after_select

    cand = FixCandidate(id="a1-add_dependency", strategy="add_dependency", summary="")
    assert after_select(state(chosen=cand)) == "deploy"
    assert after_select(state(stack=cand)) == "optimize"
    assert after_select(state(stack=cand, stop_reason="x")) == "escalate"
    assert after_select(state()) == "escalate"


def test_a_binary_patch_names_its_path_and_is_bounded(tmp_path) -> None:
    """A file git sees as binary (UTF-16 text has NUL bytes) gets a patch with no ---/+++ lines: its path comes from
    the diff --git header, so protected globs still hold, and its data lines count toward max_changed_lines."""
    import hashlib
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=tmp_path, check=True,
                              capture_output=True, text=True).stdout

    git("init", "-q")
    (tmp_path / "auth").mkdir()
    for rel in ("requirements.txt", "auth/keys.txt"):
        (tmp_path / rel).write_bytes(b"flask\r\n" + "gunicorn\r\n".encode("utf-16-le"))
    git("add", "-A")
    git("commit", "-qm", "x")
    for rel in ("requirements.txt", "auth/keys.txt"):
        (tmp_path / rel).write_bytes(b"flask\r\ngunicorn\r\n" + "".join(hashlib.sha256(bytes([i])).hexdigest()
                                                                          for i in range(40)).encode())
    git("add", "-A")
    diff = git("diff", "--cached", "--binary")
    assert "GIT binary patch" in diff and "+++ " not in diff
    cand = FixCandidate(id="c", strategy="s", summary="", diff=diff)
    reasons = Policy(protected=("auth/**",), max_changed_lines=5).check(cand, "config_error")
    assert "auth/keys.txt: protected by 'auth/**'" in reasons
    assert any("max_changed_lines=5" in r for r in reasons)
    assert Policy(max_changed_lines=200).check(cand, "config_error") == []
