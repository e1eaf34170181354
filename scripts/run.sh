#!/usr/bin/env bash
# Starts the gateway (echo mode unless BACKEND_URL is set), building the jar first
# when it is missing or older than the sources, from its class-data archive (java.sh's
# fresh_archive: the first start after a build goes without, while it is made for the next).
# Arguments go to the gateway:
#   scripts/run.sh                      # reads ./gateway.env
#   scripts/run.sh --env-file prod.env
#   scripts/run.sh mock --port 8081     # the mock backend instead
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh

fresh_jar
fresh_archive

# JVM flags come from JAVA_OPTS, else DEFAULT_JAVA_OPTS (scripts/java.sh: -Xmx376m, which
# serves 5,000 open streams in under 512 MiB). The heap is what to size: unless
# MAX_REQUESTS_IN_FLIGHT says otherwise the gateway serves one request per 76 KiB of heap
# at once (13,797 with JAVA_OPTS="-Xmx1g") and answers the rest 503. See the README's
# Performance section. The gateway sets its own speed-related properties. Before them: the
# JVM's log to stderr, and the archive (java.sh).
exec "$JAVA" "${JVM_LOG_FLAGS[@]}" "${archive_flags[@]}" ${JAVA_OPTS:-$DEFAULT_JAVA_OPTS} -jar "$jar" "$@"
