#!/usr/bin/env bash
# Smoke test of a deployed shop, run by scripts/deploy.sh and the deploy
# workflows during the blue/green bake time (a failure rolls the service back):
#   1. GET  BASE_URL/api/products?limit=1 answers 200 with at least one item
#      (retried while the new tasks warm up, SMOKE_WAIT_SECONDS, default 90);
#   2. a product with stock is looked up in the catalog;
#   3. POST BASE_URL/api/orders with an Idempotency-Key and the test card
#      4242 4242 4242 4242 answers 201 with "status":"CONFIRMED".
# The order is real: it takes one unit of stock, like a customer's would.
#
# Usage: scripts/smoke-test.sh BASE_URL
# Needs curl and jq. Exit 0 when every step passes, 1 otherwise.
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
esac
BASE_URL="${1%/}"
[[ "$BASE_URL" =~ ^https?://[^[:space:]]+$ ]] || { echo "smoke-test: not an http(s) URL: $1" >&2; exit 2; }
for tool in curl jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "smoke-test: '$tool' is not installed" >&2; exit 2; }
done

WAIT_SECONDS="${SMOKE_WAIT_SECONDS:-90}"
TIMEOUT="${SMOKE_REQUEST_TIMEOUT:-10}"
BODY="$(mktemp)"
trap 'rm -f "$BODY"' EXIT

pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*" >&2; exit 1; }

# request METHOD PATH [curl args...]: the body goes to $BODY, the status to stdout.
request() {
  local method="$1" path="$2"
  shift 2
  curl --silent --show-error --max-time "$TIMEOUT" --request "$method" \
    --output "$BODY" --write-out '%{http_code}' "$@" "${BASE_URL}${path}" 2>/dev/null || echo 000
}

new_uuid() {
  if [ -r /proc/sys/kernel/random/uuid ]; then
    cat /proc/sys/kernel/random/uuid
  elif command -v uuidgen >/dev/null 2>&1; then
    uuidgen | tr '[:upper:]' '[:lower:]'
  else
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n' |
      sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12})$/\1-\2-\3-\4-\5/'
  fi
}

# 1. The catalog answers (new tasks may still be starting: retry).
deadline=$((SECONDS + WAIT_SECONDS))
while :; do
  status="$(request GET '/api/products?limit=1')"
  if [ "$status" = 200 ] && jq -e '(.items | type == "array") and (.items | length >= 1)' "$BODY" >/dev/null 2>&1; then
    break
  fi
  [ "$SECONDS" -lt "$deadline" ] || fail "GET /api/products?limit=1: status ${status}, body: $(head -c 300 "$BODY")"
  sleep 3
done
pass "GET /api/products?limit=1 -> 200 with items"

# 2. A product with stock (the first pages of the catalog).
product_id=""
cursor=""
for _ in 1 2 3 4 5; do
  path='/api/products?limit=100'
  [ -n "$cursor" ] && path+="&cursor=${cursor}"
  status="$(request GET "$path")"
  [ "$status" = 200 ] || fail "GET ${path}: status ${status}"
  product_id="$(jq -r '[.items[] | select((.stock // 0) > 0)][0].id // empty' "$BODY")"
  [ -n "$product_id" ] && break
  cursor="$(jq -r '.next_cursor // empty' "$BODY")"
  [ -n "$cursor" ] || break
done
[ -n "$product_id" ] || fail "no product with stock in the catalog"
[[ "$product_id" =~ ^[0-9]+$ ]] || fail "product id is not a number: ${product_id}"
pass "product ${product_id} has stock"

# 3. A checkout with the test card.
key="$(new_uuid)"
order="$(jq -cn --argjson id "$product_id" '{
  customer: {email: "smoke@example.com", name: "Smoke Test"},
  items: [{product_id: $id, quantity: 1}],
  payment: {card_number: "4242424242424242", exp_month: 12, exp_year: 2030, cvc: "123"}
}')"
status="$(request POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: ${key}" --data "$order")"
[ "$status" = 201 ] || fail "POST /api/orders: status ${status} (expected 201), body: $(head -c 300 "$BODY")"
order_status="$(jq -r '.status // empty' "$BODY")"
[ "$order_status" = CONFIRMED ] || fail "POST /api/orders: status \"${order_status}\" (expected CONFIRMED)"
pass "POST /api/orders -> 201 CONFIRMED (order $(jq -r '.id // "?"' "$BODY"), Idempotency-Key ${key})"
echo "smoke test passed: ${BASE_URL}"
