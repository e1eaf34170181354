#!/usr/bin/env bash
# Runs Maven with the JDK 21+ that scripts/java.sh finds (the machine's default java
# may be older than the Java 21 bytecode this project compiles to).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh
if [ "$(java_feature_version "$JAVA_HOME")" -ge 24 ]; then
  # Maven's own libraries call sun.misc.Unsafe; JDK 24+ warns about it on every run.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
exec mvn -B -Dstyle.color=never "$@"
