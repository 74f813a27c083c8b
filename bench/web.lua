-- wrk script for bench/web.py: each request is a path drawn at random from a file (one path a
-- line, written by bench/web.py); the run ends by printing one JSON line with the latency
-- percentiles in milliseconds and how the server answered the counts and facets (read from each
-- response's Server-Timing header: counts;desc="from the build's columns/from the memo/by SQL").
-- A cookie (the CSRF cookie a browser keeps after its first page) is sent with every request.
--     wrk -t1 -c20 -d10s -s bench/web.lua http://127.0.0.1:8000 -- PATHS_FILE SEED [COOKIE]
local threads = {}
local paths = {}
columns, memo, sql = 0, 0, 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(tonumber(args[2] or "1"))
  if args[3] then
    wrk.headers["Cookie"] = args[3]
  end
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  local timing = headers["server-timing"] or headers["Server-Timing"]
  if timing then
    local c, m, s = string.match(timing, 'counts;desc="(%d+)/(%d+)/(%d+)"')
    if c then
      columns = columns + tonumber(c)
      memo = memo + tonumber(m)
      sql = sql + tonumber(s)
    end
  end
end

function done(summary, latency, requests)
  local c, m, s = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("columns")
    m = m + thread:get("memo")
    s = s + thread:get("sql")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, "mean": %.3f, "max": %.3f, ' ..
    '"columns": %d, "memo": %d, "sql": %d, "non_2xx": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000, latency.max / 1000, c, m, s,
    e.status, e.connect + e.read + e.write, e.timeout))
end
