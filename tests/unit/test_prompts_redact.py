import pytest

from agents.llm_analyst import TAXONOMY
from agents.prompting import render
from memory.errors import ConfigError
from memory.models import CATEGORIES
from memory.redact import MASK, Redactor


def test_every_shipped_prompt_renders_with_its_declared_variables() -> None:
    a = render("analyzer.md", taxonomy=list(TAXONOMY.items()), rule_result="unknown", log_window="  1 | boom",
               files=[{"path": "app.py", "text": "x = 1"}])
    assert "report_failure" in a and "missing_env_var" in a and "app.py" in a and "{{" not in a
    f = render("fixer.md", category="syntax_error", entity="app.py", root_cause="SyntaxError", log_window="l",
               files=[{"path": "app.py", "text": "def f(:"}], manifest="", avoid="")
    assert "propose_fix" in f and "def f(:" in f
    assert set(TAXONOMY) == set(CATEGORIES)


def test_missing_or_extra_variables_name_the_file() -> None:
    with pytest.raises(ConfigError, match="fixer.md.*variables declared"):
        render("fixer.md", category="x")
    with pytest.raises(ConfigError, match="analyzer.md"):
        render("analyzer.md", taxonomy=[], rule_result="", log_window="", files=[], extra=1)


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnop", "abcdefghijklmnop"),
        ("using token ghp_" + "x" * 36, "x" * 36),
        ("DATABASE_URL=postgres://app:s3cr3t-pw@db:5432/app", "s3cr3t-pw"),
        ("redis://:hunter22@127.0.0.1:6379/0", "hunter22"),
        ("password: correct-horse-battery", "correct-horse-battery"),
        ("Authorization: Bearer abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "MIIEow"),
        ("the value is my-very-own-value", "my-very-own-value"),
    ],
)
def test_redaction(text: str, leak: str) -> None:
    out = Redactor(["my-very-own-value"])(text)
    assert leak not in out and MASK in out
