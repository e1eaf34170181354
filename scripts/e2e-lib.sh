# What the end-to-end scripts (e2e.sh, e2e-prometheus.sh) share; sourced, not run. The
# caller sets $JAVA (scripts/java.sh), $jar, $work (a temp dir) and an array pids, and
# stops the processes in pids on exit. An array launch, when set, is the command that
# replaces "$JAVA -jar $jar" (scripts/e2e-package.sh runs the package's bin/gateway).

passed=0; failed=0
check() { # check NAME COMMAND...: passes when the command succeeds
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok    $name"
  else failed=$((failed + 1)); echo "FAIL  $name"; fi
}

# start VAR NAME EVENT ARGS...: runs the jar (or $launch) in the background with the given arguments,
# waits for its start line (event EVENT), and sets VAR to the URL that line names. It runs
# in the caller's shell, not in $(...), so the process is recorded in pids and stopped at the end.
start() {
  local var=$1 name=$2 event=$3 url command=("$JAVA" -jar "$jar"); shift 3
  [ -n "${launch[0]+set}" ] && command=("${launch[@]}")
  "${command[@]}" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    url=$(sed -n "s/.*\"event\":\"$event\",\"url\":\"\([^\"]*\)\".*/\1/p" "$work/$name.log" | head -n 1)
    [ -n "$url" ] && { printf -v "$var" '%s' "$url"; return 0; }
    sleep 0.1
  done
  echo "$name did not start:" >&2; cat "$work/$name.log" >&2; return 1
}
