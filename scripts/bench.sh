#!/usr/bin/env bash
# Two benchmarks of the gateway.
#
# scripts/bench.sh [SECONDS]: what the gateway adds on top of its backend. The same
# workloads straight to the mock backend, through nginx (when installed), through the bare
# JDK stack (scripts/bench/BareProxy.java: the floor under the gateway) and through the
# gateway three times: with one backend, with two (least-loaded: the routing layer's cost)
# and with OTLP export on as well (telemetry's cost; every feature on), in one run. Prints a
# table with the targets of issue 15 beside the figures they judge, and writes
# target/bench/results.json (and results.txt; each process's output in target/bench/).
#   scripts/bench.sh        # 10 s per load phase (64 connections: 3 rounds of 3 s, in turns), about 11 minutes
#   scripts/bench.sh 3      # 3 s per phase, about 5.5 minutes: a quick look
#   BASELINE_JAR=old/gateway.jar scripts/bench.sh 3
#                           # adds a "before" column: that jar as a second gateway, same
#                           # settings, same mock, so one run shows a change's effect
#   BENCH_COLLECTOR=up scripts/bench.sh 3
#                           # the traced gateway's collector answers at once (by default it
#                           # never answers, as a stuck collector does)
#   BENCH_MOCK_FAULTS="--error-rate 0.01 --cut-rate 0.01" scripts/bench.sh 1
#                           # faults in every mock (see `gateway mock --help`): shows how
#                           # failed requests and streams are reported
# A busy machine makes some requests and streams fail: they are counted and noted in the
# table, and the run goes on. Exit status: 0 when every phase measured (perhaps in part,
# with notes); 1 when a phase could not measure for some column (a process did not start or
# ended, wrk gave no result, no stream opened), with one line per such phase at the end.
# Needs wrk for the whole-reply phases and nginx for its column:
#   apt-get install wrk nginx
#
# scripts/bench.sh routing [SECONDS]: how the routing policies (round-robin, least-loaded,
# prefix) spread chat traffic over three mock llama.cpp servers with slots and a prefix
# cache: multi-turn conversations below and at saturation, then one hot prefix. Fresh mocks
# and gateway per phase. Prints TTFT, success, the busiest backend's share, the recompute
# ratio and the gateway's route decisions, checks the targets, and writes
# target/bench/routing.json (and routing.txt; process logs in target/bench/routing/).
# A phase that cannot measure is listed at the end and the exit status is 1; the others run.
#   scripts/bench.sh routing      # at most 15 s per phase, 9 phases, about 3.5 minutes
#   scripts/bench.sh routing 5    # a quick look, about 1.5 minutes
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh

usage() {
  echo "usage: scripts/bench.sh [SECONDS per load phase, 1..60; default 10]" >&2
  echo "       scripts/bench.sh routing [SECONDS per phase, 1..120; default 15]" >&2
  echo "       (BASELINE_JAR=JAR adds a \"before\" column to the first)" >&2
  exit 2
}

mode=proxy
if [ "${1:-}" = routing ]; then
  mode=routing
  shift
fi
[ $# -le 1 ] || usage
if [ "$mode" = routing ]; then seconds=${1:-15}; max=120; else seconds=${1:-10}; max=60; fi
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]] || [ "$seconds" -gt "$max" ]; then
  usage
fi

fresh_jar

# Each mode clears only its own results, so that the other's stay.
out=target/bench
mkdir -p "$out"
if [ "$mode" = routing ]; then
  rm -rf "$out/routing" "$out/routing.json" "$out/routing.txt"
else
  find "$out" -mindepth 1 -maxdepth 1 ! -name 'routing*' -exec rm -rf {} +
fi
rm -rf "$out/classes" && mkdir -p "$out/classes"
"$JAVA_HOME/bin/javac" -d "$out/classes" -cp "$jar" scripts/bench/*.java

# The gateway runs with the flags scripts/run.sh uses.
export GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:-$DEFAULT_JAVA_OPTS}"
if [ "$mode" = routing ]; then
  exec "$JAVA" -cp "$out/classes:$jar" RoutingBench "$jar" "$out" "$seconds"
fi
exec "$JAVA" -cp "$out/classes:$jar" Bench "$jar" "$out" "$seconds"
