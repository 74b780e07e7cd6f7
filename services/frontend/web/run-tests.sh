#!/usr/bin/env bash
# Builds and tests the storefront web app:
#   1. npm ci when node_modules is missing or was installed from another lock file;
#   2. npm run build: typecheck, vite build, .gz/.br precompression, and the
#      build check (initial JS <= 90 KB gzip, no inline script/style, hashed names);
#   3. vitest run.
# The last line is "N passed, M failed" (the build counts as one check).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

lock_hash() {
  sha256sum package-lock.json | cut -d' ' -f1
}

install_if_needed() {
  local stamp=node_modules/.installed-lock-sha256
  if [ -d node_modules ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(lock_hash)" ]; then
    return 0
  fi
  echo "== npm ci"
  npm ci --no-audit --no-fund --prefer-offline
  lock_hash >"$stamp"
}

install_if_needed

passed=0
failed=0

echo "== build"
if npm run --silent build; then
  passed=$((passed + 1))
else
  echo "build: FAILED"
  failed=$((failed + 1))
fi

echo "== vitest"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
vitest_status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" || vitest_status=$?

counts="$(node scripts/vitest-counts.mjs "$report")"
read -r vitest_passed vitest_failed <<<"$counts"
if [ "$vitest_status" -ne 0 ] && [ "$vitest_failed" -eq 0 ]; then
  vitest_failed=1
fi
passed=$((passed + vitest_passed))
failed=$((failed + vitest_failed))

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
