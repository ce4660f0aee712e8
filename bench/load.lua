-- wrk script for bench/load.py: cycles through the paths listed in the file named by
-- LOAD_PATHS (one per line) and counts the answers by HTTP status across all threads.

local paths = {}
for line in io.lines(os.getenv("LOAD_PATHS")) do
  if line ~= "" then table.insert(paths, line) end
end

local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

local counter = 0
statuses = {}

function request()
  counter = counter + 1
  return wrk.format("GET", paths[((counter + offset * 7) % #paths) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  io.write("STATUSES")
  for status, count in pairs(total) do io.write(string.format(" %d=%d", status, count)) end
  io.write("\n")
  io.write(string.format("LATENCY_US p50=%d p99=%d max=%d\n",
    latency:percentile(50), latency:percentile(99), latency.max))
  local errors = summary.errors
  io.write(string.format(
    "SUMMARY requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, errors.connect, errors.read, errors.write,
    errors.timeout))
end
