#!/usr/bin/env bash
# Builds target/gateway-VERSION-linux-x64.tar.gz: the gateway with a Java runtime of its own,
# made by jlink from the JDK that scripts/java.sh finds, holding only the modules the gateway
# uses, so that a machine without Java runs it. It unpacks to gateway-VERSION/:
#   bin/gateway        the launcher (src/deploy/bin/gateway): arguments and JAVA_OPTS pass through
#   lib/gateway.jar    the jar, built first when missing or older than the sources
#   lib/gateway.jsa    its class-data archive: the classes a start loads, ready to map
#   runtime/           the jlinked runtime
#   gateway.env        the settings, each documented, at their defaults: an example to copy
#   README.md, deploy/gateway.service (the systemd unit; README "Deploy" says how to install it)
# The runtime is for the machine's OS and CPU, as the name says. Prints the archive's path.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh

if [ ! -x "$JAVA_HOME/bin/jlink" ]; then
  echo "error: $JAVA_HOME has no bin/jlink (a JRE, or a JDK without jlink); point JAVA_HOME at a full JDK 21+." >&2
  exit 1
fi
fresh_jar

# The version is the one the jar reports, which Maven wrote from the pom into its manifest.
version=$("$JAVA" -jar "$jar" --version | sed -n 's/^gateway \([^ ]*\) .*/\1/p')
[ -n "$version" ] || { echo "error: $jar did not report its version" >&2; exit 1; }
case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=aarch64 ;; *) arch=$(uname -m) ;; esac
name=gateway-$version
archive=target/$name-linux-$arch.tar.gz

# The modules the classes name (java.base, java.net.http, jdk.httpserver, and jdk.unsupported
# for sun.misc.Signal, with which SIGHUP reloads the settings), then one that only provides a
# service, which jdeps cannot see: jdk.crypto.ec, the elliptic curves TLS needs to reach an https
# backend on JDK 21 (JDK 22+ moved them into java.base and left the module empty). Nothing for
# jcmd, JFR or JMX: the package runs the gateway, diagnosing it is a full JDK's job.
modules=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps "$jar")
if "$JAVA" --list-modules | grep -q '^jdk\.crypto\.ec@'; then
  modules=$modules,jdk.crypto.ec
fi

stage=target/package
rm -rf "$stage" "$archive"
mkdir -p "$stage/$name/bin" "$stage/$name/lib" "$stage/$name/deploy"
# zip-6: jlink's default level, named so that the command says what it does (JDK 21+ spelling).
# --strip-debug drops the classes' line tables: stack traces keep class and method names.
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$stage/$name/runtime"
cp src/deploy/bin/gateway "$stage/$name/bin/gateway"
chmod 755 "$stage/$name/bin/gateway"
cp "$jar" "$stage/$name/lib/gateway.jar"
cp gateway.env README.md "$stage/$name/"
cp src/deploy/systemd/gateway.service "$stage/$name/deploy/"
# The class-data archive, made with the package's own runtime and jar (scripts/train.sh):
# bin/gateway maps it at every start, so that nothing needs to be writable for it. Made with
# the launcher's default flags ($DEFAULT_JAVA_OPTS, as bin/gateway's), the heap layout it maps it with.
# shellcheck disable=SC2086
scripts/train.sh "$stage/$name/runtime/bin/java" "$stage/$name/lib/gateway.jar" "$stage/$name/lib/gateway.jsa" $DEFAULT_JAVA_OPTS >&2
# Owned by root in the archive, whoever built it: unpacked as root, it is not left writable to a build user.
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$archive" "$name"
echo "$archive"
