# Sourced by the other scripts: finds a JDK 21+ and exports JAVA_HOME and JAVA.
# Order: $JAVA_HOME, then `java` on PATH, then the newest JDK under /usr/lib/jvm.
# JDK 24+ is preferred at run time (virtual threads no longer pin on the HTTP
# server's monitors), so among the JDKs under /usr/lib/jvm the newest wins.

MIN_JAVA=21

# Prints the feature version (17, 21, 25, ...) of the JDK at $1, or nothing. Read from its
# release file (JAVA_VERSION="25.0.3"), which every JDK since 9 has, rather than by starting
# it: a JVM per candidate made sourcing this file take 1.2 to 1.4 s here (0.2 s now).
java_feature_version() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
  fi
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

# Sets jar to target/gateway.jar, built first (tests skipped) when missing or older than
# the sources. Used by run.sh, bench.sh and soak.sh; call it from the project's top level.
fresh_jar() {
  jar=target/gateway.jar
  if [ ! -f "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -print -quit)" ]; then
    echo "building $jar with $JAVA_HOME ..." >&2
    scripts/mvn.sh -q -DskipTests package >&2
  fi
}
