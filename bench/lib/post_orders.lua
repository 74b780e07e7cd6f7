-- wrk script: POST /api/orders with a unique Idempotency-Key per request.
-- The body comes from the ORDER_BODY environment variable.
local body = os.getenv("ORDER_BODY")
local prefix = "wrk-" .. os.time() .. "-" .. math.random(1, 1000000000) .. "-"
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("POST", "/api/orders",
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = prefix .. counter }, body)
end
