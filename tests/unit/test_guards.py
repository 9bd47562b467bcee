from agents.guards import bot_loop, rate_limited


def test_bot_loop_guard() -> None:
    assert bot_loop([True, True, True, False], 3) is not None
    assert bot_loop([True, True, False], 3) is None  # a person committed in between
    assert bot_loop([False, True, True], 3) is None  # the newest commit is a person's
    assert bot_loop([True, True], 3) is None
    assert bot_loop([True, True, True], 0) is None  # disabled


def test_rate_limit() -> None:
    now = 10_000.0
    assert rate_limited([now - 10] * 5, now, 6) is None
    assert "max_sessions_per_hour=6" in (rate_limited([now - 10] * 6, now, 6) or "")
    assert rate_limited([now - 4000] * 10, now, 6) is None
