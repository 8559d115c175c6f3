-- One URL (the one on the wrk command line); only the summary line added.
dofile(os.getenv("BENCH_D") .. "/report.lua")
