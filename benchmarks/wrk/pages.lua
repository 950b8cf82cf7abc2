-- A signed-in person reading a staff page, again and again.
--
-- Arguments (after "--"): <paths separated by "|", taken in turn> <session cookie> <log prefix>
-- Log lines: "G <us> <status> <bytes>".
local common = require("common")
setup = common.setup

local paths, cookie, log
local index, started = 0, 0

function init(args)
  paths = {}
  for item in args[1]:gmatch("[^|]+") do paths[#paths + 1] = item end
  cookie = args[2]
  log = common.open_log(args[3])
  index = thread_id
end

function request()
  index = index % #paths + 1
  started = common.now_us()
  return wrk.format("GET", paths[index], { ["Cookie"] = cookie, ["Accept-Language"] = "fr" })
end

function response(status, headers, body)
  log:write("G ", math.floor(common.now_us() - started), " ", status, " ", #body, "\n")
end
