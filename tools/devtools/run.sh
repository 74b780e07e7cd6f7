#!/usr/bin/env bash
# Offline linters used by the test command:
#   run.sh openapi-lint   every docs/api/*.yaml with Redocly (no warnings allowed)
#   run.sh shellcheck     every shell script of the project
#   run.sh mermaid-parse DIAGRAMS.json   parse Mermaid diagrams (tests/docs/check_docs.py)
#   run.sh prism-validate SPEC EXCHANGES.json   recorded responses through Stoplight
#                         Prism's response validator (the contract tests' second check)
#   run.sh prism ARGS...  the Prism CLI itself, e.g. prism proxy SPEC http://127.0.0.1:PORT
# Installs the pinned npm packages of this folder when they are missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"

ensure_node_modules() {
  # ctest runs several of these checks at once: one npm ci at a time.
  local lock
  lock="${TMPDIR:-/tmp}/devtools-npm-$(echo "$here" | md5sum | cut -c1-8).lock"
  (
    flock 9
    if [ ! -d "${here}/node_modules" ] || [ "${here}/package-lock.json" -nt "${here}/node_modules/.package-lock.json" ]; then
      cd "${here}" && npm ci --no-audit --no-fund --ignore-scripts --prefer-offline --loglevel=error >/dev/null
    fi
  ) 9>"$lock"
}

openapi_lint() {
  ensure_node_modules
  export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
  local spec status=0
  for spec in "${repo}"/docs/api/*.yaml; do
    [ "$(basename "$spec")" = "redocly.yaml" ] && continue
    echo "linting ${spec#"${repo}"/}"
    # Warnings fail the check too: read the totals of the JSON report.
    local totals
    # shellcheck disable=SC2016 # the single quotes hold JavaScript
    totals="$("${here}/node_modules/.bin/redocly" lint --format=json "$spec" 2>/dev/null |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s).totals;console.log(`${t.errors} ${t.warnings}`)})')" || totals="parse-failed"
    if [ "$totals" != "0 0" ]; then
      "${here}/node_modules/.bin/redocly" lint --max-problems 50 "$spec" || true
      echo "problems in ${spec} (errors warnings: ${totals})" >&2
      status=1
    fi
  done
  return "$status"
}

run_shellcheck() {
  command -v shellcheck >/dev/null || { echo "shellcheck is not installed (apt-get install shellcheck)" >&2; return 1; }
  local files=()
  while IFS= read -r -d '' f; do
    files+=("$f")
  done < <(find "${repo}/scripts" "${repo}/tools" "${repo}/functions" "${repo}/.ci" "${repo}/bench" \
             \( -name node_modules -o -name .cache \) -prune -o \( -name '*.sh' -o -path '*/.ci/run' \) -type f -print0 2>/dev/null)
  echo "shellcheck: ${#files[@]} scripts"
  shellcheck -x -S warning "${files[@]}"
}

mermaid_parse() {
  ensure_node_modules
  node "${here}/mermaid-parse.mjs" "$@"
}

prism_validate() {
  ensure_node_modules
  node "${here}/prism-validate.mjs" "$@"
}

prism_cli() {
  ensure_node_modules
  exec "${here}/node_modules/.bin/prism" "$@"
}

case "${1:-}" in
  openapi-lint) openapi_lint ;;
  shellcheck) run_shellcheck ;;
  mermaid-parse) shift; mermaid_parse "$@" ;;
  prism-validate) shift; prism_validate "$@" ;;
  prism) shift; prism_cli "$@" ;;
  *) echo "usage: $0 openapi-lint|shellcheck|mermaid-parse DIAGRAMS.json|prism-validate SPEC EXCHANGES.json|prism ARGS..." >&2; exit 2 ;;
esac
