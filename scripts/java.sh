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

# The JVM flags the gateway runs with unless JAVA_OPTS gives others (run.sh; bench.sh, ab.sh
# and soak.sh measure with them; the package's bin/gateway has the same). The heap bounds
# the streams served at once: an open stream holds about 66 KiB, and 376 MiB serves 5,066
# at once (MAX_REQUESTS_IN_FLIGHT's one per 76 KiB); 5,000 open streams then peak at 492 MiB
# resident held by a slow mock, 505 to 508 in scripts/bench.sh: the heap plus some 115 to
# 130 MiB of code, metaspace, G1's tables and stacks. (With 384 MiB, bench.sh's peaked at 512
# to 519, over its target of 512.)
# G1, the JVM's default, stays: Serial saved 8 MiB of that but paused up to 0.9 s per full
# collection with 5,000 streams open, and cost 5% more CPU per request (184 vs 176 µs).
export DEFAULT_JAVA_OPTS="-Xmx376m"

# Sets jar to target/gateway.jar, built first (tests skipped) when missing or older than
# the sources. Used by run.sh, bench.sh and soak.sh; call it from the project's top level.
fresh_jar() {
  jar=target/gateway.jar
  if [ ! -f "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -print -quit)" ]; then
    echo "building $jar with $JAVA_HOME ..." >&2
    scripts/mvn.sh -q -DskipTests package >&2
  fi
}

# The JVM's log (warnings, such as an archive it cannot use) goes to stderr, not to its default
# stdout, which carries the gateway's log: one JSON line per event, and nothing else.
JVM_LOG_FLAGS=(-Xlog:disable -Xlog:all=warning:stderr)

# Sets archive_flags to the JVM flags that start $jar from its class-data archive: the classes a
# start loads, parsed, verified and linked once, then mapped by every start (scripts/train.sh;
# start to first /healthz 838 -> 386 ms, README "Performance"). The JVM uses an archive only
# with the JDK, the jar (its size and time) and the heap layout (JAVA_OPTS) it was made with:
# the archive's name carries a checksum of those, so that any change makes a new one rather
# than an archive the JVM refuses at every start. When it is missing, this start goes without
# (archive_flags empty) while train.sh makes it in the background for the next (about 5 s),
# in place of the others.
fresh_archive() {
  local id
  id=$({ cat "$JAVA_HOME/release"; echo "${JAVA_OPTS:-$DEFAULT_JAVA_OPTS}"; stat -c '%s %Y' "$jar"; } | cksum | cut -d ' ' -f 1)
  archive=target/cache/gateway-$id.jsa
  archive_flags=()
  if [ -f "$archive" ]; then
    archive_flags=("-XX:SharedArchiveFile=$archive")
    return 0
  fi
  # Where target/ is not writable, the gateway starts without, as before: nothing here may stop it.
  mkdir -p target/cache 2>/dev/null && [ -w target/cache ] || return 0
  rm -f target/cache/gateway-*
  echo "note: making the class-data archive $archive in the background, for the next start (log: $archive.log)" >&2
  # In a subshell that exits at once, so that the training is nobody's child once run.sh execs the JVM.
  # shellcheck disable=SC2086
  (scripts/train.sh "$JAVA" "$jar" "$archive" ${JAVA_OPTS:-$DEFAULT_JAVA_OPTS} >"$archive.log" 2>&1 &)
}
