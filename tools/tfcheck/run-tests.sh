#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Offline checks of the project's Terraform (no terraform binary needed):
#   1. installs tfcheck's npm dependencies when missing (npm ci),
#   2. runs tfcheck's own tests (node --test: rule fixtures, reference/schema
#      fixtures, parser, CLI, docs),
#   3. runs tfcheck on terraform/ (zero findings required),
#   4. checks the module READMEs for drift,
#   5. converts each envs/*.tfvars to JSON (what the cost model reads).
# Prints "N passed, M failed" last; exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
# shellcheck source=../../scripts/lib/npm-deps.sh
source "${repo}/scripts/lib/npm-deps.sh"
cd "${repo}"

passed=0
failed=0
log="$(mktemp)"
trap 'rm -f "${log}"' EXIT

step() { # name, command...
  local name="$1"
  shift
  if "$@" >"${log}" 2>&1; then
    passed=$((passed + 1))
    echo "PASS ${name}"
  else
    failed=$((failed + 1))
    echo "FAIL ${name}"
    sed 's/^/    /' "${log}"
  fi
}

ensure_npm_deps "${here}"

# 2. the checker's own tests; each node test counts.
if node --test "${here}/test/" >"${log}" 2>&1; then test_rc=0; else test_rc=$?; fi
node_pass="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "${log}" | tail -n 1)"
node_fail="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "${log}" | tail -n 1)"
passed=$((passed + ${node_pass:-0}))
failed=$((failed + ${node_fail:-0}))
if [[ "${test_rc}" -ne 0 ]]; then
  grep -E '^not ok|^# Subtest|error|Error|expected|actual' "${log}" | sed 's/^/    /' | head -n 80 || true
  if [[ -z "${node_fail}" || "${node_fail}" -eq 0 ]]; then failed=$((failed + 1)); fi
fi
echo "tfcheck unit tests: ${node_pass:-0} passed, ${node_fail:-0} failed"

# 3-5. the real configuration.
step "tfcheck check terraform (zero findings)" node "${here}/bin/tfcheck.js" check terraform --no-docs
step "module README drift" node "${here}/bin/tfcheck.js" docs terraform
for tfvars in terraform/envs/*.tfvars; do
  step "tfvars-json ${tfvars}" node "${here}/bin/tfcheck.js" tfvars-json "${tfvars}"
done

echo "${passed} passed, ${failed} failed"
[[ "${failed}" -eq 0 ]]
