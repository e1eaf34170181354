#!/usr/bin/env bash
# CPU per proxied request of two gateway jars, in alternating rounds against one mock, so that
# the machine's drift over a run falls on both alike (scripts/bench.sh measures each target
# once, one after the other). Prints each round and the medians.
#   scripts/bench/ab.sh OLD.jar NEW.jar [ROUNDS] [SECONDS] [echo]
# ROUNDS (default 8) of SECONDS (default 8) of wrk at 64 connections (AB_CONNECTIONS) on each jar in turn,
# after three warm-up rounds each; "echo" measures echo mode instead (no backend).
# Needs wrk (apt-get install wrk). Both gateways get the settings bench.sh gives its own, plus
# AB_OLD_ENV / AB_NEW_ENV (KEY=VALUE ...) to each side: one jar twice, with and without a feature;
# and AB_OLD_JAVA_OPTS / AB_NEW_JAVA_OPTS, JVM flags after $DEFAULT_JAVA_OPTS (scripts/java.sh): one jar twice, e.g. with another GC.
# AB_COLLECTOR=up|hang also starts an OTLP collector (scripts/bench/OtlpSink.java) that answers,
# or never does; $COLLECTOR in AB_*_ENV is its address, e.g. AB_NEW_ENV=OTEL_EXPORTER_OTLP_ENDPOINT=\$COLLECTOR.
# $BACKEND is the mock's, and AB_*_ENV comes last, so it can replace a setting: routing over two
# backends (the one mock twice) against one, AB_NEW_ENV='BACKEND_URL= BACKENDS=a,b BACKEND_A_URL=$BACKEND BACKEND_B_URL=$BACKEND'.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java.sh
[ $# -ge 2 ] || { echo "usage: scripts/bench/ab.sh OLD.jar NEW.jar [ROUNDS] [SECONDS] [echo]" >&2; exit 2; }
old=$1 new=$2 rounds=${3:-8} seconds=${4:-8} mode=${5:-proxy}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

# started LOG EVENT: the port the process's start line names (it listens on a free one).
started() {
  for _ in $(seq 1 100); do
    port=$(sed -n "s/.*\"event\":\"$2\",\"url\":\"http:\/\/[^:]*:\([0-9]*\)\".*/\1/p" "$1" | head -n 1)
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 0.1
  done
  echo "did not start: $1" >&2; cat "$1" >&2; return 1
}

PORT=0 "$JAVA" -Dsun.net.httpserver.maxIdleConnections=20000 -jar "$new" mock --reply "$(seq -s ' ' 0 19)" \
  >"$work/mock.log" 2>&1 &
pids+=($!)
backend="http://127.0.0.1:$(started "$work/mock.log" mock_backend_started)"
[ "$mode" = echo ] && backend=""
COLLECTOR=""
if [ -n "${AB_COLLECTOR:-}" ]; then
  "$JAVA" scripts/bench/OtlpSink.java 0 "$([ "$AB_COLLECTOR" = hang ] && echo hang)" >"$work/collector.log" 2>&1 &
  pids+=($!)
  COLLECTOR="http://127.0.0.1:$(started "$work/collector.log" otlp_sink_started)"
fi

start_gateway() { # NAME JAR EXTRA JAVA_OPTS: starts it with bench.sh's settings and EXTRA, its log in NAME.log
  local extra=${3//\$COLLECTOR/$COLLECTOR}
  env PORT=0 BACKEND_URL=$backend ECHO_TOKEN_DELAY_MS=0 API_KEYS=bench:bench-key RATE_LIMIT_RPM=1000000 \
    LOG_FILE="$work/$1.log" LOG_MAX_BYTES=52428800 LOG_MAX_FILES=1 ${extra//\$BACKEND/$backend} \
    "$JAVA" $DEFAULT_JAVA_OPTS ${4:-} -jar "$2" --env-file /dev/null >"$work/$1.out" 2>&1 &
  pids+=($!)
}
start_gateway old "$old" "${AB_OLD_ENV:-}" "${AB_OLD_JAVA_OPTS:-}"; pid_a=${pids[-1]}
start_gateway new "$new" "${AB_NEW_ENV:-}" "${AB_NEW_JAVA_OPTS:-}"; pid_b=${pids[-1]}
port_a=$(started "$work/old.log" gateway_started)
port_b=$(started "$work/new.log" gateway_started)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
connections=${AB_CONNECTIONS:-64}
requests() { # PORT: wrk's request count and latency percentiles over one round
  BENCH_API_KEY=bench-key wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s scripts/bench/chat.lua \
    "http://127.0.0.1:$1/v1/chat/completions" | sed -n 's/^RESULT requests=\([0-9]*\).*p50_us=\([0-9]*\) p99_us=\([0-9]*\).*/\1 \2 \3/p'
}
hz=$(getconf CLK_TCK)
echo "warming up: 3 rounds each"
for _ in 1 2 3; do requests "$port_a" >/dev/null; requests "$port_b" >/dev/null; done
for round in $(seq 1 "$rounds"); do
  for side in old new; do
    if [ $side = old ]; then port=$port_a pid=$pid_a; else port=$port_b pid=$pid_b; fi
    before=$(cpu_ticks "$pid"); read -r n p50 p99 <<<"$(requests "$port")"; after=$(cpu_ticks "$pid")
    echo "round $round $side requests=$n cpu_us_per_request=$(( (after - before) * 1000000 / hz / n )) p50_us=$p50 p99_us=$p99"
  done
done | tee "$work/rounds.txt"
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
for side in old new; do
  cpu=$(grep " $side " "$work/rounds.txt" | sed 's/.*cpu_us_per_request=//' | median)
  rate=$(grep " $side " "$work/rounds.txt" | sed 's/.*requests=\([0-9]*\).*/\1/' | median)
  p50=$(grep " $side " "$work/rounds.txt" | sed 's/.*p50_us=\([0-9]*\).*/\1/' | median)
  p99=$(grep " $side " "$work/rounds.txt" | sed 's/.*p99_us=\([0-9]*\).*/\1/' | median)
  echo "$side: CPU per request $cpu µs (median of $rounds rounds), $(( ${rate%.*} / seconds )) req/s, latency p50 $p50 µs, p99 $p99 µs at $connections connections"
done
