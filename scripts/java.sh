# Sourced by the other scripts: finds a JDK 21+ and exports JAVA_HOME and JAVA.
# Order: $JAVA_HOME, then `java` on PATH, then the newest JDK under /usr/lib/jvm.
# JDK 24+ is preferred at run time (virtual threads no longer pin on the HTTP
# server's monitors), so among the JDKs under /usr/lib/jvm the newest wins.

MIN_JAVA=21

# Prints the feature version (17, 21, 25, ...) of the JDK at $1, or nothing.
java_feature_version() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
  local candidates=() home version best="" best_version=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in "${candidates[@]}"; do
    version=$(java_feature_version "$home")
    if [ -n "$version" ] && [ "$version" -ge "$MIN_JAVA" ]; then echo "$home"; return 0; fi
  done
  for home in /usr/lib/jvm/*/; do
    home=${home%/}
    version=$(java_feature_version "$home")
    if [ -n "$version" ] && [ "$version" -ge "$MIN_JAVA" ] && [ "$version" -gt "$best_version" ]; then
      best=$home; best_version=$version
    fi
  done
  [ -n "$best" ] && echo "$best"
}

JAVA_HOME=$(find_jdk) || true
if [ -z "$JAVA_HOME" ]; then
  echo "error: no JDK $MIN_JAVA or newer found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm/*)." >&2
  echo "Install one, e.g. 'apt-get install openjdk-21-jdk' or a Temurin 25 JDK, or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export JAVA="$JAVA_HOME/bin/java"

# The JVM flags the gateway runs with unless JAVA_OPTS gives others (run.sh; bench.sh, ab.sh
# and soak.sh measure with them; the package's bin/gateway has the same). The heap bounds
# the streams served at once: an open stream holds about 66 KiB, and 384 MiB serves 5,173
# at once (MAX_REQUESTS_IN_FLIGHT's one per 76 KiB); 5,000 open streams then peak at about
# 500 MiB resident, the heap plus some 115 MiB of code, metaspace, G1's tables and stacks.
# G1, the JVM's default, stays: Serial saved 8 MiB of that but paused up to 0.9 s per full
# collection with 5,000 streams open, and cost 5% more CPU per request (184 vs 176 µs).
export DEFAULT_JAVA_OPTS="-Xmx384m"

# Sets jar to target/gateway.jar, built first (tests skipped) when missing or older than
# the sources. Used by run.sh, bench.sh and soak.sh; call it from the project's top level.
fresh_jar() {
  jar=target/gateway.jar
  if [ ! -f "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -print -quit)" ]; then
    echo "building $jar with $JAVA_HOME ..." >&2
    scripts/mvn.sh -q -DskipTests package >&2
  fi
}
