#!/usr/bin/env bash
# End-to-end checks of the package (scripts/package.sh): unpacks it into a temp folder and
# runs bin/gateway where there is no Java at all (no JAVA_HOME, and a PATH whose only tool is
# readlink, which the launcher needs), through a relative symlink, from another working
# directory: the version, the usage, a bad option, the class-data archive, an echo gateway, the
# mock and a gateway in front of it, the web pages (read from the jar), and a clean stop.
# Prints "N passed, N failed". Skips, saying so, when the JDK found has no jlink.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/java.sh
if [ ! -x "$JAVA_HOME/bin/jlink" ]; then
  echo "note: $JAVA_HOME has no jlink, so the package check is skipped." >&2
  exit 0
fi

archive=$(scripts/package.sh) || { echo "scripts/package.sh failed" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
source scripts/e2e-lib.sh

tar -xzf "$archive" -C "$work"
pkg=$(echo "$work"/gateway-*)
jar=$pkg/lib/gateway.jar   # e2e-lib.sh expects it; $launch below runs it through bin/gateway
mkdir "$work/tools" "$work/links" "$work/run"
ln -s /usr/bin/readlink "$work/tools/readlink"
ln -s "../${pkg##*/}/bin/gateway" "$work/links/gateway"   # relative, as "ln -s ../opt/..." would be
gateway=$work/links/gateway
# The environment the package runs in: nothing inherited, no Java on PATH.
bare=(env -i "PATH=$work/tools" "HOME=$work")
cd "$work/run"
# Read from the working directory by the gateway, as the jar does: free ports, no typing delay.
printf 'PORT=0\nECHO_TOKEN_DELAY_MS=0\nSHUTDOWN_GRACE_SECONDS=3\n' >gateway.env

check "layout: bin, lib/gateway.jar, runtime, gateway.env, README.md" \
  test -x "$pkg/bin/gateway" -a -f "$pkg/lib/gateway.jar" -a -x "$pkg/runtime/bin/java" -a -f "$pkg/gateway.env" -a -f "$pkg/README.md"
check "no java in that environment"       bash -c "! ${bare[*]} /bin/sh -c 'command -v java || test -n \"\${JAVA_HOME:-}\"'"

"${bare[@]}" "$gateway" --version >version.out 2>&1; echo $? >version.code
check "--version: exit 0"                 grep -qx 0 version.code
check "--version: build and runtime"      grep -qE '^gateway [0-9][^ ]* \(Java [0-9][^,]*, .+\)$' version.out
"${bare[@]}" "$gateway" --help >help.out 2>&1; echo $? >help.code
check "--help: exit 0 and the usage"      bash -c "grep -qx 0 help.code && grep -q '^usage: gateway' help.out && grep -q -- '--env-file PATH' help.out"
"${bare[@]}" "$gateway" --frob >frob.out 2>frob.err; echo $? >frob.code
check "bad option: exit 2, one line"      bash -c "grep -qx 2 frob.code && test ! -s frob.out && test \$(wc -l <frob.err) -eq 1 && grep -qx 'gateway: unknown option --frob (try --help)' frob.err"
"${bare[@]}" "$gateway" mock --frob >mfrob.out 2>mfrob.err; echo $? >mfrob.code
check "mock bad option: exit 2, one line" bash -c "grep -qx 2 mfrob.code && test \$(wc -l <mfrob.err) -eq 1"
"${bare[@]}" "$gateway" --print-config >print.out 2>&1
check "gateway.env read from the working directory" grep -qx 'SHUTDOWN_GRACE_SECONDS=3' print.out
"${bare[@]}" 'JAVA_OPTS=-XshowSettings:vm -Xmx77m' "$gateway" --version >opts.out 2>&1
check "JAVA_OPTS reach the JVM"           grep -q 'Max. Heap Size: 77' opts.out
check "the launcher's default flags are run.sh's" grep -qF -- "opts=\${JAVA_OPTS:-$DEFAULT_JAVA_OPTS}" "$gateway"
# -Xshare:on makes a JVM that cannot map its class-data archive fail instead of going without.
check "the class-data archive fits the unpacked runtime and jar" "${bare[@]}" 'JAVA_OPTS=-Xshare:on' "$gateway" --version
"${bare[@]}" 'JAVA_OPTS=-XX:-UseCompressedOops' "$gateway" --version >misfit.out 2>misfit.err; echo $? >misfit.code
check "an archive that does not fit: skipped, said on stderr only" \
  bash -c "grep -qx 0 misfit.code && test \$(wc -l <misfit.out) -eq 1 && grep -q '^gateway ' misfit.out && grep -q 'shared archive' misfit.err"

launch=("${bare[@]}" "$gateway")
start echo_gw echo gateway_started || exit 1
echo_pid=${pids[-1]}
check "runs on the bundled runtime"       test "$(readlink "/proc/$echo_pid/exe")" = "$pkg/runtime/bin/java"
curl -s "$echo_gw/healthz" -o h.json
check "/healthz"                          grep -qF '{"status":"ok"}' h.json
curl -s "$echo_gw/v1/chat/completions" -d '{"messages":[{"role":"user","content":"hello world"}]}' -o echo.json
check "echo chat"                         grep -qF '"content":"Echo: hello world"' echo.json
curl -s -o /dev/null -w '%{http_code}' "$echo_gw/" >page.code
check "web page read from the jar"        grep -qx 200 page.code
# SIGHUP is handled through sun.misc.Signal, of the module jdk.unsupported: the runtime must hold it.
printf 'MAX_MESSAGES=100\n' >>gateway.env
kill -HUP "$echo_pid"
for _ in $(seq 1 40); do grep -q '"event":"settings_reloaded"' "$work/echo.log" && break; sleep 0.05; done
check "SIGHUP reloads gateway.env"        grep -qF '"event":"settings_reloaded","keys":"MAX_MESSAGES"' "$work/echo.log"

start mock mock mock_backend_started mock --reply "Hello from the packaged mock" || exit 1
mock_pid=${pids[-1]}
launch=("${bare[@]}" "BACKEND_URL=$mock" "$gateway")
start proxy proxy gateway_started || exit 1
proxy_pid=${pids[-1]}
curl -s -N "$proxy/v1/chat/completions" -d '{"stream":true,"messages":[{"role":"user","content":"hi"}]}' -o stream.txt
check "chat through the mock, streamed"   bash -c "grep -qF '\"content\":\" packaged\"' stream.txt && test \"\$(grep -v '^\$' stream.txt | tail -n 1)\" = 'data: [DONE]'"

kill -TERM "$proxy_pid" "$echo_pid" "$mock_pid"
codes=()
for pid in "$proxy_pid" "$echo_pid"; do wait "$pid"; codes+=($?); done
check "SIGTERM: gateways exit 0"          test "${codes[*]}" = "0 0"
check "SIGTERM: stopped cleanly"          bash -c "tail -n 1 '$work/proxy.log' | grep -q '\"event\":\"gateway_stopped\"'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
