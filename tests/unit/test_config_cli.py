import subprocess
import sys
import time
from pathlib import Path

import pytest

from memory.errors import ConfigError
from swarm.cli import main
from swarm.config import load_file_config


def test_unknown_key_names_the_key(tmp_path: Path) -> None:
    (tmp_path / "swarm.toml").write_text("[heal]\nmax_attemps = 2\n")
    with pytest.raises(ConfigError, match="heal.max_attemps"):
        load_file_config(tmp_path)


def test_layering_and_hard_cap(tmp_path: Path) -> None:
    (tmp_path / "swarm.toml").write_text("[heal]\nmax_attempts = 2\n[deploy]\nhealth_path = '/up'\n")
    cfg = load_file_config(tmp_path, {"heal": {"max_attempts": 4}})
    assert cfg.heal.max_attempts == 4 and cfg.deploy.health_path == "/up" and cfg.heal.same_error_limit == 2
    (tmp_path / "swarm.toml").write_text("[heal]\nmax_attempts = 9\n")
    with pytest.raises(ConfigError, match="max_attempts"):
        load_file_config(tmp_path)


def test_rollback_mode_is_checked(tmp_path: Path) -> None:
    (tmp_path / "swarm.toml").write_text('[heal]\nrollback = "revert"\n')
    assert load_file_config(tmp_path).heal.rollback == "revert"
    assert load_file_config(tmp_path, {"heal": {"rollback": "auto"}}).heal.rollback == "auto"
    (tmp_path / "swarm.toml").write_text('[heal]\nrollback = "platform"\n')
    with pytest.raises(ConfigError, match="rollback"):
        load_file_config(tmp_path)


def test_bad_toml_is_a_clear_error_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "swarm.toml").write_text("[heal\n")
    assert main(["deploy", "--session", "x", "--repo", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "not valid TOML" in err and "Traceback" not in err


def test_not_a_repo_and_bad_session_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deploy", "--session", "x", "--repo", str(tmp_path)]) == 1
    assert "not a git repository" in capsys.readouterr().err
    assert main(["deploy", "--session", "../etc", "--repo", str(tmp_path)]) == 1
    assert "invalid session id" in capsys.readouterr().err
    assert main(["deploy", "--session", "x", "--max-attempts", "9", "--repo", str(tmp_path)]) == 1


def test_help_does_not_import_heavy_modules() -> None:
    code = ("import sys, runpy; sys.argv=['swarm','--help']\n"
            "try:\n runpy.run_module('swarm', run_name='__main__')\nexcept SystemExit: pass\n"
            "heavy=[m for m in ('langgraph','anthropic') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out and "deploy" in out
    assert time.monotonic() - t0 < 30


def test_analyze_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "a.log"
    log.write_text("ModuleNotFoundError: No module named 'yaml'\n")
    assert main(["analyze", "--json", str(log), str(tmp_path / "missing.log")]) == 1
    captured = capsys.readouterr()
    assert '"category": "missing_dependency"' in captured.out and "missing.log" in captured.err


def test_sessions_list_empty_and_show_missing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sessions", "list"]) == 0
    assert main(["sessions", "show", "nope"]) == 1
