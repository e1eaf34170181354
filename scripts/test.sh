#!/usr/bin/env bash
# Runs every test: the JUnit suite (unit and end-to-end tests on real servers), then
# the curl script against the packaged jar. Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/mvn.sh package
scripts/e2e.sh
