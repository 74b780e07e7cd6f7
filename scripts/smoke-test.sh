#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Smoke test of a deployed shop, run by scripts/setup.sh, scripts/deploy.sh
# and the deploy workflows during the blue/green bake time (a failure rolls
# the service back). It walks the whole checkout path and leaves nothing a
# customer or the books can see:
#   1. GET  /api/products?limit=1 answers 200 with at least one item
#      (retried while new tasks warm up, SMOKE_WAIT_SECONDS, default 90,
#      every SMOKE_POLL_SECONDS, default 3);
#   2. a product with stock is found in the catalog and its stock read
#      (GET /api/products/{id});
#   3. POST /api/orders with an Idempotency-Key and the DECLINE test card
#      4000 0000 0000 0002 answers 402 card_declined with the order
#      PAYMENT_DECLINED: order-service recorded the order, reserved the stock
#      at product-service (/internal), the payment was declined and the
#      reservation released (a request without an answer within
#      SMOKE_REQUEST_TIMEOUT, default 10 s, answered 409
#      request_in_progress while the first try still runs, or 503
#      service_unavailable while a dependency is down, is sent again
#      with the same key after SMOKE_POLL_SECONDS, up to
#      SMOKE_CHECKOUT_TRIES tries in all, default 6: never a second order
#      for one key; only when order-service answers 409 order_cancelled (a
#      dependency stayed down until its reconciler cancelled the paused
#      checkout: nothing charged, the stock released) does the test start
#      over once with a new key, as that answer tells a client to do);
#   4. GET /api/orders/{id} with the answer's access token (X-Order-Token)
#      reads that order back: PAYMENT_DECLINED, outcome card_declined;
#   5. the product's stock is what it was before (retried for
#      SMOKE_STOCK_WAIT_SECONDS, default 15, every SMOKE_STOCK_POLL_SECONDS,
#      default 1: reads are cached and refreshed on PostgreSQL NOTIFY).
# What it leaves: one PAYMENT_DECLINED order of smoke-test@example.com per
# run and the payment simulator's record of the declined attempt (nothing
# charged, no stock moved), and the CANCELLED order of a first attempt that
# order-service gave up on. No secret is needed.
#
# Usage: scripts/smoke-test.sh BASE_URL
# Needs curl and jq. Exit 0 when every step passes, 1 otherwise, 2 on a
# usage error.
set -euo pipefail

# shellcheck source=lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/help.sh"
usage() { script_help "$0"; }

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
STOCK_WAIT_SECONDS="${SMOKE_STOCK_WAIT_SECONDS:-15}"
POLL_SECONDS="${SMOKE_POLL_SECONDS:-3}"
STOCK_POLL_SECONDS="${SMOKE_STOCK_POLL_SECONDS:-1}"
TIMEOUT="${SMOKE_REQUEST_TIMEOUT:-10}"
CHECKOUT_TRIES="${SMOKE_CHECKOUT_TRIES:-6}"
[[ "$CHECKOUT_TRIES" =~ ^[1-9][0-9]*$ ]] || { echo "smoke-test: SMOKE_CHECKOUT_TRIES is not a positive number: ${CHECKOUT_TRIES}" >&2; exit 2; }
DECLINE_CARD="4000000000000002"
CUSTOMER_EMAIL="smoke-test@example.com"
BODY="$(mktemp)"
CURL_ERR="$(mktemp)"
trap 'rm -f "$BODY" "$CURL_ERR"' EXIT

pass() { printf 'PASS %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*" >&2; exit 1; }

# request METHOD PATH [curl args...]: the body goes to $BODY, the status to
# stdout (000 when no answer came: curl's reason is then in $BODY).
request() {
  local method="$1" path="$2" code
  shift 2
  : >"$BODY"
  code="$(curl --silent --show-error --max-time "$TIMEOUT" --request "$method" \
    --output "$BODY" --write-out '%{http_code}' "$@" "${BASE_URL}${path}" 2>"$CURL_ERR")" || code=000
  if [ "$code" = 000 ]; then
    cp "$CURL_ERR" "$BODY"
  fi
  echo "$code"
}

body_excerpt() { head -c 300 "$BODY" | tr '\n' ' '; }

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

# stock_of ID: the product's stock as the API shows it now.
stock_of() {
  local status
  status="$(request GET "/api/products/$1")"
  [ "$status" = 200 ] || fail "GET /api/products/$1: status ${status}, body: $(body_excerpt)"
  jq -er '.stock | numbers' "$BODY" 2>/dev/null || fail "GET /api/products/$1: no stock in $(body_excerpt)"
}

# 1. The catalog answers (new tasks may still be starting: retry).
deadline=$((SECONDS + WAIT_SECONDS))
while :; do
  status="$(request GET '/api/products?limit=1')"
  if [ "$status" = 200 ] && jq -e '(.items | type == "array") and (.items | length >= 1)' "$BODY" >/dev/null 2>&1; then
    break
  fi
  [ "$SECONDS" -lt "$deadline" ] || fail "GET /api/products?limit=1: status ${status}, body: $(body_excerpt) (an empty catalog: load it with scripts/lib/load_demo.py, as scripts/setup.sh does)"
  sleep "$POLL_SECONDS"
done
pass "GET /api/products?limit=1 -> 200 with items"

# 2. A product with stock (the first pages of the catalog), and its stock.
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
stock_before="$(stock_of "$product_id")"
pass "product ${product_id} has stock ${stock_before}"

# 3. A checkout with the decline test card: the whole saga, nothing charged.
key="$(new_uuid)"
order="$(jq -cn --argjson id "$product_id" --arg email "$CUSTOMER_EMAIL" --arg card "$DECLINE_CARD" \
  --argjson year "$(($(date -u +%Y) + 3))" '{
  customer: {email: $email, name: "Smoke Test (deployment check)"},
  items: [{product_id: $id, quantity: 1}],
  payment: {card_number: $card, exp_month: 12, exp_year: $year, cvc: "123"}
}')"
# No answer (a timeout on a busy host), 409 request_in_progress (the first
# try is still running at order-service) or 503: the same Idempotency-Key
# again after a pause, so a retry can never make a second order; 409
# order_cancelled: a new key, once.
started_over=0
for ((try = 1; try <= CHECKOUT_TRIES; try++)); do
  status="$(request POST /api/orders -H 'Content-Type: application/json' -H "Idempotency-Key: ${key}" --data "$order")"
  if [ "$status" = 000 ]; then
    printf 'no answer to POST /api/orders within %s s (try %s): again with the same Idempotency-Key\n' "$TIMEOUT" "$try"
  elif [ "$status" = 409 ] && jq -e '.error.code == "request_in_progress"' "$BODY" >/dev/null 2>&1; then
    printf 'POST /api/orders: the first try is still in progress (try %s): again in %s s with the same Idempotency-Key\n' "$try" "$POLL_SECONDS"
  elif [ "$status" = 503 ] && jq -e '.error.code == "service_unavailable"' "$BODY" >/dev/null 2>&1; then
    # order-service paused the checkout (a dependency did not answer) and
    # kept it for a retry with the same key.
    printf 'POST /api/orders: 503 %s (try %s): again in %s s with the same Idempotency-Key\n' \
      "$(jq -r '.error.message' "$BODY")" "$try" "$POLL_SECONDS"
  elif [ "$status" = 409 ] && [ "$started_over" = 0 ] &&
    jq -e '.error.code == "order_cancelled" and .order.status == "CANCELLED"' "$BODY" >/dev/null 2>&1; then
    # The paused checkout was cancelled (nothing charged, its stock
    # released): a new checkout with a new key, once.
    printf 'POST /api/orders: order %s was cancelled while a dependency was down (try %s): a new checkout with a new Idempotency-Key\n' \
      "$(jq -r '.order.id' "$BODY")" "$try"
    started_over=1
    key="$(new_uuid)"
    continue
  else
    break
  fi
  [ "$try" = "$CHECKOUT_TRIES" ] || sleep "$POLL_SECONDS"
done
[ "$status" = 402 ] || fail "POST /api/orders with the decline test card: status ${status} (expected 402 card_declined), body: $(body_excerpt)"
jq -e '.error.code == "card_declined" and .order.status == "PAYMENT_DECLINED"' "$BODY" >/dev/null 2>&1 ||
  fail "POST /api/orders: expected error card_declined and order PAYMENT_DECLINED, body: $(body_excerpt)"
order_id="$(jq -r '.order.id // empty' "$BODY")"
[[ "$order_id" =~ ^[0-9a-f-]{36}$ ]] || fail "POST /api/orders: no order id in $(body_excerpt)"
# The order's access token opens its page; it is never printed.
order_token="$(jq -r '.access_token // empty' "$BODY")"
[[ "$order_token" =~ ^[A-Za-z0-9_-]{43}$ ]] || fail "POST /api/orders: no access_token (43 base64url characters) in the 402 answer"
pass "POST /api/orders (decline test card) -> 402 card_declined, order ${order_id} PAYMENT_DECLINED (Idempotency-Key ${key})"

# 4. The order reads back as declined.
status="$(request GET "/api/orders/${order_id}" -H "X-Order-Token: ${order_token}")"
[ "$status" = 200 ] || fail "GET /api/orders/${order_id}: status ${status}, body: $(body_excerpt)"
jq -e '.status == "PAYMENT_DECLINED" and .payment.outcome == "card_declined"' "$BODY" >/dev/null 2>&1 ||
  fail "GET /api/orders/${order_id}: expected PAYMENT_DECLINED / card_declined, body: $(body_excerpt)"
pass "GET /api/orders/${order_id} -> PAYMENT_DECLINED, nothing charged"

# 5. The reservation was released: the stock is back where it was.
deadline=$((SECONDS + STOCK_WAIT_SECONDS))
while :; do
  stock_after="$(stock_of "$product_id")"
  [ "$stock_after" = "$stock_before" ] && break
  [ "$SECONDS" -lt "$deadline" ] || fail "product ${product_id}: stock ${stock_after} after the declined checkout, ${stock_before} before (the reservation was not released)"
  sleep "$STOCK_POLL_SECONDS"
done
pass "product ${product_id}: stock ${stock_after}, unchanged"
echo "smoke test passed: ${BASE_URL}"
