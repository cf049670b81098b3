-- wrk script for the Plexus bench: POSTs one JSON body and prints a machine-readable summary.
-- Usage: wrk ... -s bench/post.lua <url> -- <body file> [authorization header value]

function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["content-type"] = "application/json"
  if args[2] ~= nil and args[2] ~= "" then
    wrk.headers["authorization"] = args[2]
    wrk.headers["anthropic-version"] = "2023-06-01"
  end
end

-- Latency percentiles in microseconds; errors are connect/read/write/timeout plus non-2xx.
function done(summary, latency, requests)
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
