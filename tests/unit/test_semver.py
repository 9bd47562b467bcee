import pytest

from agents.strategies.semver import satisfies


@pytest.mark.parametrize(("version", "spec", "ok"), [
    ("18.2.0", "^18.2.0", True), ("18.2.0", "^18.3.1", False), ("18.2.0", "^16.8.0 || ^17.0.0 || ^18.0.0", True),
    ("17.0.2", "17.0.2", True), ("18.2.0", ">=16.8", True), ("18.2.0", "~18.2.0", True), ("18.3.0", "~18.2.0", False),
    ("0.2.5", "^0.2.3", True), ("0.3.0", "^0.2.3", False), ("0.0.4", "^0.0.3", False), ("1.2.3", "1.x", True),
    ("2.0.0", "1.x", False), ("1.2.3", "*", True), ("1.2.3", "", True), ("1.2.3", "1.0.0 - 1.5.0", True),
    ("1.6.0", "1.0.0 - 1.5.0", False), ("5.0.0", ">=4 <6", True), ("6.0.0", ">=4 <6", False), ("3.0.0", ">2", True),
    ("2.9.0", ">2", False), ("2.9.0", "<=2", True), ("3.0.0", "<=2", False), ("18.2.0-rc.1", "^18.0.0", False),
    ("1.2.3", "not a range", False),
])
def test_satisfies(version: str, spec: str, ok: bool) -> None:
    assert satisfies(version, spec) is ok
