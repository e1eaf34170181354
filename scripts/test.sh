#!/usr/bin/env bash
# Runs every test: the JUnit suite (unit and end-to-end tests on real servers, and the
# browser tests when Chromium is installed), then the curl script against the packaged jar.
# Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "note: no Chromium at $chromium, so the browser tests will be skipped; install it with 'sudo apt-get install chromium' (or set CHROMIUM to its path)." >&2
fi
scripts/mvn.sh package
scripts/e2e.sh
