#!/usr/bin/env bash
# Checks the library's Javadoc: mvn javadoc:javadoc documents the public API (pom.xml says which
# packages and classes form it, and why) and fails on any warning or error: a public class or
# method without a comment, a missing @param or @return, a broken {@link}, bad HTML.
# The pages land in target/reports/apidocs/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
log=target/javadoc.log
if scripts/mvn.sh javadoc:javadoc >"$log" 2>&1; then
  echo "javadoc: clean, $(find target/reports/apidocs/gateway -name '*.html' -not -path '*class-use*' -not -name 'package-*' | wc -l) pages of API in target/reports/apidocs/"
else
  grep -E ': (warning|error):' "$log" | sed 's/^\[[A-Z]*\] //' | sort -u >&2 || true
  echo "javadoc: not clean (the whole output is in $log)" >&2
  exit 1
fi
