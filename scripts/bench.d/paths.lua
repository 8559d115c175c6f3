-- GET a random path from the file $BENCH_PATHS (one path per line) on
-- every request.
dofile(os.getenv("BENCH_D") .. "/report.lua")

local reqs = {}

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if line ~= "" then table.insert(reqs, wrk.format("GET", line)) end
  end
  if #reqs == 0 then error("no paths in " .. os.getenv("BENCH_PATHS")) end
end

function request()
  return reqs[math.random(#reqs)]
end
