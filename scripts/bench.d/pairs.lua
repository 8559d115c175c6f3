-- Deactivate/reactivate POST pairs. $BENCH_PAIRS has one line per clean
-- customer: "public_id deactivate_token reactivate_token". Thread k of
-- $BENCH_THREADS takes every k-th customer, so no two threads touch the
-- same customer; a thread posts the deactivations of all its customers,
-- then their reactivations, and so on. With far more customers per thread
-- than connections, a customer's reactivation is sent long after its
-- deactivation was answered, so each POST is a real state change.
-- Counts: ok = 303 with the "done" flash (deactivated / reactivated),
-- noop = 303 with "already_inactive" / "already_active", bad = anything
-- else.
dofile(os.getenv("BENCH_D") .. "/report.lua")

ok, noop, bad = 0, 0, 0
local deact, react = {}, {}
local i, phase = 0, 1
-- wrk 4 calls request() once on the first thread before the run, to check
-- the request (script_verify_request); that one is never sent, so it must
-- not advance the sequence.
local verify_pending = false

function init(args)
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  -- wrk.format() takes these instead of wrk.headers: copy those (auth, Host)
  local hdr = {}
  for k, v in pairs(wrk.headers) do hdr[k] = v end
  hdr["Content-Type"] = "application/x-www-form-urlencoded"
  local n = 0
  for line in io.lines(os.getenv("BENCH_PAIRS")) do
    local pid, dt, rt = line:match("^(%S+)%s+(%S+)%s+(%S+)")
    if pid then
      if n % nthreads == (tid or 1) - 1 then
        table.insert(deact, wrk.format("POST", "/customers/" .. pid .. "/deactivate", hdr,
                                       "csrf=" .. dt .. "&reason=data_cleanup"))
        table.insert(react, wrk.format("POST", "/customers/" .. pid .. "/reactivate", hdr,
                                       "csrf=" .. rt))
      end
      n = n + 1
    end
  end
  if #deact == 0 then error("no customers for thread " .. tostring(tid)) end
  verify_pending = (tid == 1)
end

function request()
  if verify_pending then
    verify_pending = false
    return deact[1]
  end
  i = i + 1
  if i > #deact then
    i = 1
    phase = 3 - phase
  end
  return phase == 1 and deact[i] or react[i]
end

function response(status, headers, body)
  if status == 303 then
    local c = headers["Set-Cookie"] or ""
    if c:find("flash=deactivated", 1, true) or c:find("flash=reactivated", 1, true) then
      ok = ok + 1
    else
      noop = noop + 1
    end
  else
    bad = bad + 1
  end
end
