-- wrk script for bench/pages.py: cycle through a request list, one JSON summary line at the end.
--   wrk ... -s bench/rotate.lua http://127.0.0.1:PORT -- LIST_FILE CSRF_TOKEN [once]
-- Each line of LIST_FILE: method, path, body, cookie, authorization (tab-separated; all but the
-- first two may be empty). POSTs are forms with the CSRF header matching the cookie's token. Every request has
-- its own User-Agent, so the trace page counts each as a different visitor (its rate limit is
-- per visitor). With "once", each line is sent at most once (checkouts: one cart each); when
-- the list runs out the thread stops asking (wrk then idles until its time is up).

local threads = {}
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests = {}
local idx = 0
local sent = 0
local once = false
local csrf = ""
s2xx, s3xx, s4xx, s5xx, exhausted = 0, 0, 0, 0, 0

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = field end
  return fields
end

function init(args)
  local f = assert(io.open(args[1], "r"))
  for line in f:lines() do
    if #line > 0 then requests[#requests + 1] = split(line) end
  end
  f:close()
  csrf = args[2] or ""
  once = args[3] == "once"
  if not once then idx = ((tid or 1) * 7919) % #requests end
end

function request()
  sent = sent + 1
  if once and sent > #requests then
    exhausted = exhausted + 1
    return wrk.format("HEAD", "/healthz")
  end
  idx = idx % #requests + 1
  local r = requests[idx]
  local headers = { ["User-Agent"] = "bench-visitor/" .. tostring(tid) .. "-" .. tostring(sent) }
  if r[4] and #r[4] > 0 then headers["Cookie"] = r[4] end
  if r[5] and #r[5] > 0 then headers["Authorization"] = r[5] end
  local body = nil
  if r[1] == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["X-CSRFToken"] = csrf
    if not headers["Cookie"] then headers["Cookie"] = "csrftoken=" .. csrf end
    body = r[3]
  end
  return wrk.format(r[1], r[2], headers, body)
end

function response(status, hdrs, resp_body)
  if status < 300 then s2xx = s2xx + 1
  elseif status < 400 then s3xx = s3xx + 1
  elseif status < 500 then s4xx = s4xx + 1
  else s5xx = s5xx + 1 end
end

function done(summary, latency, requests)
  local c = {0, 0, 0, 0, 0}
  for _, t in ipairs(threads) do
    c[1] = c[1] + t:get("s2xx")
    c[2] = c[2] + t:get("s3xx")
    c[3] = c[3] + t:get("s4xx")
    c[4] = c[4] + t:get("s5xx")
    c[5] = c[5] + t:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"status_classes":{"2xx":%d,"3xx":%d,"4xx":%d,"5xx":%d},"exhausted":%d,' ..
    '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    c[1], c[2], c[3], c[4], c[5],
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99)))
end
