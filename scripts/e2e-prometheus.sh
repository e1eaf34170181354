#!/usr/bin/env bash
# A real Prometheus scrapes the packaged jar. Starts three gateways on free ports (echo; one
# in front of the mock backend; one whose backend is down, limited to 1 request a minute),
# sends them chats whole and streamed, then starts Prometheus (Debian's `prometheus`
# package) on a free loopback port with its own config and storage in a temp dir, waits
# for its first scrape and asks its HTTP API: every target is up, and every series of the
# README's Prometheus table exists with its type and labels. `promtool check metrics`
# must find nothing to say about each gateway's text, and the shipped scrape config and
# Grafana dashboard (src/deploy/prometheus) must be valid, the dashboard querying only
# series the gateway serves. Prints "N passed, N failed"; needs target/gateway.jar,
# prometheus, promtool and curl (no python or jq).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/java.sh

for tool in prometheus promtool curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool: install it with 'sudo apt-get install prometheus curl'" >&2; exit 1; }
done
jar=$root/target/gateway.jar
[ -f "$jar" ] || { echo "missing $jar: run scripts/mvn.sh package first" >&2; exit 1; }
deploy=$root/src/deploy/prometheus
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

source scripts/e2e-lib.sh

cd "$work"   # no gateway.env here: the gateways run on built-in defaults plus what is set below
PORT=0 start mock mock mock_backend_started mock --reply "Hello from the mock" --cache-tokens 1000 || exit 1
PORT=0 ECHO_TOKEN_DELAY_MS=0 start echo_gw echo gateway_started || exit 1
PORT=0 BACKEND_URL="$mock/v1" start proxy proxy gateway_started || exit 1
PORT=0 BACKEND_URL="http://127.0.0.1:9" RATE_LIMIT_RPM=1 start down down gateway_started || exit 1

chat='{"model":"demo","messages":[{"role":"user","content":"hello world"}]}'
stream='{"stream":true,"messages":[{"role":"user","content":"hello world"}]}'
for gateway in "$echo_gw" "$proxy"; do
  for _ in 1 2 3; do
    curl -s -o /dev/null "$gateway/v1/chat/completions" -d "$chat"
    curl -s -N -o /dev/null "$gateway/v1/chat/completions" -d "$stream"
  done
done
curl -s -o /dev/null "$down/v1/chat/completions" -d "$chat"   # 502 backend_unavailable
curl -s -o /dev/null "$down/v1/chat/completions" -d "$chat"   # 429: one request a minute

# promtool lints the text itself: names, suffixes, HELP and TYPE lines, histogram buckets.
# It exits 3 and prints one line per problem, lint warnings included; none is accepted.
lint_clean() { test -s "$1.prom" && promtool check metrics <"$1.prom" >"$1.lint" 2>&1 && test ! -s "$1.lint"; }
for pair in "echo $echo_gw" "proxy $proxy" "down $down"; do
  read -r name url <<<"$pair"
  curl -s "$url/metrics?format=prometheus" -o "$name.prom"
  check "promtool check metrics: $name gateway, no problem" lint_clean "$name"
  [ -s "$name.lint" ] && sed 's/^/      /' "$name.lint"
done
check "promtool check config: the shipped prometheus.yml" promtool check config "$deploy/prometheus.yml"

target() { echo "${1#http://}"; }
cat >prometheus.yml <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: gateway
    metrics_path: /metrics
    params:
      format: [prometheus]
    static_configs:
      - targets: ["$(target "$echo_gw")", "$(target "$proxy")", "$(target "$down")"]
EOF

# start_prometheus: on a port nothing answers on, with its own storage; a few tries in case
# another process takes the port between the look and the bind. Sets prom to its URL.
start_prometheus() {
  local port pid
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    prometheus --config.file=prometheus.yml --storage.tsdb.path="$work/tsdb" \
      --web.listen-address="127.0.0.1:$port" >prometheus.log 2>&1 &
    pid=$!; pids+=($pid)
    for _ in $(seq 1 150); do
      curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && { prom="http://127.0.0.1:$port"; return 0; }
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  done
  echo "prometheus did not start:" >&2; cat prometheus.log >&2; return 1
}
start_prometheus || exit 1

query() { curl -sfG "$prom/api/v1/query" --data-urlencode "query=$1"; }
value() { query "$1" | sed -n 's/.*"value":\[[^,]*,"\([^"]*\)"\].*/\1/p'; }   # value EXPR: a one-sample answer's value
# found EXPR [LABEL...]: the query returns at least one series, carrying each LABEL.
found() {
  local answer label; answer=$(query "$1") || return 1; shift
  grep -q '"result":\[{' <<<"$answer" || return 1
  for label in "$@"; do grep -q "\"$label\":" <<<"$answer" || return 1; done
}
absent() { query "$1" | grep -q '"result":\[\]'; }   # absent EXPR: the query succeeds with no series
typed() { curl -sfG "$prom/api/v1/metadata" --data-urlencode "metric=$1" | grep -q "\"type\":\"$2\""; }   # typed NAME TYPE

# Bounded wait for the first scrape of all three targets. It comes about 5 s after /-/ready:
# Prometheus hands new targets to its scrapers on a 5 s tick, then scrapes every second.
started=$SECONDS
for _ in $(seq 1 150); do [ "$(value 'count(up{job="gateway"} == 1)')" = 3 ] && break; sleep 0.2; done
echo "      first scrape seen $((SECONDS - started)) s after Prometheus was ready"
check "up is 1 for the three gateways"            test "$(value 'count(up{job="gateway"} == 1)')" = 3
check "requests: chat route, 200, model"          found 'gateway_requests_total{route="POST /v1/chat/completions",status="200",model="demo"}'
check "requests: the 502 and the 429 counted"     found 'gateway_requests_total{status=~"502|429"}'
check "outcomes: ok, backend_error, rate_limited" test "$(value 'count(sum by (outcome) (gateway_outcomes_total{outcome=~"ok|backend_error|rate_limited"}) > 0)')" = 3
check "backend errors: backend_unavailable"       found 'gateway_backend_errors_total{code="backend_unavailable"} > 0'
check "rate limited: one 429"                     found 'gateway_rate_limited_total == 1'
check "streams: 6 ended"                          found 'sum(gateway_streams_total) == 6'
histogram_series() { found "${1}_bucket{le=\"+Inf\"} > 0" && found "${1}_sum" && found "${1}_count"; }
check "duration: _bucket up to +Inf, _sum, _count" histogram_series gen_ai_server_request_duration_seconds
check "time to first token: _bucket per stream"   found 'sum(gen_ai_server_time_to_first_token_seconds_bucket{le="+Inf"}) == 6'
# Every stream above ends with 200 and more than one completion token, so each has a time per output token.
check "time per output token: one per stream"     found 'sum(gen_ai_server_time_per_output_token_seconds_count) == 6'
check "time per output token: GenAI buckets"      found 'gen_ai_server_time_per_output_token_seconds_bucket{le="2.5"}'
check "duration: the GenAI conventions' buckets"  found 'gen_ai_server_request_duration_seconds_bucket{le="81.92"}'
check "token usage: input and output buckets"     test "$(value 'count(gen_ai_client_token_usage_bucket{le="+Inf"} > 0)')" = 4
check "token usage: input tokens counted"         found 'gen_ai_client_token_usage_sum{gen_ai_token_type="input"} > 0'
check "backend: the mock answered every attempt"  found 'gateway_backend_attempts_total{backend="default",outcome="ok"} == 6'
check "backend: an operation per mock attempt"    found 'gen_ai_client_operation_duration_seconds_count{backend="default"} == 6'
check "backend: the old attempt histogram gone"   absent 'gateway_backend_attempt_duration_seconds_count'
check "otlp: both signals on every gateway, 0"    test "$(value 'count(gateway_otlp_exported_total == 0) + count(gateway_otlp_dropped_total == 0) + count(gateway_otlp_export_failures_total == 0)')" = 18
check "backend: the mock is healthy"             found "gateway_backend_healthy{instance=\"$(target "$proxy")\",backend=\"default\"} == 1"
check "PromQL: p99 latency from the buckets"      found 'histogram_quantile(0.99, sum by (le) (gen_ai_server_request_duration_seconds_bucket)) > 0'

# The README's table is the list: each name there has a series in Prometheus with the labels
# in its braces, and the type the table gives (from the metadata API, which reads # TYPE).
# gateway_queue_refused_total has a series only once a queue has refused a request.
readme_series() { # prints "name type labels" per name in the table
  sed -n '/^| Prometheus name | type | what |$/,/^$/p' "$root/README.md" | grep '^| `' |
    while IFS='|' read -r _ names types _; do
      read -ra kinds <<<"$(tr -d ',' <<<"$types")"
      local i=0 entry
      for entry in $(grep -o '`[a-z_]*\({[a-z_,]*}\)\{0,1\}`' <<<"$names" | tr -d '`'); do
        local labels=${entry#*\{}; [ "$labels" = "$entry" ] && labels=""
        echo "${entry%%\{*} ${kinds[$i]:-${kinds[0]}} ${labels%\}}"
        i=$((i + 1))
      done
    done
}
readme_series >readme.series
check "README table: read (at least 20 series)"   test "$(wc -l <readme.series)" -ge 20
while read -r name type labels; do
  series=$name; [ "$type" = histogram ] && series=${name}_count
  check "README: $name is a $type"                typed "$name" "$type"
  [ "$name" = gateway_queue_refused_total ] && continue
  check "README: $series${labels:+ {$labels\}} has a series" found "$series" ${labels//,/ }
done <readme.series

# The dashboard: it parses (with the gateway's own JSON parser), each of its queries is
# PromQL that Prometheus accepts, and each metric it names is one the gateway serves.
cat >DashboardQueries.java <<'EOF'
import gateway.json.*;
import java.nio.file.*;

/** Prints every "expr" in a Grafana dashboard, one a line. */
class DashboardQueries {
    public static void main(String[] args) throws Exception {
        print(Json.parse(Files.readString(Path.of(args[0]))));
    }

    static void print(JsonValue value) {
        switch (value) {
            case JsonObject o -> o.members().forEach((key, v) -> {
                if (key.equals("expr") && v instanceof JsonString s) System.out.println(s.value());
                else print(v);
            });
            case JsonArray a -> a.values().forEach(DashboardQueries::print);
            default -> { }
        }
    }
}
EOF
"$JAVA" -cp "$jar" DashboardQueries.java "$deploy/gateway-dashboard.json" >dashboard.exprs 2>dashboard.err
check "dashboard: valid JSON with queries"        test -s dashboard.exprs
[ -s dashboard.err ] && sed 's/^/      /' dashboard.err
check "dashboard: a Prometheus datasource input"  grep -q '"name": "DS_PROMETHEUS"' "$deploy/gateway-dashboard.json"
cat echo.prom proxy.prom down.prom >served.prom
accepted() { query "$1" | grep -q '"status":"success"'; }   # accepted EXPR: valid PromQL
while read -r expr; do
  promql=${expr//\$__rate_interval/1m}; promql=${promql//\$instance/.*}
  check "dashboard query accepted: ${expr:0:70}" accepted "$promql"
done <dashboard.exprs
grep -o '\(gateway\|gen_ai\)_[a-z_]*{' dashboard.exprs | tr -d '{' | sort -u >dashboard.names
while read -r name; do
  family=$(sed 's/_\(bucket\|sum\|count\)$//' <<<"$name")
  check "dashboard metric served: $name" grep -qE "^# TYPE ($name|$family histogram)( |$)" served.prom
done <dashboard.names

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
