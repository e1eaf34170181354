#!/usr/bin/env bash
# Makes the gateway's class-data archive, which a JVM started with -XX:SharedArchiveFile=ARCHIVE
# maps instead of loading those classes again (class data sharing):
#   scripts/train.sh JAVA JAR ARCHIVE [JVM flags...]
# 1. A training run: JAR started with JAVA and those flags, in echo mode on a free loopback port,
#    sent the requests a start and its first clients make, stopped with SIGTERM; the JVM lists
#    the classes it loaded (-XX:DumpLoadedClassList). Nothing of the caller's environment reaches
#    it: no key store, log file or backend is touched.
# 2. The JVM writes those classes into ARCHIVE (-Xshare:dump), parsed and verified, and on JDK
#    24+ linked too (-XX:+AOTClassLinking, JEP 483).
# The archive holds for that jar, that JDK and those flags' heap layout: the JVM checks the jar's
# size and time, and skips an archive that does not fit, saying so on stderr. About 5 s.
# Not JDK 25's AOT cache (-XX:AOTCacheOutput): measured against this archive, its starts were
# slower (median 462 ms against 398), and 25.0.3 does not check the jar: after a rebuild it ran
# the old jar's classes (JDK-8377932, fixed in 25.0.4).
# Used by scripts/run.sh (java.sh's fresh_archive), scripts/package.sh and the benchmark.
set -euo pipefail
java=$1 jar=$2 archive=$3
shift 3

work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
touch "$work/none.env" "$work/out"

env -i PATH="$PATH" PORT=0 ECHO_TOKEN_DELAY_MS=0 SHUTDOWN_GRACE_SECONDS=1 \
  "$java" -Xlog:disable -Xlog:all=warning:stderr "$@" -XX:DumpLoadedClassList="$work/classes" \
  -jar "$jar" --env-file "$work/none.env" >"$work/out" 2>"$work/err" &
pid=$!
port=
for _ in $(seq 1 200); do
  port=$(sed -n 's/.*"event":"gateway_started","url":"http:\/\/127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$work/out")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$port" ]; then
  echo "train.sh: the gateway did not start; its stderr:" >&2
  cat "$work/err" >&2
  exit 1
fi

# One request on a connection of its own, by bash alone (no curl needed); the answer is read to its end.
request() {
  local method=$1 path=$2 body=${3:-}
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept-Encoding: gzip\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$method" "$path" "${#body}" "$body" >&3
  cat <&3 >/dev/null
  exec 3<&-
}
chat='{"messages":[{"role":"user","content":"hello world"}]}'
request GET /healthz
request GET /readyz
request POST /v1/chat/completions "$chat"
request POST /v1/chat/completions "${chat%\}},\"stream\":true}"
request GET /v1/models
request GET /
request GET /ui/base.css
kill -TERM "$pid"
wait "$pid" || true
pid=

link=()
if "$java" -XX:+AOTClassLinking -version >/dev/null 2>&1; then
  link=(-XX:+AOTClassLinking)
fi
# Written beside ARCHIVE, then renamed into place: a JVM starting meanwhile never maps half a file.
partial=$archive.$$.partial
if ! "$java" "$@" -Xshare:dump "${link[@]}" -XX:SharedClassListFile="$work/classes" -XX:SharedArchiveFile="$partial" \
  -cp "$jar" >"$work/dump" 2>&1; then
  echo "train.sh: the JVM could not write the archive:" >&2
  tail -n 20 "$work/dump" >&2
  rm -f "$partial"
  exit 1
fi
mv -f "$partial" "$archive"
