from pathlib import Path

import httpx
import pytest

from memory.errors import PlatformError
from swarm.platforms.render import RenderPlatform


def test_429_with_ratelimit_reset_is_retried_and_errors_carry_the_vendor_message(tmp_path: Path) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Ratelimit-Reset": "3"}, json={"id": "rate_limited", "message": "slow down"})
        if request.url.path.endswith("/deploys/dep-9"):
            return httpx.Response(404, json={"id": "not_found", "message": "deploy dep-9 not found"})
        return httpx.Response(200, json={"id": "dep-1", "status": "build_in_progress", "commit": {"id": "abc"}})

    slept: list[float] = []
    p = RenderPlatform(httpx.Client(transport=httpx.MockTransport(handler)), "rnd_key", "srv-1", "tea-1", tmp_path,
                       base_url="https://render.test/v1", sleep=slept.append)
    d = p.status("dep-1")
    assert d.status == "building" and d.sha == "abc" and slept == [3.0]
    assert calls[1].headers["authorization"] == "Bearer rnd_key"
    with pytest.raises(PlatformError, match="deploy dep-9 not found"):
        p.status("dep-9")
