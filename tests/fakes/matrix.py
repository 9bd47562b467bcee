"""The sample app (missing PyYAML) on each vendor's fake, set up the way a user's service is: the fake for the
vendor, its swarm.toml section, its environment, and the push the session watches. Shared by
tests/e2e/test_platform_matrix.py and scripts/bench_platforms.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import git, push_config, sample_app
from tests.fakes.deploysim import VendorFake
from tests.fakes.digitalocean import FakeDigitalOcean
from tests.fakes.render import FakeRender
from tests.fakes.vercel import FakeVercel

TRACE = ["Traceback (most recent call last):", '  File "/app/app.py", line 6', "    import yaml",
         "ModuleNotFoundError: No module named 'yaml'"]


def fixed(origin: Path, sha: str) -> bool:
    return "PyYAML" in git(origin, "show", f"{sha}:requirements.txt")


def make_fake(vendor: str, origin: Path, **kw: Any) -> tuple[Any, str, dict[str, str]]:
    """The vendor's fake for the sample app, its swarm.toml section and its environment."""
    if vendor == "render":
        render = FakeRender(lambda sha: ("live", ["listening"]) if fixed(origin, sha) else ("update_failed", TRACE), **kw)
        return render, '[render]\nservice_id = "srv-abc"\nowner_id = "tea-xyz"\n', {"RENDER_API_KEY": render.key,
                                                                                      "RENDER_API_URL": render.url}
    if vendor == "vercel":
        vercel = FakeVercel(lambda sha: ("READY", ["Build Completed"]) if fixed(origin, sha) else ("ERROR", ["Build Completed", *TRACE]), **kw)
        section = f'[vercel]\nproject = "greeting"\norg = "acme"\nrepo = "greeting"\nautodeploy = "{"on" if kw.get("autodeploy") else "off"}"\n'
        return vercel, section, {"VERCEL_TOKEN": vercel.token, "VERCEL_API_URL": vercel.url}
    do = FakeDigitalOcean(lambda: git(origin, "rev-parse", "main"),
                          lambda sha: ("ACTIVE", "build ok", "listening") if fixed(origin, sha) else ("ERROR", "build ok", "\n".join(TRACE)), **kw)
    return do, '[digitalocean]\napp_id = "6f4e1c2a-app"\ncomponent = "web"\n', {"DIGITALOCEAN_TOKEN": do.token,
                                                                                "DIGITALOCEAN_API_URL": do.url}


def prepare(base: Path, site_url: str, vendor: str, setenv: Callable[[str, str], None],
            on_push: Callable[[Path], Callable[[str], None]] | None = None, **kw: Any) -> tuple[Path, Path, VendorFake]:
    """The sample app on ``vendor``'s fake, its config pushed (the platform sees the push through its webhook).
    ``on_push(origin)`` makes the fake's per-push callback. Returns (repo, origin, fake); the caller closes the fake."""
    repo, origin = sample_app(base, f"{vendor}-app")
    fake, section, env = make_fake(vendor, origin, **kw, **({"on_push": on_push(origin)} if on_push else {}))
    for k, v in env.items():
        setenv(k, v)
    fake.watch_pushes(origin)
    push_config(repo, f'[service]\nplatform = "{vendor}"\n{section}url = "{site_url}"\npush_grace_s = 60\n'
                      "[heal]\nattempt_timeout_s = 120\n")
    return repo, origin, fake
