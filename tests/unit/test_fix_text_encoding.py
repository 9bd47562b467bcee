"""fix_text_encoding on real files: parts of a file saved as UTF-16 by Windows PowerShell 5's > and >>."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agents.strategies import StrategyDeclined
from agents.strategies.fix_text_encoding import fix_text_encoding, to_utf8
from memory.models import FailureReport
from tests.unit.test_strategies import tools

PIP = FailureReport(category="config_error", entity="requirements.txt", ecosystem="python",
                    root_cause="ERROR: Invalid requirement: 'g\\x00u\\x00n\\x00i\\x00c\\x00o\\x00r\\x00n\\x00'")


@pytest.mark.parametrize(("raw", "expected"), [
    # `echo gunicorn==23.0.0 >> requirements.txt` after a UTF-8 file with CR LF line ends
    (b"flask==3.0.3\r\n" + "gunicorn==23.0.0\r\n".encode("utf-16-le"), b"flask==3.0.3\r\ngunicorn==23.0.0\r\n"),
    # the same with a byte-order mark mid-file (pip: UnicodeDecodeError ... byte 0xff)
    (b"flask==3.0.3\n" + "gunicorn==23.0.0\r\n".encode("utf-16"), b"flask==3.0.3\ngunicorn==23.0.0\n"),
    # appended after a last line that had no newline: the run starts its own line
    (b"flask==3.0.3" + "gunicorn\r\n".encode("utf-16-le"), b"flask==3.0.3\ngunicorn\n"),
    # a whole file written with `>`: mark, CR LF, Latin-1 in a comment
    ("flask\r\n# café\r\n".encode("utf-16"), "flask\n# café\n".encode()),
    # two appends, UTF-8 between them
    (b"a\n" + "b\r\n".encode("utf-16-le") + b"c\n" + "d\r\n".encode("utf-16-le"), b"a\nb\nc\nd\n"),
])
def test_utf16_runs_become_utf8(tmp_path: Path, raw: bytes, expected: bytes) -> None:
    (tmp_path / "requirements.txt").write_bytes(raw)
    result = fix_text_encoding(PIP, tmp_path, tools())
    assert (tmp_path / "requirements.txt").read_bytes() == expected
    assert result.params["files"] == ["requirements.txt"]


def test_a_procfile_written_by_powershell(tmp_path: Path) -> None:
    (tmp_path / "Procfile").write_bytes("web: gunicorn app:app\r\n".encode("utf-16"))
    (tmp_path / "requirements.txt").write_bytes(b"flask\n")
    fix_text_encoding(FailureReport(category="start_command"), tmp_path, tools())
    assert (tmp_path / "Procfile").read_bytes() == b"web: gunicorn app:app\n"
    assert (tmp_path / "requirements.txt").read_bytes() == b"flask\n"


def test_utf8_files_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_bytes("flask\n# naïve\n".encode())
    with pytest.raises(StrategyDeclined, match="no file the build reads by name holds UTF-16"):
        fix_text_encoding(PIP, tmp_path, tools())


def test_bytes_that_are_not_shell_text_are_left_to_a_person(tmp_path: Path) -> None:
    raw = b"flask\n" + "中文\r\n".encode("utf-16-le")  # units outside Latin-1: not what this strategy can read back
    (tmp_path / "requirements.txt").write_bytes(raw)
    assert to_utf8(raw) is None
    with pytest.raises(StrategyDeclined, match="neither UTF-8 nor UTF-16"):
        fix_text_encoding(PIP, tmp_path, tools())
    assert (tmp_path / "requirements.txt").read_bytes() == raw


def test_a_symlink_is_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes("flask\r\n".encode("utf-16"))
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(outside, repo / "requirements.txt")
    with pytest.raises(StrategyDeclined):
        fix_text_encoding(PIP, repo, tools())
    assert outside.read_bytes() == "flask\r\n".encode("utf-16")
