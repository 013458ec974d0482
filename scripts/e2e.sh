#!/usr/bin/env bash
# End-to-end tests (tests/e2e): deploy/dagster.yaml on a local PostgreSQL with the daemon and a
# queued backfill (test_postgres_instance.py), and the browser test: a real `dagster dev` on a
# 4-date raw folder, a backfill launched from the UI in headless Chromium, per-date check results
# checked in the UI and by GraphQL.
# Screenshots and the server log: artifacts/e2e/ (NBA_E2E_ARTIFACTS overrides). Extra arguments go
# to pytest. Needs Chromium + chromedriver (Debian: apt-get install -y chromium chromium-driver) and
# selenium in .venv (installed here if missing). A missing browser FAILS here, never a silent skip.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

chrome=${CHROME_BIN:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
driver=${CHROMEDRIVER:-$(command -v chromedriver || true)}
if [[ -z "$chrome" || -z "$driver" ]]; then
    echo "e2e: chromium and chromedriver are required (apt-get install -y chromium chromium-driver," >&2
    echo "     or set CHROME_BIN / CHROMEDRIVER); found chromium='${chrome}' chromedriver='${driver}'" >&2
    exit 2
fi
"$BIN/python" -c "import selenium" 2>/dev/null || "$BIN/pip" install -q "selenium>=4.20,<5"

export NBA_E2E_REQUIRE_BROWSER=1   # inside pytest too: a missing browser fails instead of skipping
exec "$BIN/python" -m pytest -q tests/e2e -p no:cacheprovider "$@"
