#!/usr/bin/env bash
# End-to-end checks with curl against the packaged jar, in the spirit of a take-home's
# test script: starts a mock backend and two gateways (echo, and one in front of the
# mock) on free ports, checks what a client sees, stops everything, and prints
# "N passed, N failed". Needs target/gateway.jar (scripts/test.sh builds it).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/java.sh

jar=target/gateway.jar
[ -f "$jar" ] || { echo "missing $jar: run scripts/mvn.sh package first" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

source scripts/e2e-lib.sh
has() { grep -qF -- "$2" "$1"; }           # has FILE TEXT
# eventually COMMAND...: the command succeeds within 2 s (a request's log line is written
# just after its last byte reaches the client, so it may trail the response a little).
eventually() { for _ in $(seq 1 40); do "$@" && return 0; sleep 0.05; done; return 1; }
lacks() { ! grep -qF -- "$2" "$1"; }       # lacks FILE TEXT

cd "$work"   # no gateway.env here: the gateways run on built-in defaults plus what is set below
jar="$OLDPWD/$jar"
PORT=0 start mock mock mock_backend_started mock --reply "Hello from the mock" || exit 1
# LC_ALL=C: an ASCII locale, as in a container; the log is UTF-8 all the same.
PORT=0 ECHO_TOKEN_DELAY_MS=0 LC_ALL=C start echo_gw echo gateway_started || exit 1
PORT=0 BACKEND_URL="$mock/v1" start proxy proxy gateway_started || exit 1
PORT=0 BACKEND_URL="http://127.0.0.1:9" start down down gateway_started || exit 1
PORT=0 API_KEYS="alice:sk-e2e-alice" RATE_LIMIT_RPM=2 CORS_ALLOW_ORIGINS=https://app.example start keyed keyed gateway_started || exit 1
PORT=0 start slow_mock slow_mock mock_backend_started mock --first-byte-delay-ms 3000 || exit 1
PORT=0 BACKEND_URL="$slow_mock" BACKEND_TIMEOUT_SECONDS=1 start slow slow gateway_started || exit 1
chat='{"model":"demo","messages":[{"role":"user","content":"hello world"}]}'
stream='{"stream":true,"messages":[{"role":"user","content":"hello world"}]}'

curl -s -D r1.h "$echo_gw/v1/chat/completions" -H 'X-Request-ID: e2e-42' -d "$chat" -o r1.json
check "echo: 200"                         has r1.h "HTTP/1.1 200"
check "echo: object chat.completion"      has r1.json '"object":"chat.completion"'
check "echo: reply is Echo: <prompt>"     has r1.json '"message":{"role":"assistant","content":"Echo: hello world"}'
check "echo: finish_reason stop"          has r1.json '"finish_reason":"stop"'
check "echo: usage counts words"          has r1.json '"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}'
check "echo: model from the request"      has r1.json '"model":"demo"'
check "request id: kept in the body"      has r1.json '"id":"e2e-42"'
check "request id: kept in the header"    grep -qi '^x-request-id: e2e-42' r1.h

curl -s -D r2.h "$echo_gw/v1/chat/completions" -d "$chat" -o r2.json
generated=$(sed -n 's/^[Xx]-[Rr]equest-[Ii][Dd]: \([^[:space:]]*\).*/\1/p' r2.h)
check "request id: generated UUID"        grep -qE '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' <<<"$generated"
check "request id: generated id in body"  has r2.json "\"id\":\"$generated\""
curl -s -D r3.h "$echo_gw/v1/chat/completions" -H 'Request-Id: alt-7' -d "$chat" -o r3.json
check "request id: Request-Id accepted"   has r3.json '"id":"alt-7"'

curl -s -N -D s1.h "$echo_gw/v1/chat/completions" -d "$stream" -o s1.txt
check "stream: text/event-stream"         grep -qi '^content-type: text/event-stream' s1.h
check "stream: chunks"                    has s1.txt '"object":"chat.completion.chunk"'
check "stream: word by word"              has s1.txt '"delta":{"content":" hello"}'
check "stream: ends with [DONE]"          test "$(grep -v '^$' s1.txt | tail -n 1)" = "data: [DONE]"

curl -s "$proxy/v1/chat/completions" -H 'X-Request-ID: fwd-1' -d "$chat" -o p1.json
check "backend: mock's reply forwarded"   has p1.json '"content":"Hello from the mock"'
check "backend: gateway's id"             has p1.json '"id":"fwd-1"'
curl -s -N "$proxy/v1/chat/completions" -d "$stream" -o p2.txt
check "backend: stream forwarded"         has p2.txt '"content":" from"'
check "backend: stream ends with [DONE]"  test "$(grep -v '^$' p2.txt | tail -n 1)" = "data: [DONE]"
curl -s -o d1.json -w '%{http_code}' "$down/v1/chat/completions" -d "$chat" >d1.code
check "backend down: 502"                 has d1.code 502
check "backend down: backend_unavailable" has d1.json '"code":"backend_unavailable"'
check "backend down: never an echo"       lacks d1.json 'Echo:'

curl -s -o t1.json -w '%{http_code}' "$slow/v1/chat/completions" -d "$chat" >t1.code
check "slow backend: 504 gateway_timeout" bash -c "grep -q 504 t1.code && grep -q '\"code\":\"gateway_timeout\"' t1.json"

# The rest of the OpenAI surface, in echo mode and through the mock.
curl -s "$echo_gw/v1/completions" -d '{"prompt":"hello world"}' -o o1.json
check "completions: echo of the prompt"    has o1.json '"object":"text_completion"'
check "completions: text Echo: <prompt>"   has o1.json '"text":"Echo: hello world"'
curl -s -N "$echo_gw/v1/completions" -d '{"prompt":"hello world","stream":true,"stream_options":{"include_usage":true}}' -o o2.txt
check "completions: streamed word by word" has o2.txt '"text":" hello"'
check "completions: usage chunk when asked" has o2.txt '"choices":[],"usage":{"prompt_tokens":2'
check "completions: stream ends with [DONE]" test "$(grep -v '^$' o2.txt | tail -n 1)" = "data: [DONE]"
curl -s "$echo_gw/v1/embeddings" -d '{"input":["hello","hello"],"dimensions":4}' -o o3.json
check "embeddings: two vectors of 4"       test "$(grep -o '"embedding":\[[^]]*\]' o3.json | awk -F, '{print NF}' | sort -u)" = "4"
check "embeddings: same text, same vector" test "$(grep -o '"embedding":\[[^]]*\]' o3.json | sort -u | wc -l)" = "1"
curl -s "$echo_gw/v1/embeddings" -d '{"input":"hello","encoding_format":"base64"}' -o o4.json
check "embeddings: base64 of 1536 floats"  test "$(sed -n 's/.*"embedding":"\([^"]*\)".*/\1/p' o4.json | base64 -d | wc -c)" = "6144"
curl -s -o o5.json -w '%{http_code}' "$echo_gw/v1/embeddings" -d '{"input":""}' >o5.code
check "embeddings: empty input 400 names it" bash -c "grep -q 400 o5.code && grep -q '\"param\":\"input\"' o5.json"
curl -s "$echo_gw/v1/responses" -d '{"input":"hello world"}' -o o6.json
check "responses: output_text Echo"        has o6.json '"type":"output_text","text":"Echo: hello world"'
check "responses: its usage names"         has o6.json '"input_tokens":2'
curl -s -N "$echo_gw/v1/responses" -d '{"input":"hello world","stream":true}' -o o7.txt
check "responses: named events"            has o7.txt 'event: response.output_text.delta'
check "responses: ends with response.completed" test "$(grep '^event:' o7.txt | tail -n 1)" = "event: response.completed"
curl -s "$proxy/v1/completions" -d '{"prompt":"hi"}' -o o8.json
check "backend: completions forwarded"     has o8.json '"text":"Hello from the mock"'
curl -s "$proxy/v1/embeddings" -d '{"input":"hi"}' -o o9.json
check "backend: embeddings forwarded"      has o9.json '"object":"embedding"'
curl -s -N "$proxy/v1/responses" -d '{"input":"hi","stream":true}' -o o10.txt
check "backend: responses stream forwarded" has o10.txt '"delta":" from"'
check "backend: responses stream complete" lacks o10.txt '"error":{'
check "log: each route by its path"        eventually has proxy.log '"path":"/v1/responses"'

curl -s "$echo_gw/healthz" -o h.json
check "/healthz"                          has h.json '{"status":"ok"}'
curl -s -o rz.json -w '%{http_code}' "$down/readyz" >rz.code
check "/readyz: 503 when backend is down" has rz.code 503
curl -s "$proxy/v1/models" -o m.json
check "/v1/models: backend's list"        has m.json '"id":"mock-mode'
curl -s "$echo_gw/v1/models" -o m2.json
check "/v1/models: echo model"            has m2.json '"id":"echo"'
curl -s "$echo_gw/metrics" -o metrics.json
check "/metrics: requests by route"       has metrics.json '"POST /v1/chat/completions":{"200":'
check "/metrics: tokens"                  has metrics.json '"tokens":{"prompt":'
curl -s -D mp.h "$echo_gw/metrics?format=prometheus" -o metrics.prom
check "/metrics: Prometheus format"       has metrics.prom '# TYPE gen_ai_client_token_usage histogram'
check "/metrics: Prometheus content type" grep -qi '^content-type: text/plain; version=0.0.4' mp.h
check "overhead header on every answer"   grep -qi '^x-gateway-overhead-ms: [0-9]' r1.h

curl -s -o bad.json -w '%{http_code}' "$echo_gw/v1/chat/completions" -d '{"messages":' >bad.code
check "bad JSON: 400 invalid_json"        bash -c "grep -q 400 bad.code && grep -q '\"code\":\"invalid_json\"' bad.json"
curl -s -o nf.json -w '%{http_code}' "$echo_gw/v2/nothing" >nf.code
check "unknown path: 404 not_found"       bash -c "grep -q 404 nf.code && grep -q '\"code\":\"not_found\"' nf.json"
curl -s -D na.h -o na.json -X PUT "$echo_gw/v1/chat/completions"
check "wrong method: 405 with Allow"      bash -c "grep -q 'HTTP/1.1 405' na.h && grep -qi '^allow: POST' na.h"
check "log: one line per request"         eventually has echo.log '"event":"request","request_id":"e2e-42"'
curl -s -o /dev/null "$echo_gw/v1/chat/completions" -d '{"model":"mödel","messages":[{"role":"user","content":"hi"}]}'
check "log: UTF-8 in an ASCII locale"     eventually has echo.log '"model":"mödel"'

curl -s -D k1.h -o k1.json "$keyed/v1/chat/completions" -d "$chat"
check "no key: 401 missing_api_key"       bash -c "grep -q 'HTTP/1.1 401' k1.h && grep -q '\"code\":\"missing_api_key\"' k1.json"
curl -s -D k2.h -o k2.json "$keyed/v1/chat/completions" -H 'Authorization: Bearer sk-e2e-alice' -d "$chat"
check "key: 200"                          has k2.h "HTTP/1.1 200"
check "key: x-ratelimit headers"          grep -qi '^x-ratelimit-remaining-requests: 1' k2.h
curl -s -o /dev/null "$keyed/v1/chat/completions" -H 'x-api-key: sk-e2e-alice' -d "$chat"
curl -s -D k3.h -o k3.json "$keyed/v1/chat/completions" -H 'x-api-key: sk-e2e-alice' -d "$chat"
check "over the limit: 429"               has k3.h "HTTP/1.1 429"
check "over the limit: Retry-After"       grep -qi '^retry-after: [0-9]' k3.h
check "over the limit: retry-after-ms"    grep -qi '^retry-after-ms: [0-9]' k3.h
check "over the limit: rate_limit_exceeded" has k3.json '"code":"rate_limit_exceeded"'
check "log: key name, never the key"      eventually bash -c "grep -q '\"key\":\"alice\"' keyed.log && ! grep -q 'sk-e2e-alice' keyed.log"
check "open gateway warns at start"       has echo.log '"event":"no_api_keys"'

PORT=0 LOG_FILE=logs/gateway.log "$JAVA" -jar "$jar" >filelog.out 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s logs/gateway.log ] && break; sleep 0.1; done
filelog=$(sed -n 's/.*"event":"gateway_started","url":"\([^"]*\)".*/\1/p' logs/gateway.log | head -n 1)
curl -s -o /dev/null "$filelog/v1/chat/completions" -H 'X-Request-ID: to-the-file' -d "$chat"
check "LOG_FILE: request line in the file" eventually has logs/gateway.log '"request_id":"to-the-file"'
check "LOG_FILE: nothing on stdout"       test ! -s filelog.out

PORT=abc "$JAVA" -jar "$jar" >cfg.out 2>cfg.err; echo $? >cfg.code
check "bad setting: exit status 2"        has cfg.code 2
check "bad setting: names key and value"  has cfg.err 'gateway: PORT=abc: expected an integer 0..65535'
"$JAVA" -jar "$jar" --env-file missing.env >/dev/null 2>cfg2.err; echo $? >cfg2.code
check "named env file missing: exit 2"    bash -c "grep -q 2 cfg2.code && grep -q 'env file not found: missing.env' cfg2.err"

# SIGTERM with 100 streams in flight: they finish within the grace, are logged, and the exit status is 0.
PORT=0 ECHO_TOKEN_DELAY_MS=200 start stopping stopping gateway_started || exit 1
stopping_pid=${pids[-1]}
curl_pids=()
for i in $(seq 1 100); do
  curl -sN "$stopping/v1/chat/completions" -d '{"stream":true,"messages":[{"role":"user","content":"one two three four"}]}' >"term-$i.txt" &
  curl_pids+=($!)
done
for i in $(seq 1 100); do eventually has "term-$i.txt" 'chat.completion.chunk'; done
kill -TERM "$stopping_pid"; wait "$stopping_pid"; echo $? >term.code
wait "${curl_pids[@]}"
ended() { for i in $(seq 1 100); do [ "$(grep -v '^$' "term-$i.txt" | tail -n 1)" = "data: [DONE]" ] || return 1; done; }
check "SIGTERM: exit status 0"            has term.code 0
check "SIGTERM: 100 streams end with [DONE]" ended
check "SIGTERM: no stream was cut"        bash -c "! grep -l '\"error\"' term-*.txt"
check "SIGTERM: 100 lines logged, then stopped" bash -c "test \$(grep -c '\"event\":\"request\"' stopping.log) -eq 100 && tail -n 1 stopping.log | grep -q '\"event\":\"gateway_stopped\"'"

# SIGHUP: the env file read again while the gateway serves. Keys, limits, the backend and the
# log level change at once; a key only a restart changes is named, never shown; a file that
# cannot be used changes nothing and the log says why.
printf 'PORT=0\nECHO_TOKEN_DELAY_MS=0\nAPI_KEYS=alice:sk-e2e-before\n' >reload.env
start reloading reloading gateway_started --env-file reload.env || exit 1
reloading_pid=${pids[-1]}
curl -s -o hup0.json "$reloading/v1/chat/completions" -H 'Authorization: Bearer sk-e2e-before' -d "$chat"
check "SIGHUP: echo before"               has hup0.json '"content":"Echo: hello world"'
printf 'PORT=0\nECHO_TOKEN_DELAY_MS=0\nAPI_KEYS=bob:sk-e2e-after\nBACKEND_URL=%s\nMAX_MESSAGES=1\nLOG_LEVEL=warn\nUI_ENABLED=false\n' "$mock" >reload.env
kill -HUP "$reloading_pid"
check "SIGHUP: settings_reloaded names the keys" eventually has reloading.log '"event":"settings_reloaded","keys":"BACKEND_URL,MAX_MESSAGES,API_KEYS,LOG_LEVEL"'
check "SIGHUP: a restart-only key is named" has reloading.log '"event":"settings_reload_needs_restart","keys":"UI_ENABLED"'
curl -s -o hup1.json -w '%{http_code}' "$reloading/v1/chat/completions" -H 'Authorization: Bearer sk-e2e-before' -d "$chat" >hup1.code
check "SIGHUP: the removed key 401"       bash -c "grep -q 401 hup1.code && grep -q '\"code\":\"invalid_api_key\"' hup1.json"
curl -s -o hup2.json "$reloading/v1/chat/completions" -H 'Authorization: Bearer sk-e2e-after' -H 'X-Request-ID: hup-quiet' -d "$chat"
check "SIGHUP: the new key, to the mock"  has hup2.json '"content":"Hello from the mock"'
curl -s -o hup3.json -w '%{http_code}' "$reloading/v1/chat/completions" -H 'Authorization: Bearer sk-e2e-after' \
  -d '{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]}' >hup3.code
check "SIGHUP: MAX_MESSAGES=1 applies"    bash -c "grep -q 400 hup3.code && grep -q '\"code\":\"invalid_messages\"' hup3.json"
curl -s -o /dev/null -w '%{http_code}' "$reloading/" >hup4.code
check "SIGHUP: UI_ENABLED waits for a restart" has hup4.code 200
printf 'PORT=0\nAPI_KEYS=carol:sk-e2e-never\nMAX_MESSAGES=many\n' >reload.env
kill -HUP "$reloading_pid"
check "SIGHUP: a bad file is refused, with the reason" eventually has reloading.log '"event":"settings_reload_failed","reason":"MAX_MESSAGES=many: expected an integer 1..1000000"'
curl -s -o hup5.json "$reloading/v1/chat/completions" -H 'Authorization: Bearer sk-e2e-after' -d "$chat"
check "SIGHUP: the settings in force kept" has hup5.json '"content":"Hello from the mock"'
check "SIGHUP: LOG_LEVEL=warn dropped the request lines" lacks reloading.log '"request_id":"hup-quiet"'
check "SIGHUP: no key in the log"         lacks reloading.log 'sk-e2e'
check "SIGHUP: still running"             kill -0 "$reloading_pid"

# A client that never finishes its headers is cut off after REQUEST_READ_TIMEOUT_SECONDS.
PORT=0 REQUEST_READ_TIMEOUT_SECONDS=1 start trickle trickle gateway_started || exit 1
trickle_port=${trickle##*:}
exec 3<>"/dev/tcp/127.0.0.1/$trickle_port"
printf 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n' >&3
timeout 10 cat <&3 >trickle.out; echo $? >trickle.code
exec 3<&-
check "slow client: cut off, no answer"    bash -c "grep -q '^0$' trickle.code && test ! -s trickle.out"

API_KEYS=alice:sk-e2e-print BACKEND_URL=http://127.0.0.1:9 BACKEND_API_KEY=sk-e2e-backend "$JAVA" -jar "$jar" --print-config >print.out 2>&1; echo $? >print.code
check "--print-config: exit 0"            has print.code 0
check "--print-config: every key"         test "$(grep -c '^[A-Z_]*=' print.out)" -eq "$(grep -c '^[A-Z_]*=' "$root/gateway.env")"
check "--print-config: secrets redacted"  bash -c "grep -q '^API_KEYS=<redacted> (alice)$' print.out && grep -q '^BACKEND_API_KEY=<redacted>$' print.out && ! grep -q sk-e2e print.out"

# A browser's preflight, answered before the key check; another origin gets 403.
curl -s -D cors.h -o /dev/null -X OPTIONS "$keyed/v1/chat/completions" -H 'Origin: https://app.example' \
  -H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: authorization, content-type'
curl -s -D cors-other.h -o cors-other.json -X OPTIONS "$keyed/v1/chat/completions" -H 'Origin: https://other.example' \
  -H 'Access-Control-Request-Method: POST'
check "CORS: preflight 204 without a key"  has cors.h "HTTP/1.1 204"
check "CORS: origin allowed"               grep -qi '^access-control-allow-origin: https://app.example' cors.h
check "CORS: headers allowed"              grep -qi '^access-control-allow-headers: authorization, content-type' cors.h
check "CORS: other origin 403"             bash -c "grep -q 'HTTP/1.1 403' cors-other.h && grep -q '\"code\":\"origin_not_allowed\"' cors-other.json"

# Several backends: three mocks (two serve "llama", one "qwen"), a prompt API, aliases, an admin key.
PORT=0 start m1 m1 mock_backend_started mock --model llama --reply "from m1" || exit 1
PORT=0 start m2 m2 mock_backend_started mock --model llama --reply "from m2" || exit 1
m2_pid=${pids[-1]}
PORT=0 start m3 m3 mock_backend_started mock --model qwen --reply "from m3" || exit 1
PORT=0 start vendor vendor mock_backend_started mock --shape vendor-a --reply "from the vendor" || exit 1
PORT=0 BACKENDS=m1,m2,m3,vendor BACKEND_M1_URL="$m1" BACKEND_M2_URL="$m2" BACKEND_M3_URL="$m3" BACKEND_M1_SLOTS=2 \
  BACKEND_VENDOR_URL="$vendor" BACKEND_VENDOR_KIND=prompt BACKEND_VENDOR_PATH=/vendor-a/messages BACKEND_VENDOR_MODELS=vendor-model \
  MODEL_ALIASES=fast=qwen ROUTING=round-robin ADMIN_API_KEY=sk-e2e-admin start routed routed gateway_started || exit 1
ask() { curl -s -D "$2.h" -o "$2.json" "$routed/v1/chat/completions" -d "{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"; }
ask llama rt1; ask llama rt2
check "routing: llama on m1 then m2"      bash -c "grep -qi '^x-gateway-backend: m1' rt1.h && grep -qi '^x-gateway-backend: m2' rt2.h"
ask fast rt3
check "routing: alias fast is qwen on m3" bash -c "grep -qi '^x-gateway-backend: m3' rt3.h && grep -q '\"content\":\"from m3\"' rt3.json"
ask vendor-model rt4
check "routing: prompt API as a completion" bash -c "grep -q '\"content\":\"from the vendor\"' rt4.json && grep -q '\"object\":\"chat.completion\"' rt4.json"
ask gpt-9 rt5
check "routing: unknown model 404"        bash -c "grep -q 'HTTP/1.1 404' rt5.h && grep -q '\"code\":\"model_not_found\"' rt5.json"
curl -s "$routed/v1/models" -o rtm.json
check "routing: /v1/models lists pools and aliases" bash -c "grep -q '\"id\":\"llama\"' rtm.json && grep -q '\"id\":\"fast\",.*\"alias_of\":\"qwen\"' rtm.json"
kill "$m2_pid"; wait "$m2_pid" 2>/dev/null
for i in $(seq 1 12); do ask llama "kill-$i"; done
check "routing: a killed backend costs no request" bash -c "for i in \$(seq 1 12); do grep -q 'HTTP/1.1 200' kill-\$i.h || exit 1; done"
curl -s -o adm0.json -w '%{http_code}' "$routed/admin/backends" >adm0.code
curl -s "$routed/admin/backends" -H 'Authorization: Bearer sk-e2e-admin' -o adm.json
check "admin: 401 without its key"        has adm0.code 401
check "admin: the killed backend ejected" bash -c "tr -d '\n' <adm.json | grep -q '\"name\":\"m2\",\"state\":\"ejected\"'"
check "admin: no key in the answer"       lacks adm.json 'sk-e2e'
curl -s -o adm404.json -w '%{http_code}' "$proxy/admin/backends" >adm404.code
check "admin: 404 without ADMIN_API_KEY"  has adm404.code 404
curl -s "$routed/readyz" -o rrz.json
check "/readyz: lists each backend"       bash -c "grep -q '\"backends\":\[{\"name\":\"m1\",\"state\":\"available\"' rrz.json"
check "log: backend and attempts"         eventually bash -c "grep -q '\"backend\":\"m1\",\"attempts\":1' routed.log"

# The web pages, and a key made in the admin API that outlives a restart, with its usage.
admin=(-H 'Authorization: Bearer sk-e2e-admin')
store_file="$work/store/keys.json"
PORT=0 ECHO_TOKEN_DELAY_MS=0 ADMIN_API_KEY=sk-e2e-admin KEYS_FILE="$store_file" start store store gateway_started || exit 1
curl -s -D page.h --compressed "$store/" -o page.html
check "pages: / is the playground"        bash -c "grep -qi '^content-type: text/html' page.h && grep -qi '<title>' page.html"
check "pages: strict CSP, gzipped"        bash -c "grep -qi \"^content-security-policy: default-src 'none'.*require-trusted-types-for 'script'\" page.h && grep -qi '^content-encoding: gzip' page.h"
for path in /console /docs /openapi.json; do curl -s -o /dev/null -w '%{http_code}\n' "$store$path"; done >pages.codes
check "pages: /console, /docs, /openapi.json" test "$(tr -d '\n' <pages.codes)" = "200200200"
curl -s "${admin[@]}" "$store/admin/keys" -d '{"name":"e2e","limits":{"requests_per_minute":100}}' -o made.json
secret=$(sed -n 's/.*"key":"\(gw-[A-Za-z0-9]*\)".*/\1/p' made.json); key_id=$(sed -n 's/^{"id":"\(key_[0-9a-f]*\)".*/\1/p' made.json)
check "keys: created, secret shown once"  bash -c "test -n '$secret' && test -n '$key_id'"
check "keys: the file holds no secret"    bash -c "test -n '$secret' && ! grep -qF '$secret' '$store_file' && test \$(stat -c %a '$store_file') = 600"
curl -s -o kc1.json -w '%{http_code}' "$store/v1/chat/completions" -H "Authorization: Bearer $secret" -d "$chat" >kc1.code
check "keys: the new key works"           has kc1.code 200
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null
PORT=0 ECHO_TOKEN_DELAY_MS=0 ADMIN_API_KEY=sk-e2e-admin KEYS_FILE="$store_file" start store2 store2 gateway_started || exit 1
curl -s "${admin[@]}" "$store2/admin/usage?key=$key_id" -o used.json
check "keys: usage survives a restart"    has used.json '"by_key":[{"requests":1,"errors":0,"input_tokens":2,"output_tokens":3'
curl -s -X DELETE "${admin[@]}" "$store2/admin/keys/$key_id" -o /dev/null
curl -s "$store2/v1/chat/completions" -H "Authorization: Bearer $secret" -d "$chat" -o kc2.json
check "keys: revoked, then 401"           has kc2.json '"code":"invalid_api_key"'

# OpenTelemetry: a client's trace continued through the gateway to the mock, exported over
# OTLP/HTTP JSON to a collector that keeps what it receives (scripts/bench/OtlpSink.java).
trace=4bf92f3577b34da6a3ce929d0e0e4736
mkdir -p "$work/otlp"
"$JAVA" "$root/scripts/bench/OtlpSink.java" 0 "$work/otlp" >"$work/sink.log" 2>&1 &
pids+=($!)
collector=""
for _ in $(seq 1 100); do
  collector=$(sed -n 's/.*"event":"otlp_sink_started","url":"\([^"]*\)".*/\1/p' "$work/sink.log")
  [ -n "$collector" ] && break; sleep 0.1
done
PORT=0 BACKEND_URL="$mock" OTEL_EXPORTER_OTLP_ENDPOINT="$collector" OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20e2e-otlp" \
  OTEL_SERVICE_NAME=e2e-gateway start traced traced gateway_started || exit 1
curl -s -D ot.h "$traced/v1/chat/completions" -H "traceparent: 00-$trace-00f067aa0ba902b7-01" -H 'X-Request-ID: otel-1' -d "$chat" -o ot.json
check "trace: traceresponse continues the client's trace" grep -qiE "^traceresponse: 00-$trace-[0-9a-f]{16}-01" ot.h
check "trace: the log line has the trace id" eventually grep -q "\"request_id\":\"otel-1\",\"trace_id\":\"$trace\"" traced.log
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null   # a stop sends what is queued, and the metrics once more
check "otlp: spans posted to /v1/traces"  bash -c "grep -l '^POST /v1/traces' '$work'/otlp/*.txt"
check "otlp: the auth header sent"        bash -c "grep -qi '^authorization: \[Bearer e2e-otlp\]' '$work'/otlp/1.txt"
check "otlp: service.name"                bash -c "cat '$work'/otlp/*.json | grep -q '\"key\":\"service.name\",\"value\":{\"stringValue\":\"e2e-gateway\"}'"
check "otlp: the chat's server span"      bash -c "cat '$work'/otlp/*.json | grep -q '\"traceId\":\"$trace\",\"spanId\":\"[0-9a-f]*\",\"parentSpanId\":\"00f067aa0ba902b7\",\"name\":\"chat demo\",\"kind\":2'"
check "otlp: the backend call's span"     bash -c "cat '$work'/otlp/*.json | grep -q '\"name\":\"chat demo\",\"kind\":3'"
check "otlp: GenAI metrics"               bash -c "grep -l '^POST /v1/metrics' '$work'/otlp/*.txt && cat '$work'/otlp/*.json | grep -q '\"name\":\"gen_ai.server.request.duration\"'"
OTEL_EXPORTER_OTLP_PROTOCOL=grpc "$JAVA" -jar "$jar" --env-file /dev/null >grpc.out 2>&1; echo $? >grpc.code
check "otlp: grpc is a clear start error" bash -c "grep -q '^2$' grpc.code && grep -q 'OTEL_EXPORTER_OTLP_PROTOCOL=grpc: only http/json is supported' grpc.out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
