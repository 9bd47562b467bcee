"""report.html rendered for real in headless Chromium (Debian's chromium, installed by scripts/test's setup): the DOM
has the outcome, the timeline, the highlighted root-cause line, each candidate with its diff and steps, the learning;
the screenshot is a real rendering (docs/report-html.png is one)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from swarm.cli import main
from tests.conftest import ROOT, make_app

pytestmark = pytest.mark.slow
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    exe = shutil.which("chromium")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI: Debian's chromium is not installed (scripts/test installs it as root with apt)")
        pytest.skip("no chromium here")
    return exe


def test_report_html_renders_in_chromium(tmp_path: Path) -> None:
    exe = chromium()
    app = ROOT / "scripts" / "scenarios-dev" / "py-yaml-missing-port-5000" / "app"
    repo, _ = make_app(tmp_path, {p.name: p.read_text() for p in app.iterdir() if p.is_file()}, "html")
    assert main(["deploy", "--session", "html", "--repo", str(repo), "--quiet"]) == 0
    page = Path(os.environ["SWARM_ARTIFACTS"]) / "sessions" / "html" / "report.html"
    html = page.read_text()
    assert "http://" not in html.split("<body>", 1)[0] and "<script" not in html  # self-contained: no network, no script
    run = [exe, *FLAGS, f"--user-data-dir={tmp_path / 'chromium'}"]
    dom = subprocess.run([*run, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'class="outcome healed"' in dom
    assert dom.count('class="step"') >= 5  # the agents and deploys on the time axis
    assert '<mark id="root-cause">' in dom and "ModuleNotFoundError: No module named 'yaml'" in dom
    assert "add_dependency + bind_port" in dom and 'class="add"' in dom and "start-and-health: ok" in dom
    assert "recorded as the known fix for missing_dependency" in dom
    shot = tmp_path / "report.png"
    subprocess.run([*run, "--window-size=1200,1800", f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a rendered page, not a blank one
