"""`swarm init` detects the platform from the repository's own files and writes a commented swarm.toml that
swarm's config loader accepts; it never overwrites one (real git repositories)."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarm.cli import main
from swarm.config import load_file_config
from tests.conftest import git


def repo_with(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "app"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    return repo


@pytest.mark.parametrize("files, platform", [
    ({"render.yaml": "services:\n  - type: web\n    name: greeting\n    healthCheckPath: /up\n", "Procfile": "web: python app.py\n"},
     "render"),
    ({"vercel.json": "{}\n", "package.json": '{"scripts": {"start": "next start"}}'}, "vercel"),
    ({".do/app.yaml": "name: shop\nservices:\n  - name: api\n    health_check:\n      http_path: /health\n"}, "digitalocean"),
    ({"Procfile": "web: gunicorn app:app\n", "requirements.txt": "flask\n"}, "local"),
])
def test_init_detects_the_platform_and_writes_a_valid_config(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             files: dict[str, str], platform: str) -> None:
    repo = repo_with(tmp_path, files)
    assert main(["init", "--repo", str(repo)]) == 0
    out = capsys.readouterr().out
    assert f"platform {platform}" in out and "swarm hook install" in out
    cfg = load_file_config(repo, {})
    assert cfg.service.platform == platform and cfg.service.branch == "main"
    if platform == "render":
        assert cfg.deploy.health_path == "/up" and "healthCheckPath" not in (repo / "swarm.toml").read_text()
    if platform == "digitalocean":
        assert cfg.digitalocean.component == "api" and cfg.deploy.health_path == "/health"


def test_init_never_overwrites_a_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with(tmp_path, {"swarm.toml": "[service]\nplatform = \"local\"\n# mine\n"})
    assert main(["init", "--repo", str(repo)]) == 1
    assert "left as it is" in capsys.readouterr().err and "# mine" in (repo / "swarm.toml").read_text()
    assert main(["init", "--repo", str(tmp_path / "nowhere")]) == 1
