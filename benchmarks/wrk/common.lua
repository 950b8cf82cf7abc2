-- Shared by the load scripts: a monotonic clock (LuaJIT's FFI) and one log file per wrk thread.
--
-- Every script is run with as many threads as connections (wrk -t N -c N): each thread then holds one
-- connection, its requests and responses alternate, and the response to a GET is the page that the thread's
-- next request acts on. wrk gives Lua no clock, so each request's latency is measured here and written to the
-- thread's log, one line per response: "<G|P> <microseconds> <status> <flag>". benchmarks/load.py reads them.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } qms_timespec;
int clock_gettime(int clk_id, qms_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local spec = ffi.new("qms_timespec[1]")

local common = {}

function common.now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, spec)
  return tonumber(spec[0].tv_sec) * 1000000 + tonumber(spec[0].tv_nsec) / 1000
end

-- setup() runs in the main Lua state, once per thread: number the threads so each opens its own log.
local counter = 0
function common.setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function common.open_log(prefix)
  local file = assert(io.open(prefix .. "-" .. tostring(thread_id) .. ".log", "w"))
  -- wrk exits without closing the threads' Lua states: a line-buffered file loses nothing.
  file:setvbuf("line")
  return file
end

return common
