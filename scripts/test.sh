#!/usr/bin/env bash
# Runs every test: the JUnit suite (unit and end-to-end tests on real servers, the examples, and
# the browser tests when Chromium is installed), then the Javadoc check of the public API, then
# the curl script against the packaged jar,
# then the self-contained package run with no Java on the machine's PATH (skipped, saying so,
# when the JDK has no jlink), then a real Prometheus scraping it when Prometheus is installed.
# Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "note: no Chromium at $chromium, so the browser tests will be skipped; install it with 'sudo apt-get install chromium' (or set CHROMIUM to its path)." >&2
fi
scripts/mvn.sh package
scripts/javadoc.sh
scripts/e2e.sh
scripts/e2e-package.sh
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  scripts/e2e-prometheus.sh
else
  echo "note: no prometheus and promtool on PATH, so the Prometheus check is skipped; install them with 'sudo apt-get install prometheus'." >&2
fi
