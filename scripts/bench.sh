#!/usr/bin/env bash
# Measures what the gateway adds on top of its backend: the same workloads straight to the
# mock backend, through nginx (when installed), through the bare JDK stack (scripts/bench/
# BareProxy.java: the floor under the gateway) and through the gateway, in one run. Prints
# a table and writes target/bench/results.json (and results.txt).
#   scripts/bench.sh        # 10 s per load phase, about 7 minutes in all
#   scripts/bench.sh 3      # 3 s per phase, about 4 minutes: a quick look
# Needs wrk for the whole-reply phases and nginx for its column:
#   apt-get install wrk nginx
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh

seconds=${1:-10}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]] || [ "$seconds" -gt 60 ]; then
  echo "usage: scripts/bench.sh [SECONDS per load phase, 1..60; default 10]" >&2
  exit 2
fi

fresh_jar

out=target/bench
rm -rf "$out" && mkdir -p "$out/classes"
"$JAVA_HOME/bin/javac" -d "$out/classes" -cp "$jar" scripts/bench/*.java

# The gateway runs with the flags scripts/run.sh documents, and a 256 MiB heap.
export GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:--Xmx256m}"
exec "$JAVA" -cp "$out/classes:$jar" Bench "$jar" "$out" "$seconds"
