-- wrk script for scripts/bench.sh: POSTs one small chat completion request with an API
-- key, and prints one machine-readable RESULT line when the run is over.
-- BENCH_PAD_BYTES pads the prompt (to time large bodies); BENCH_API_KEY is the key.
local key = os.getenv("BENCH_API_KEY") or "bench-key"
local pad = tonumber(os.getenv("BENCH_PAD_BYTES") or "0")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.body = '{"model":"mock-model","messages":[{"role":"user","content":"Hello'
    .. string.rep("x", pad) .. '"}]}'

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d socket_errors=%d non2xx=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
