-- wrk script for the API benchmarks: POSTs JSON bodies, checks responses, reports JSON.
--
-- WRK_BODIES  a file of request bodies, one JSON document a line, sent in turn
-- WRK_ACCEPT  the Accept header (default application/json)
-- WRK_CHECK   if set, every response must be a 200 whose body has "data" and no "errors";
--             the others are counted as `bad` (this makes wrk read every body)
-- WRK_NONCE   if set, every __NONCE__ in a body is replaced by a value unique to the
--             request, so that no two requests are the same (no cache can answer them)
--
-- At the end prints one line: WRK_JSON {...} with counts and latency percentiles (us).

local bodies = {}
for line in assert(io.open(os.getenv("WRK_BODIES"), "rb")):lines() do
  if #line > 0 then bodies[#bodies + 1] = line end
end
assert(#bodies > 0, "WRK_BODIES holds no body")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = os.getenv("WRK_ACCEPT") or "application/json"

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

local nonce = os.getenv("WRK_NONCE")

function init(args)
  next_body = id   -- threads start at different bodies
  sent = 0
  bad = 0
  checked = 0
end

function request()
  next_body = next_body % #bodies + 1
  local body = bodies[next_body]
  if nonce then
    sent = sent + 1
    body = body:gsub("__NONCE__", id .. "-" .. sent)
  end
  return wrk.format(nil, nil, nil, body)
end

if os.getenv("WRK_CHECK") then
  function response(status, headers, body)
    checked = checked + 1
    if status ~= 200 or not body:find('"data"', 1, true) or body:find('"errors"', 1, true) then
      bad = bad + 1
    end
  end
end

function done(summary, latency, requests)
  local bad_total, checked_total = 0, 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    checked_total = checked_total + thread:get("checked")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d,"checked":%d,"bad":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, checked_total, bad_total,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
