#!/usr/bin/env bash
# Soak test: mixed traffic (echo and backend, whole and streamed, clients that hang up,
# bad requests) against two gateways for a bounded time, sampling each one's heap after
# GC, RSS, threads and open files. Fails (exit 1) when a request that should succeed did
# not, when the log misses a request, or when a measure keeps growing. Writes target/soak/.
#   scripts/soak.sh         # 10 minutes
#   scripts/soak.sh 2       # 2 minutes
#   scripts/soak.sh 60s     # 60 seconds: a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh

length=${1:-10}
if [[ "$length" =~ ^([1-9][0-9]*)s$ ]] && [ "${BASH_REMATCH[1]}" -ge 30 ]; then
  seconds=${BASH_REMATCH[1]}
elif [[ "$length" =~ ^[1-9][0-9]*$ ]]; then
  seconds=$((length * 60))
else
  echo "usage: scripts/soak.sh [MINUTES | SECONDSs (at least 30s)]; default 10 minutes" >&2
  exit 2
fi
if [ "$seconds" -gt 86400 ]; then
  echo "scripts/soak.sh: at most a day" >&2
  exit 2
fi

fresh_jar

out=target/soak
rm -rf "$out" && mkdir -p "$out/classes"
"$JAVA_HOME/bin/javac" -d "$out/classes" -cp "$jar" scripts/bench/Services.java scripts/bench/Soak.java
# The gateway runs with the flags scripts/run.sh uses.
export GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:-$DEFAULT_JAVA_OPTS}"
exec "$JAVA" -cp "$out/classes:$jar" Soak "$jar" "$out" "$seconds"
