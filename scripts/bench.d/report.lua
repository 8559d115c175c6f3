-- Shared by the wrk scripts of scripts/bench (loaded with dofile): numbers
-- the threads and prints one machine-readable summary line at the end.
--   BENCH requests=N duration_us=N rps=X p50_us=N p99_us=N status_errors=N
--         socket_errors=N ok=N noop=N bad=N
-- ok/noop/bad are only counted by scripts that define response().

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

local function sum(name)
  local n = 0
  for _, t in ipairs(threads) do
    local v = t:get(name)
    if type(v) == "number" then n = n + v end
  end
  return n
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.2f p50_us=%d p99_us=%d mean_us=%.0f max_us=%d " ..
    "status_errors=%d socket_errors=%d ok=%d noop=%d bad=%d\n",
    summary.requests, summary.duration, summary.requests / secs,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max,
    e.status, e.connect + e.read + e.write + e.timeout,
    sum("ok"), sum("noop"), sum("bad")))
end
