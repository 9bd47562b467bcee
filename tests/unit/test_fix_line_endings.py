"""fix_line_endings on real files: a #! script committed with CR LF, which the container runtime reports as missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.analyzer import analyze
from agents.rules import load_rulebook
from agents.strategies import StrategyDeclined, Tools
from agents.strategies.fix_line_endings import fix_line_endings
from memory.models import FailureReport

BOOK = load_rulebook()


def diagnose(log: str) -> FailureReport:
    return analyze(log, BOOK)


@pytest.mark.parametrize("log", [
    "web-1  | exec /app/docker-entrypoint.sh: no such file or directory\n",
    "[FATAL tini (6)] exec /usr/local/bin/docker-entrypoint.sh failed: No such file or directory\n",
    "bash: ./docker-entrypoint.sh: /bin/sh^M: bad interpreter: No such file or directory\n",
])
def test_a_crlf_script_becomes_lf_and_stays_lf(tmp_path: Path, log: str) -> None:
    script = b"#!/bin/sh\r\nset -e\r\nexec gunicorn app:app --bind 0.0.0.0:$PORT\r\n"
    (tmp_path / "docker-entrypoint.sh").write_bytes(script)
    (tmp_path / ".gitattributes").write_text("*.png binary\n")
    report = diagnose(log)
    assert (report.category, report.entity) == ("start_command", "docker-entrypoint.sh")
    r = fix_line_endings(report, tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "docker-entrypoint.sh").read_bytes() == script.replace(b"\r\n", b"\n")
    assert (tmp_path / ".gitattributes").read_text() == "*.png binary\n/docker-entrypoint.sh text eol=lf\n"
    assert r.params == {"files": ["docker-entrypoint.sh"]}
    with pytest.raises(StrategyDeclined, match="no #! line ending in CR"):
        fix_line_endings(report, tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / ".gitattributes").read_text().count("docker-entrypoint.sh") == 1


def test_a_script_in_a_subfolder_is_found_by_name(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "start.sh").write_bytes(b"#!/usr/bin/env bash\r\nnode server.js\r\n")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "start.sh").write_bytes(b"#!/bin/sh\r\ntrue\r\n")
    fix_line_endings(diagnose("exec /srv/start.sh: no such file or directory\n"), tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "deploy" / "start.sh").read_bytes() == b"#!/usr/bin/env bash\nnode server.js\n"
    assert (tmp_path / "node_modules" / "x" / "start.sh").read_bytes() == b"#!/bin/sh\r\ntrue\r\n"
    assert (tmp_path / ".gitattributes").read_text() == "/deploy/start.sh text eol=lf\n"


@pytest.mark.parametrize(("files", "reason"), [
    ({}, "no file named entrypoint.sh"),
    ({"entrypoint.sh": b"#!/bin/bash\nexec node index.js\n"}, "no #! line ending in CR"),
    ({"entrypoint.sh": b"echo hi\r\nexec node index.js\r\n"}, "no #! line ending in CR"),
])
def test_declines_when_line_endings_are_not_the_cause(tmp_path: Path, files: dict[str, bytes], reason: str) -> None:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    with pytest.raises(StrategyDeclined, match=reason):
        fix_line_endings(diagnose("exec /entrypoint.sh: no such file or directory\n"), tmp_path, Tools(None))  # type: ignore[arg-type]
    for name, data in files.items():
        assert (tmp_path / name).read_bytes() == data
    assert not (tmp_path / ".gitattributes").exists()


def test_a_symlink_of_that_name_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.sh"
    outside.write_bytes(b"#!/bin/sh\r\ntrue\r\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "run.sh").symlink_to(outside)
    with pytest.raises(StrategyDeclined, match="no file named run.sh"):
        fix_line_endings(diagnose("exec /app/run.sh: no such file or directory\n"), repo, Tools(None))  # type: ignore[arg-type]
    assert outside.read_bytes() == b"#!/bin/sh\r\ntrue\r\n"
