#!/usr/bin/env bash
# Runs the storefront scenarios in headless Chromium against a running shop.
#
#   BASE_URL=http://localhost:8080 ADMIN_API_KEY=... tests/browser/run-browser-tests.sh [catalog|orders|lifecycle|all]
#
# catalog: browse and search, a 360 px screen, the admin page (storefront +
#          product-service); orders: checkout, declined card, sell-out,
#          order status (needs order-service too); lifecycle: a customer
#          cancels from "My order", an admin filters the order desk, fulfils
#          and refunds, and retries a refused refund (order-service's
#          lifecycle operations); all (default): the three.
# Environment: BASE_URL (default http://localhost:8080), ADMIN_API_KEY
# (required), SCREENSHOT_DIR (default build/screenshots at the repository
# root), CHROMIUM_PATH (default /usr/bin/chromium).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

die() {
  echo "run-browser-tests: $*" >&2
  exit 1
}

ensure_chromium() {
  local chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  [ -x "$chromium" ] && return 0
  [ "$(id -u)" -eq 0 ] || die "${chromium} is missing: install Debian's chromium package"
  echo "== installing chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
}

ensure_modules() {
  local stamp=node_modules/.installed-lock-sha256 hash
  hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ -d node_modules ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    return 0
  fi
  echo "== npm ci"
  npm ci --no-audit --no-fund --prefer-offline
  echo "$hash" >"$stamp"
}

suite="${1:-all}"
case "$suite" in
  catalog) files=(scenarios/catalog.test.mjs) ;;
  orders) files=(scenarios/orders.test.mjs) ;;
  lifecycle) files=(scenarios/order-lifecycle.test.mjs) ;;
  all) files=(scenarios/catalog.test.mjs scenarios/orders.test.mjs scenarios/order-lifecycle.test.mjs) ;;
  *) die "unknown suite '${suite}' (catalog, orders, lifecycle or all)" ;;
esac

export BASE_URL="${BASE_URL:-http://localhost:8080}"
[ -n "${ADMIN_API_KEY:-}" ] || die "ADMIN_API_KEY is not set (scripts/run.sh prints it and keeps it in .local/admin_api_key)"
curl -fsS -o /dev/null --max-time 5 "${BASE_URL}/" || die "nothing answers at ${BASE_URL}/ (start the stack with scripts/run.sh)"

ensure_chromium
ensure_modules

echo "== browser scenarios (${suite}) against ${BASE_URL}"
node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
