-- One simulated person per turn: GET the form, then POST it filled in, with the CSRF cookie and every hidden
-- field of that page (the CSRF token, the fill-time stamp …) parsed from it, as a browser sends them.
--
-- Arguments (after "--"): <form path> <form marker> <mode> <log prefix>
--   form marker: the value of the form's data-form attribute (the page may hold other forms).
--   mode: "complaint" (the public form, multipart like a browser) or "ceiling" (the bare one-insert view).
-- Log lines: "G <us> <status> -" for the GET, "P <us> <status> <e|->" for the POST (e: an email was given).
local common = require("common")
setup = common.setup

local path, marker, mode, log
local state = "get"          -- what the next request is
local started = 0
local cookie, hidden = nil, nil
local sent_email = false
local turn = 0
local concerned = nil        -- the option values of the "concerned" list, parsed once

-- The choices offered by the form, read from the first page (and the form as the person sees it).
local kinds, categories = nil, nil
local WHAT = { "La salle", "Le distributeur", "L'emploi du temps", "Le chauffage", "La plateforme de cours",
  "Le secrétariat", "La bibliothèque", "Le parking", "La cafétéria", "Le réseau wifi" }
local ISSUE = { "ne fonctionne pas", "est fermé sans prévenir", "change sans arrêt", "est en panne depuis lundi",
  "affiche des informations fausses", "n'est pas accessible en fauteuil", "mériterait d'ouvrir plus tard" }
local WHERE = { "bâtiment A", "bâtiment B", "amphi Pasteur", "campus centre", "site de la Doua", "IUT" }
local BOUNDARY = "----qmsloadtestboundary7MA4YWxkTrZu0gW"

function init(args)
  path, marker, mode = args[1], args[2], args[3]
  log = common.open_log(args[4])
  math.randomseed(thread_id * 7919)
end

local function pick(list)
  return list[math.random(#list)]
end

local function urlencode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function attribute(tag, name)
  return tag:match(name .. '="([^"]*)"')
end

-- The hidden inputs of the form marked data-form="<marker>", and the csrftoken cookie.
local function read_form(headers, body)
  local start = body:find('data-form="' .. marker .. '"', 1, true)
  if not start then return nil end
  local stop = body:find("</form>", start, true) or #body
  local form = body:sub(start, stop)
  local fields = {}
  for tag in form:gmatch("<input[^>]-type=\"hidden\"[^>]*>") do
    local name = attribute(tag, "name")
    if name then fields[#fields + 1] = { name, attribute(tag, "value") or "" } end
  end
  if mode == "complaint" and concerned == nil then
    concerned, kinds, categories = {}, {}, {}
    for value in form:gmatch('<option value="([pu]:%d+)"') do concerned[#concerned + 1] = value end
    for value in form:gmatch('name="kind" value="([^"]+)"') do kinds[#kinds + 1] = value end
    local select = form:match('<select name="requester_category".-</select>') or ""
    for value in select:gmatch('<option value="([^"]+)"') do categories[#categories + 1] = value end
    -- Students file most requests.
    for _ = 1, 3 do categories[#categories + 1] = "student" end
  end
  local set_cookie = headers["Set-Cookie"] or headers["set-cookie"] or ""
  return fields, set_cookie:match("csrftoken=([^;]+)")
end

local function multipart(fields)
  local parts = {}
  for _, field in ipairs(fields) do
    parts[#parts + 1] = "--" .. BOUNDARY .. '\r\nContent-Disposition: form-data; name="' .. field[1] .. '"\r\n\r\n'
      .. field[2] .. "\r\n"
  end
  -- A browser sends the empty file input too.
  parts[#parts + 1] = "--" .. BOUNDARY
    .. '\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\n'
    .. "Content-Type: application/octet-stream\r\n\r\n\r\n"
  parts[#parts + 1] = "--" .. BOUNDARY .. "--\r\n"
  return table.concat(parts)
end

local function complaint_body()
  turn = turn + 1
  local fields = {}
  for _, field in ipairs(hidden) do fields[#fields + 1] = field end
  local what, issue, where = pick(WHAT), pick(ISSUE), pick(WHERE)
  sent_email = math.random() < 0.8
  local person = "Personne " .. thread_id .. "-" .. turn
  fields[#fields + 1] = { "kind", pick(kinds) }
  fields[#fields + 1] = { "requester_category", pick(categories) }
  fields[#fields + 1] = { "sensitive_nature", "" }
  fields[#fields + 1] = { "name", math.random() < 0.75 and person or "" }
  fields[#fields + 1] = { "email", sent_email and ("personne." .. thread_id .. "." .. turn .. "@example.org") or "" }
  fields[#fields + 1] = { "concerned", (concerned and #concerned > 0 and math.random() < 0.7) and pick(concerned) or "" }
  fields[#fields + 1] = { "subject", what .. " " .. issue .. " (" .. where .. ")" }
  fields[#fields + 1] = { "description", what .. " " .. issue .. ", " .. where .. ". Constaté le " ..
    math.random(1, 28) .. "/" .. math.random(1, 12) .. " vers " .. math.random(8, 18) .. " h. " ..
    string.rep("Merci de faire le nécessaire rapidement. ", math.random(1, 6)) }
  fields[#fields + 1] = { "website", "" }
  return multipart(fields), "multipart/form-data; boundary=" .. BOUNDARY
end

local function ceiling_body()
  turn = turn + 1
  local pairs_ = {}
  for _, field in ipairs(hidden) do pairs_[#pairs_ + 1] = urlencode(field[1]) .. "=" .. urlencode(field[2]) end
  pairs_[#pairs_ + 1] = "text=" .. urlencode(pick(WHAT) .. " " .. pick(ISSUE) .. " " .. thread_id .. "-" .. turn)
  sent_email = false
  return table.concat(pairs_, "&"), "application/x-www-form-urlencoded"
end

function request()
  started = common.now_us()
  if state == "post" then
    local body, content_type
    if mode == "complaint" then body, content_type = complaint_body() else body, content_type = ceiling_body() end
    return wrk.format("POST", path, {
      ["Content-Type"] = content_type,
      ["Cookie"] = "csrftoken=" .. cookie,
      ["Accept-Language"] = "fr",
    }, body)
  end
  -- A new person: no cookie yet.
  return wrk.format("GET", path, { ["Accept-Language"] = "fr" })
end

function response(status, headers, body)
  local elapsed = common.now_us() - started
  if state == "post" then
    log:write("P ", math.floor(elapsed), " ", status, " ", sent_email and "e" or "-", "\n")
    state = "get"
    return
  end
  log:write("G ", math.floor(elapsed), " ", status, " -\n")
  if status == 200 then
    local fields, token = read_form(headers, body)
    if fields and token then
      hidden, cookie, state = fields, token, "post"
    end
  end
end
