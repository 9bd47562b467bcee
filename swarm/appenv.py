"""The environment a user's build, tests and app run with: an allow-list, never swarm's own.

A hosting platform gives the app what it needs to run (PATH, HOME, locale, PORT, proxies and the
package tools' settings) plus the variables the user set for the app. Swarm does the same: its own
credentials (ANTHROPIC_API_KEY, GITHUB_TOKEN, RENDER_API_KEY, AWS keys, ...) never reach the app,
whose crash output could print them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

ALLOWED = frozenset({
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TERM", "TMPDIR", "TMP", "TEMP",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
    "PYENV_ROOT", "PYENV_VERSION", "NVM_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
})
"""Variables every process of the app may see (as a platform's build and run environment has them)."""
ALLOWED_PREFIXES = ("LC_", "PIP_", "npm_config_", "NPM_CONFIG_", "UV_", "POETRY_", "PYTHONIOENCODING", "PYTHONUTF8")
"""The locale and the package tools' own settings (index URLs, caches): a build needs them."""
_CREDENTIALISH = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|_KEY|AUTH)", re.I)


def app_environment(extra: Mapping[str, str] | None = None, passthrough: Iterable[str] = (),
                    environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The allow-listed part of ``environ`` (default: this process's), then ``passthrough`` names the user
    forwards on purpose (``[deploy] pass_env``), then the app's own ``extra`` variables (``[deploy] env``)."""
    source = os.environ if environ is None else environ
    out = {k: v for k, v in source.items()
           if (k in ALLOWED or k.startswith(ALLOWED_PREFIXES)) and not (k.startswith(ALLOWED_PREFIXES) and _CREDENTIALISH.search(k))}
    for name in passthrough:
        if name in source:
            out[name] = source[name]
    out.update({str(k): str(v) for k, v in (extra or {}).items()})
    out.setdefault("PATH", os.defpath)
    return out
