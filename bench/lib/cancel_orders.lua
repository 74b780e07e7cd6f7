-- wrk script: POST /api/orders/{id}/cancel (admin key), each order once.
-- CANCEL_IDS names a file of order ids, one per line; CANCEL_FIRST how many
-- of them earlier runs may have used; ADMIN_KEY the key. Past the last id
-- the script cycles; the benchmark checks it never did.
local ids = {}
for line in io.lines(os.getenv("CANCEL_IDS")) do
  ids[#ids + 1] = line
end
local auth = "Bearer " .. os.getenv("ADMIN_KEY")
local counter = tonumber(os.getenv("CANCEL_FIRST") or "0")

request = function()
  counter = counter + 1
  local id = ids[(counter - 1) % #ids + 1]
  return wrk.format("POST", "/api/orders/" .. id .. "/cancel", { ["Authorization"] = auth }, nil)
end
