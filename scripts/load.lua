-- wrk script of scripts/load: a mix of what a region's visitors do at once. Out of every 200
-- requests one is a sign-in (Argon2id makes it the dearest), 10 are sync pushes of 5 ratings each
-- (events nobody rated yet, numbered per thread so no two pushes rate the same one), the rest
-- are public pages and the open data API.
--
-- Arguments (after --): session cookie, event number prefix, origin.
-- wrk answers requests out of order across a thread's connections, so what came back is told by
-- the response itself, not by which request was sent last.

local pages = {
  "/", "/bodies", "/kinds", "/kinds/chs-nadzor", "/kinds/chs-nadzor/requirements",
  "/kinds/chs-nadzor/faq", "/search?q=%D0%BF%D0%BE%D0%B6%D0%B0%D1%80%D0%BD", "/ratings",
  "/ratings/feedback", "/news", "/risk", "/about", "/api/v1/control-kinds",
  "/api/v1/ratings/bodies", "/api/v1/search?q=%D0%BB%D0%B5%D1%81",
}

local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

local cookie, prefix, origin
local n, pushed = 0, 0
-- Globals, so that done() can read them from each thread.
signed_in, applied, not_applied, failed = 0, 0, 0, 0
-- Failed requests by status: too many requests, unavailable, other 5xx, other 4xx.
e429, e503, e5xx, e4xx = 0, 0, 0, 0
local login_body = '{"email":"business@demo.knd.local","password":"demo-password-2026"}'
local criteria = { "courtesy", "competence", "procedure", "clarity", "usefulness" }

function init(args)
  cookie, prefix, origin = args[1], args[2], args[3]
  math.randomseed(os.time() * 1000 + number)
end

-- A version 7 UUID: milliseconds, then randomness (the server keeps op ids for exactly-once).
local function uuid7()
  local ms = math.floor(os.time() * 1000)
  local hex = string.format("%012x", ms)
  local function rand(k)
    local s = ""
    for _ = 1, k do s = s .. string.format("%x", math.random(0, 15)) end
    return s
  end
  return string.format("%s-%s-7%s-%s%s-%s", hex:sub(1, 8), hex:sub(9, 12), rand(3),
    string.format("%x", math.random(8, 11)), rand(3), rand(12))
end

local function push_body()
  local ops = {}
  for _ = 1, 5 do
    pushed = pushed + 1
    local event = string.format("%s%02d%014d", prefix, number, pushed)
    local scores = {}
    for _, c in ipairs(criteria) do
      table.insert(scores, string.format('{"criterion":"%s","score":8}', c))
    end
    table.insert(ops, string.format(
      '{"op_id":"%s","kind":"rating.submit","payload":{"side":"business",' ..
      '"event":{"by":"register","number":"%s"},"scores":[%s],"comment":""}}',
      uuid7(), event, table.concat(scores, ",")))
  end
  return '{"ops":[' .. table.concat(ops, ",") .. ']}'
end

function request()
  n = n + 1
  local slot = n % 200
  if slot == 0 then
    return wrk.format("POST", "/api/session/login",
      { ["Content-Type"] = "application/json", ["Origin"] = origin }, login_body)
  elseif slot % 20 == 1 then
    return wrk.format("POST", "/api/sync/push",
      { ["Content-Type"] = "application/json", ["Origin"] = origin, ["Cookie"] = cookie },
      push_body())
  end
  return wrk.format("GET", pages[n % #pages + 1])
end

function response(status, headers, body)
  if status >= 400 then
    failed = failed + 1
    if status == 429 then e429 = e429 + 1
    elseif status == 503 then e503 = e503 + 1
    elseif status >= 500 then e5xx = e5xx + 1
    else e4xx = e4xx + 1 end
    return
  end
  if body:find('"user_id"', 1, true) then signed_in = signed_in + 1 end
  local _, ok = body:gsub('"status":"applied"', "")
  applied = applied + ok
  local _, other = body:gsub('"status":"', "")
  not_applied = not_applied + other - ok
end

function done(summary, latency, requests)
  local totals = { signed_in = 0, applied = 0, not_applied = 0, failed = 0,
                   e429 = 0, e503 = 0, e5xx = 0, e4xx = 0 }
  for _, thread in ipairs(threads) do
    for key in pairs(totals) do totals[key] = totals[key] + thread:get(key) end
  end
  local errors = summary.errors
  io.write(string.format("LOAD requests=%d seconds=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f " ..
    "http_errors=%d http_429=%d http_503=%d http_5xx=%d http_4xx=%d socket_errors=%d " ..
    "sign_ins=%d applied=%d not_applied=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, totals.failed,
    totals.e429, totals.e503, totals.e5xx, totals.e4xx,
    errors.connect + errors.read + errors.write + errors.timeout,
    totals.signed_in, totals.applied, totals.not_applied))
end
