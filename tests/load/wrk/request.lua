-- wrk script for the benchmarks under tests/load (driven by tests/load/wrkbench.py).
-- Environment:
--   BENCH_METHOD   GET or POST (default GET)
--   BENCH_PATH     the request path (with its query)
--   BENCH_BODY     POST body; every "__KEY__" in it becomes this request's unique key
--   BENCH_KEYED    "1": each request also carries that key as its Idempotency-Key header
--   BENCH_RUN      a token unique to this run (keys never repeat across runs)
--   BENCH_HEADER   one extra "Name: value" header (e.g. If-None-Match)
-- done() prints one line "BENCH_JSON {...}" with the counts, per-status tallies and latency percentiles (us).

local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
local keyed = os.getenv("BENCH_KEYED") == "1"
local run = os.getenv("BENCH_RUN") or "run"
local extra = os.getenv("BENCH_HEADER")
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local counter = 0
local fixed = nil
statuses = {}

function init(args)
  if body == nil and not keyed then
    local headers = {}
    if extra then
      local name, value = extra:match("^([^:]+):%s*(.*)$")
      headers[name] = value
    end
    fixed = wrk.format(method, path, headers, nil)
  end
end

function request()
  if fixed then
    return fixed
  end
  counter = counter + 1
  local key = string.format("%s-%d-%d", run, tid, counter)
  local headers = {}
  if body then
    headers["Content-Type"] = "application/json"
  end
  if keyed then
    headers["Idempotency-Key"] = key
  end
  if extra then
    local name, value = extra:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  local payload = nil
  if body then
    payload = body:gsub("__KEY__", key)
  end
  return wrk.format(method, path, headers, payload)
end

function response(status, headers, resp_body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local tally = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do
      tally[code] = (tally[code] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(tally) do
    table.insert(parts, string.format('"%d": %d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "p50": %d, "p90": %d, "p99": %d, "max": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, table.concat(parts, ", ")))
end
