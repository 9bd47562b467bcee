"""Secret redaction applied to everything swarm stores or sends: artifacts, checkpoints, the
coordination store, prompts, notifications, commit messages.

Three nets, each catching what the others miss:
1. **Known values**: every credential swarm reads and every value of the app's ``[deploy] env``
   (the composition root collects them), masked wherever they appear, whatever they are called.
2. **Value shapes**: token formats that are secret by themselves (Stripe, Slack webhooks, GitHub,
   Anthropic, AWS, Google, JWTs, PEM private keys, npm, SendGrid, Telegram, Discord webhooks) and
   URLs or DSNs that carry credentials.
3. **Key-like names**: ``NAME=value`` / ``name: value`` where the name says secret, and long
   high-entropy strings right after a key-like word.

Prose is left alone: a plain lowercase word after "secret:" (``a secret: never commit it``) is
not a value; an assignment is recognised by an identifier-shaped name or a secret-shaped value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

MASK = "[REDACTED]"

_SHAPES = [
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}"),  # Anthropic
    re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}"),  # Stripe
    re.compile(r"\bwhsec_[A-Za-z0-9]{16,}"),  # Stripe webhook signing
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"),  # GitHub
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
    re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}"),  # GitLab
    re.compile(r"\brnd_[A-Za-z0-9]{16,}"),  # Render
    re.compile(r"\bdop_v1_[a-f0-9]{32,}"),  # DigitalOcean
    re.compile(r"\bxox[abprse]-[A-Za-z0-9\-]{10,}"),  # Slack tokens
    re.compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]+"),  # Slack webhooks
    re.compile(r"https://(?:[a-z]+\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_\-]+"),  # Discord webhooks
    re.compile(r"\b\d{8,10}:AA[A-Za-z0-9_\-]{30,}"),  # Telegram bot token
    re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b"),  # AWS access key id
    re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),  # Google API key
    re.compile(r"\bya29\.[0-9A-Za-z_\-]{20,}"),  # Google OAuth token
    re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"),  # npm
    re.compile(r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"),  # SendGrid
    re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),  # JWT
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/\-]{12,}=*"),  # Authorization: Bearer
]
_AUTH_WORD = re.compile(r"(?i)\b(?P<kw>token|basic)\s+(?P<value>[A-Za-z0-9._~+/\-]{16,}={0,2})")
_KEYWORD = (r"(?:TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|AUTH|"
            r"CREDENTIALS?|SIGNING|SIGNATURE|SALT|DSN|WEBHOOK|COOKIE|KEY)")
_SECRET_SEGMENTS = frozenset({"TOKEN", "TOKENS", "SECRET", "SECRETS", "PASSWORD", "PASSWD", "PASS", "PWD", "KEY", "APIKEY",
                              "AUTH", "CREDENTIAL", "CREDENTIALS", "SIGNING", "SIGNATURE", "SALT", "DSN", "WEBHOOK",
                              "COOKIE", "PRIVATE", "ACCESSKEY", "SECRETKEY", "PASSPHRASE"})
_ASSIGN = re.compile(
    r"(?<![/\\.])(?P<name>\b[A-Za-z][A-Za-z0-9_.\-]*)(?P<nq>['\"]?)(?P<sep>\s*(?:=|:|=>)\s*)(?P<q>['\"]?)(?P<value>[^\s'\",;]{4,})"
)
# scheme://user:password@host and scheme://token@host (Sentry DSNs, Redis URLs with a password)
_URL_CREDS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<user>[^/\s:@]*):(?P<pw>[^/\s@]+)@", re.I)
_URL_TOKEN = re.compile(r"(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<tok>[A-Za-z0-9_\-]{16,})@", re.I)
_NEAR_KEYWORD = re.compile(
    r"(?i)(?P<kw>" + _KEYWORD + r")\w*[\"']?(?:\s+(?:is|was|of|for|set\s+to|value))?\s*[:=]?\s*[\"']?"
    r"(?P<value>[A-Za-z0-9+/_\-.~]{20,}={0,2})"
)
_BARE = re.compile(r"(?<![\w+/\-.])[A-Za-z0-9+/_\-]{32,}={0,2}(?![\w+/\-.=])")
"""A long token with no context at all (an AWS secret key, a random signing key): masked when it is random."""
_CODE = re.compile(r"^(?:[A-Za-z_][\w.]*[\[(]|process\.env\b|os\.environ\b|\$\{?[A-Za-z_])")
_FILE_NAME = re.compile(r"\.(?:py|pyi|js|mjs|cjs|ts|tsx|jsx|json|ya?ml|toml|txt|md|cfg|ini|lock|sh|rb|go|rs|java|html|css)$", re.I)
_SHA = re.compile(r"^[0-9a-f]{7,64}$")
_REL_PATH = re.compile(r"^\.{0,2}(?:[a-z0-9_.\-]{1,24}/)+[a-z0-9_.\-]{1,24}/?$")
_PLAIN = frozenset({"true", "false", "none", "null", "yes", "no", "on", "off", "required", "optional", "unset",
                    "missing", "redacted", "changeme", "example", "xxxx", "****"})


def _entropy(s: str) -> float:
    counts: dict[str, int] = {}
    for ch in s:
        counts[ch] = counts.get(ch, 0) + 1
    return -sum(c / len(s) * math.log2(c / len(s)) for c in counts.values())


def _classes(s: str) -> int:
    return sum([any(c.islower() for c in s), any(c.isupper() for c in s), any(c.isdigit() for c in s),
                any(not c.isalnum() for c in s)])


def looks_secret(value: str) -> bool:
    """A value that is secret by its shape: long and random-looking, not a word, number, path or sha."""
    if len(value) < 8 or value.lower() in _PLAIN or value.startswith(("/", "./", "http://", "https://")):
        return False
    if value.isdigit() or _SHA.match(value) and len(value) in (7, 8, 10, 12, 16, 40, 64):
        return False
    if _REL_PATH.match(value):  # .venv/bin/python, node_modules/.bin/vite: a relative path of lower-case names
        return False
    if len(value) >= 16 and _entropy(value) >= 3.3 and _classes(value) >= 2:
        return True
    return _classes(value) >= 3 and _entropy(value) >= 2.8


def _identifier_name(name: str) -> bool:
    """ENV_STYLE, snake_case, kebab-case, dotted or camelCase: a config key, not a prose word."""
    return (name.isupper() or "_" in name or "-" in name or "." in name
            or any(c.isupper() for c in name[1:]))


_SHELL_NAMES = frozenset({"PWD", "OLDPWD", "PATH", "HOME", "SHELL", "USER", "LOGNAME", "HOSTNAME", "TERM", "LANG", "_"})
"""Variables every shell sets: PWD is the working directory, not a password."""


def secret_name(name: str) -> bool:
    """Whether a variable or key name says its value is a secret (DB_PASS, apiKey, SESSION_SIGNING, dsn)."""
    if name in _SHELL_NAMES:
        return False
    parts = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).upper().replace("-", "_").replace(".", "_").split("_")
    joined = "".join(parts)
    return any(p in _SECRET_SEGMENTS for p in parts) or any(w in joined for w in ("TOKEN", "SECRET", "PASSWORD", "APIKEY"))


def _assignment(m: re.Match[str]) -> str:
    name, value = m.group("name"), m.group("value")
    if value == MASK or value.lower() in _PLAIN or not secret_name(name) or name.endswith(("Error", "Exception", "Warning")):
        return m.group(0)
    if _FILE_NAME.search(name):  # "tokens.py: protected by ...": a file named in prose, not a key
        return m.group(0)
    if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", value):  # the name of a variable, not its value
        return m.group(0)
    if _CODE.match(value):  # source code reading the secret (os.environ['X'], process.env.X, ${X}), not the secret
        return m.group(0)
    # an identifier-shaped or quoted name (DB_PASS, apiKey, "password") is a key; a prose word needs a secret-shaped value
    keyish = (_identifier_name(name) or m.group("nq")) and len(value) >= 4
    wordish = value.isalpha() and (value.islower() or value.istitle())  # "secret: never", "password: Required"
    if not keyish and (len(value) < 8 or wordish) and not looks_secret(value):
        return m.group(0)
    return f"{name}{m.group('nq')}{m.group('sep')}{m.group('q')}{MASK}"


_EXCEPTION_WORD = re.compile(r"(?:Error|Exception|Warning)\W*$")
_VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def _near_keyword(m: re.Match[str]) -> str:
    value = m.group("value")
    if not looks_secret(value) or len(value) < 20:
        return m.group(0)
    head = m.group(0)[: m.start("value") - m.start(0)]
    # "KeyError: 'PROVIDE_AUTOMATIC_OPTIONS'": an exception naming a key, and the key is a constant's name, not a value
    if _EXCEPTION_WORD.search(re.sub(r"[\s\"':=]+$", "", head)) and _VARIABLE_NAME.fullmatch(value):
        return m.group(0)
    return m.group(0)[: m.start("value") - m.start(0)] + MASK


def _bare(m: re.Match[str]) -> str:
    value = m.group(0)
    if value.startswith("/") or value.count("/") > 3:  # a path
        return value
    has = (any(c.isupper() for c in value), any(c.islower() for c in value), any(c.isdigit() for c in value))
    return MASK if all(has) and _entropy(value) >= 4.0 else value


class Redactor:
    """Masks known secret values and anything shaped like a secret."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._values = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(self._values)

    def with_values(self, secrets: Iterable[str]) -> Redactor:
        return Redactor([*self._values, *secrets])

    def __call__(self, text: str) -> str:
        if not text:
            return text
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        for pattern in _SHAPES:
            text = pattern.sub(MASK, text)
        text = _URL_CREDS.sub(lambda m: f"{m.group('scheme')}{m.group('user')}:{MASK}@", text)
        text = _URL_TOKEN.sub(lambda m: f"{m.group('scheme')}{MASK}@" if looks_secret(m.group("tok")) else m.group(0), text)
        text = _AUTH_WORD.sub(_near_keyword, text)
        text = _ASSIGN.sub(_assignment, text)
        text = _NEAR_KEYWORD.sub(_near_keyword, text)
        return _BARE.sub(_bare, text)


def redact_obj(obj: object, redactor: Redactor) -> object:
    """Redact every string inside a JSON-like structure (keys too: a secret can be a key)."""
    if isinstance(obj, str):
        return redactor(obj)
    if isinstance(obj, dict):
        return {redactor(k) if isinstance(k, str) else k: redact_obj(v, redactor) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [redact_obj(v, redactor) for v in obj]
    return obj
