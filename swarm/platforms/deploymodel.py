"""What each vendor does with a push, written down in one place.

Three questions decide how swarm must deploy a commit on a platform:

1. **Does a push deploy by itself?** Render reads ``autoDeploy`` on the service, DigitalOcean reads
   ``deploy_on_push`` on the app spec's component, Vercel's git integration deploys every push to a
   linked repository. When it does, swarm *waits for that deploy* (matched by commit, for a bounded
   grace period) and triggers its own only when none appears: a second deploy of the same commit costs
   build minutes and, under an override policy, cancels the first.
2. **What happens when deploys overlap?** Render: override the in-progress deploy (the default) or
   wait for it and then run the newest one (a workspace setting); Vercel: both build, production
   goes to the newest; DigitalOcean: one deployment at a time, a newer one supersedes the older.
   A deploy that ends replaced (canceled by an override, superseded, deactivated) is not a failure
   of its commit: the monitor follows it to its successor.
3. **How long does a push take to show up as a deploy?** ``push_grace_s``: how long swarm waits for
   the push's own deploy before it triggers one.

:func:`find_or_trigger` is the one algorithm every vendor adapter uses to deploy a commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

Trigger = Literal["push", "swarm"]
T = TypeVar("T")


@dataclass(frozen=True)
class DeployModel:
    vendor: str
    autodeploy: str
    """Whether a push deploys by itself, and where swarm reads it."""
    overlap: str
    """What the vendor does when a deploy starts while another is in progress."""
    replaced: frozenset[str]
    """The vendor's states meaning another deploy took over (followed, never analysed as a failure)."""
    push_grace_s: float
    """How long swarm waits for a push's own deploy to appear before it triggers one."""
    docs: tuple[str, ...]
    shares_this_host: bool = False
    """Whether the vendor builds and runs deploys on the machine swarm runs on (graph/rehearsal.py then starts no app
    before the vendor's verdict). A platform with no model here (the local platform) is taken to share it."""


MODELS: dict[str, DeployModel] = {
    "render": DeployModel(
        vendor="Render",
        autodeploy="the service's autoDeploy (GET /services/{id}: \"yes\"/\"no\"); a deploy of a specific commit "
                   "through the API does not disable autodeploys",
        overlap="per workspace: override the in-progress deploy (default; the older one ends canceled), or wait "
                "for it and then run only the most recent triggered deploy",
        replaced=frozenset({"canceled", "deactivated"}),
        push_grace_s=90.0,
        docs=("https://render.com/docs/deploys#automatic-deploys",
              "https://render.com/changelog/wait-for-an-in-progress-service-deploy-to-finish-before-starting-a-new-one",
              "https://api-docs.render.com/reference/create-deploy"),
    ),
    "vercel": DeployModel(
        vendor="Vercel",
        autodeploy="the git integration deploys every push to a connected repository (no API in swarm's spec "
                   "subset says whether one is connected: [vercel] autodeploy, on by default)",
        overlap="both build (concurrent builds, or the same-branch queue); production is given to the newest "
                "production deployment, an older one finishing later does not take it back",
        replaced=frozenset({"CANCELED", "DELETED"}),
        push_grace_s=90.0,
        docs=("https://vercel.com/docs/deployments/git",
              "https://vercel.com/docs/builds/build-queues",
              "https://vercel.com/docs/deployments/promoting-a-deployment"),
    ),
    "digitalocean": DeployModel(
        vendor="DigitalOcean",
        autodeploy="the component's deploy_on_push in the app spec (GET /v2/apps/{id}: spec.services[].github"
                   "/gitlab/bitbucket.deploy_on_push)",
        overlap="one deployment at a time: a newer deployment supersedes the one in progress (it ends SUPERSEDED "
                "or CANCELED)",
        replaced=frozenset({"SUPERSEDED", "CANCELED"}),
        push_grace_s=120.0,
        docs=("https://docs.digitalocean.com/products/app-platform/how-to/manage-deployments/",
              "https://docs.digitalocean.com/products/app-platform/reference/app-spec/"),
    ),
    "command": DeployModel(
        vendor="command",
        autodeploy="[command] find prints the deploy of a commit when the platform made one by itself; without it "
                   "swarm deploys every commit itself",
        overlap="whatever the platform's CLI does",
        replaced=frozenset({"canceled", "superseded"}),
        push_grace_s=60.0,
        docs=(),
        shares_this_host=True,  # the CLI may well build here: nothing says otherwise
    ),
}


def grace(vendor: str, configured: float | None) -> float:
    return MODELS[vendor].push_grace_s if configured is None else configured


def find_or_trigger(sha: str, kind: str, autodeploy: Callable[[], bool], grace_s: float, find: Callable[[str], T | None],
                    trigger: Callable[[str], T], sleep: Callable[[float], None] = time.sleep,
                    now: Callable[[], float] = time.monotonic) -> tuple[T, Trigger]:
    """The deploy of ``sha`` to watch, and who started it.

    A deploy of the commit that already exists is watched, never doubled. When the platform deploys
    pushes by itself (``autodeploy()``, asked only when needed), its deploy is awaited for ``grace_s`` (polling with backoff); swarm triggers
    one only when none appears, or when autodeploy is off. A ``redeploy`` (the same commit again,
    after a transient failure) is always triggered: that is its point.
    """
    if kind != "redeploy":
        found = find(sha)
        if found is not None:
            return found, "push"
        if autodeploy():
            deadline, delay = now() + grace_s, 0.2
            while (left := deadline - now()) > 0:
                sleep(min(delay, left))
                found = find(sha)
                if found is not None:
                    return found, "push"
                delay = min(delay * 1.5, 5.0)
    return trigger(sha), "swarm"


def autodeploy_setting(setting: str, read: Callable[[], bool]) -> bool:
    """``[<vendor>] autodeploy``: "on"/"off" as configured, "auto" asks the vendor (once per session)."""
    if setting == "on":
        return True
    if setting == "off":
        return False
    return read()


def newest_after(items: list[dict[str, Any]], deploy_id: str, ident: Callable[[dict[str, Any]], str]) -> list[dict[str, Any]]:
    """The deploys listed before ``deploy_id`` in a newest-first list: those created after it."""
    out: list[dict[str, Any]] = []
    for item in items:
        if ident(item) == deploy_id:
            return out
        out.append(item)
    return out
