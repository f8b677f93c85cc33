-- wrk script: each connection cycles through the paths given after `--`, so the page and every
-- API share the load; done() prints one JSON line with the totals and latency percentiles.
local paths = {}
local counter = 0

function init(args)
  for i, path in ipairs(args) do
    paths[i] = path
  end
  -- Threads start at different points of the cycle.
  counter = math.random(#paths)
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, '
      .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max
  ))
end
