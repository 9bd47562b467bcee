"""The local platform's web command: the Procfile's `web:` line, else `npm start` where npm has a start command (a
"start" script, or npm's default `node server.js` when server.js is at the root), else no web process."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarm.platforms.local_worker import BuildFailed, Worker


@pytest.mark.parametrize(("files", "expect"), [
    ({"package.json": '{"name": "a", "scripts": {"start": "node app.js"}}', "app.js": ""}, "npm start"),
    ({"package.json": '{"name": "a"}', "server.js": ""}, "npm start"),  # npm's default start: node server.js
    ({"package.json": '{"name": "a"}', "index.js": ""}, None),
    ({"Procfile": "web: node index.js\n", "package.json": '{"name": "a"}', "server.js": ""}, "node index.js"),
])
def test_the_web_command_is_the_procfiles_or_npm_start_where_npm_has_one(tmp_path: Path, files: dict[str, str],
                                                                         expect: str | None) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name, text in files.items():
        (src / name).write_text(text)
    worker = Worker(tmp_path, cfg={}, src=src)
    if expect is None:
        with pytest.raises(BuildFailed, match="no web process"):
            worker.start_command()
    else:
        assert worker.start_command() == expect
