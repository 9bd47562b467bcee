# Sourced by scripts/demo and scripts/test: make sure .venv exists and has swarm installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "swarm needs Python 3.11 or newer (found: $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv ..." >&2
  "$PY" -m venv .venv
fi
STAMP=.venv/.swarm-installed
WANT="$(cat pyproject.toml | sha256sum | cut -c1-16)-$1"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "installing swarm and its dependencies into .venv ..." >&2
  target="."; [ "$1" = "dev" ] && target=".[dev]"
  if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target"; } >.venv/install.log 2>&1; then
    cat .venv/install.log >&2
    echo "installing swarm into .venv failed (log above, also in .venv/install.log)" >&2
    exit 1
  fi
  echo "$WANT" > "$STAMP"
fi
export PATH="$ROOT/.venv/bin:$PATH"
# compiled bytecode for swarm's own modules, also where PYTHONDONTWRITEBYTECODE is set (Python then never writes it,
# and every start would compile the sources again: about 60 ms of a `swarm analyze`); only changed files are compiled
.venv/bin/python -m compileall -q agents graph memory swarm >/dev/null 2>&1 || true
if [ "$1" = "dev" ] && ! command -v chromium >/dev/null 2>&1; then
  # the browser checks of report.html use Debian's chromium; install it where this machine can (root with apt)
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium for the browser checks ..." >&2
    { apt-get install -y --no-install-recommends chromium || { apt-get update && apt-get install -y --no-install-recommends chromium; }; } \
      >.venv/chromium-install.log 2>&1 || echo "could not install chromium (log: .venv/chromium-install.log); the browser checks will say so" >&2
  else
    echo "chromium is not installed and cannot be installed here (needs root and apt): the browser checks will say so" >&2
  fi
fi
