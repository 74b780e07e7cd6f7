#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Reports the outcome of one environment's deployment (the deploy-environment
# workflow runs it after scripts/deploy.sh, whatever happened): always to the
# job summary, and to Slack when the SLACK_WEBHOOK_URL secret is set (an
# incoming-webhook URL; unset: a note says so and nothing is sent).
#
# Usage: scripts/ci/notify-deploy.sh --env ENV --outcome OUTCOME --log FILE [--services "A B"]
#   --outcome   the deploy step's outcome: success, failure, cancelled or skipped
#   --log       the deploy step's output; "was rolled back" in it (scripts/deploy.sh's
#               last line when a rollout failed) makes the result "rolled back"
# Environment: SLACK_WEBHOOK_URL (optional), GITHUB_STEP_SUMMARY, GITHUB_SERVER_URL,
# GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_SHA (set by GitHub Actions).
# Prints the result; exits 0 even when Slack cannot be reached (a warning says so),
# 2 on a usage error.
set -euo pipefail

# shellcheck source=../lib/help.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/help.sh"
usage() { script_help "$0" "Usage:" >&2; exit 2; }

ENVIRONMENT=""
OUTCOME=""
LOG=""
SERVICES=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env) ENVIRONMENT="${2-}"; shift ;;
    --outcome) OUTCOME="${2-}"; shift ;;
    --log) LOG="${2-}"; shift ;;
    --services) SERVICES="${2-}"; shift ;;
    -h | --help) usage ;;
    *) echo "notify-deploy: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
[ -n "$ENVIRONMENT" ] || { echo "notify-deploy: --env is required" >&2; usage; }
case "$OUTCOME" in
  success | failure | cancelled | skipped) ;;
  *) echo "notify-deploy: --outcome must be success, failure, cancelled or skipped, got '${OUTCOME}'" >&2; usage ;;
esac

if [ "$OUTCOME" = success ]; then
  result="deployed"
  icon=":white_check_mark:"
elif [ -n "$LOG" ] && [ -f "$LOG" ] && grep -q 'was rolled back' "$LOG"; then
  result="rolled back"
  icon=":leftwards_arrow_with_hook:"
elif [ "$OUTCOME" = cancelled ]; then
  result="cancelled"
  icon=":no_entry_sign:"
else
  result="failed"
  icon=":x:"
fi

commit="${GITHUB_SHA:-unknown}"
run_url="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-unknown}/actions/runs/${GITHUB_RUN_ID:-0}"
services="${SERVICES:-all services}"
text="${icon} ${ENVIRONMENT}: ${result} (${services}) at commit ${commit:0:7} - ${run_url}"
reason=""
if [ "$result" != deployed ] && [ -n "$LOG" ] && [ -f "$LOG" ]; then
  # The deploy's own last error or warning line says why.
  reason="$(grep -E '(error|warning):' "$LOG" | tail -n 1 | sed -E 's/\x1b\[[0-9;]*m//g' | cut -c1-300 || true)"
fi

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### Deployment to ${ENVIRONMENT}: ${result}"
    echo
    echo "Services: ${services}. Commit \`${commit:0:7}\`. [Run](${run_url})."
    [ -z "$reason" ] || printf '\n> %s\n' "$reason"
  } >>"$GITHUB_STEP_SUMMARY"
fi
echo "deployment to ${ENVIRONMENT}: ${result}"

if [ -z "${SLACK_WEBHOOK_URL:-}" ]; then
  echo "notify-deploy: SLACK_WEBHOOK_URL is not set: no Slack message (see docs/ci-cd.md)"
  exit 0
fi
command -v jq >/dev/null 2>&1 || { echo "::warning::notify-deploy: jq is not installed: no Slack message"; exit 0; }
payload="$(jq -cn --arg text "$text" --arg reason "$reason" \
  '{text: (if $reason == "" then $text else $text + "\n> " + $reason end)}')"
if ! curl --silent --show-error --fail --max-time 10 --retry 2 \
  -H 'Content-Type: application/json' --data "$payload" "$SLACK_WEBHOOK_URL" >/dev/null; then
  echo "::warning::notify-deploy: the Slack webhook did not accept the message"
fi
exit 0
