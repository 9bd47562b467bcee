"""Where a platform builds and runs deploys comes from its vendor's deploy model, the one place that knows it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from swarm.platforms.checked import CheckedPlatform


@dataclass
class _Adapter:
    name: str


@pytest.mark.parametrize(("name", "shares"), [
    ("render", False), ("vercel", False), ("digitalocean", False),  # the vendor's own machines: auto rehearses
    ("command", True), ("local", True), ("something-new", True),   # this machine, or nothing says otherwise
])
def test_whether_a_platform_shares_this_host_comes_from_its_deploy_model(name: str, shares: bool) -> None:
    assert CheckedPlatform(_Adapter(name)).shares_this_host is shares
