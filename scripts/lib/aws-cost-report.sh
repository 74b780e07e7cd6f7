#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Markdown cost report of one environment, from Cost Explorer and AWS Budgets
# (read-only calls; run by .github/workflows/cost-report.yml, or by hand with
# read-only credentials of the environment's account):
#   - month-to-date spend by AWS service (resources tagged Environment=ENV),
#     and by the Environment tag across the account (untagged spend shows as
#     "(untagged)");
#   - the forecast for the rest of the month and the budget <project>-ENV-monthly;
#   - the largest movers: the last 7 days against the 7 before, by service;
#   - beside it, the cost model's estimate (tools/costmodel what-if --format
#     json output) when --estimate is given.
# On the first day of a month the "month to date" is the whole previous month.
#
# Usage: scripts/lib/aws-cost-report.sh --env ENV [--estimate FILE] [--out FILE]
#          [--project NAME] [--today YYYY-MM-DD]
# Needs aws (v2), jq and GNU date. Cost Explorer bills $0.01 per request: 4 here
# (3 get-cost-and-usage, 1 get-cost-forecast; a paginated answer bills each page).
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ENVIRONMENT=""
ESTIMATE=""
OUT=""
PROJECT="ecommerce"
TODAY="$(date -u +%Y-%m-%d)"

usage() { script_help "$0"; }

while [ $# -gt 0 ]; do
  case "$1" in
    -e | --env) ENVIRONMENT="${2:?--env needs a value}"; shift ;;
    --estimate) ESTIMATE="${2:?--estimate needs a file}"; shift ;;
    --out) OUT="${2:?--out needs a file}"; shift ;;
    --project) PROJECT="${2:?--project needs a value}"; shift ;;
    --today) TODAY="${2:?--today needs a date}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
[ -n "$ENVIRONMENT" ] || die "--env is required (dev or prod)"
[[ "$TODAY" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || die "--today must be YYYY-MM-DD"
[ -z "$ESTIMATE" ] || [ -f "$ESTIMATE" ] || die "estimate file ${ESTIMATE} does not exist"
for tool in aws jq date; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed"
done

day() { date -u -d "$1" +%Y-%m-%d; }
MONTH_START="$(day "${TODAY:0:7}-01")"
NEXT_MONTH="$(day "${MONTH_START} +1 month")"
if [ "$TODAY" = "$MONTH_START" ]; then
  MTD_START="$(day "${MONTH_START} -1 month")"
  MTD_LABEL="last month ($(date -u -d "$MTD_START" +%B))"
else
  MTD_START="$MONTH_START"
  MTD_LABEL="month to date (${MONTH_START} to $(day "${TODAY} -1 day"))"
fi
WEEK_START="$(day "${TODAY} -7 days")"
TWO_WEEKS_START="$(day "${TODAY} -14 days")"
FILTER="$(jq -cn --arg e "$ENVIRONMENT" '{Tags: {Key: "Environment", Values: [$e], MatchOptions: ["EQUALS"]}}')"
BUDGET="${PROJECT}-${ENVIRONMENT}-monthly"

ce() { aws ce "$@" --region us-east-1 --output json; }

account="$(aws sts get-caller-identity --output json | jq -r '.Account')" || die "no AWS credentials (aws sts get-caller-identity failed)"
by_service="$(ce get-cost-and-usage --time-period "Start=${MTD_START},End=${TODAY}" --granularity MONTHLY \
  --metrics UnblendedCost --group-by Type=DIMENSION,Key=SERVICE --filter "$FILTER")" || die "Cost Explorer refused get-cost-and-usage (needs ce:GetCostAndUsage)"
by_env="$(ce get-cost-and-usage --time-period "Start=${MTD_START},End=${TODAY}" --granularity MONTHLY \
  --metrics UnblendedCost --group-by Type=TAG,Key=Environment)" || die "Cost Explorer refused get-cost-and-usage by tag"
daily="$(ce get-cost-and-usage --time-period "Start=${TWO_WEEKS_START},End=${TODAY}" --granularity DAILY \
  --metrics UnblendedCost --group-by Type=DIMENSION,Key=SERVICE --filter "$FILTER")" || die "Cost Explorer refused the daily costs"
forecast="$(ce get-cost-forecast --time-period "Start=${TODAY},End=${NEXT_MONTH}" --metric UNBLENDED_COST \
  --granularity MONTHLY --filter "$FILTER" 2>/dev/null || echo '{}')"
budget="$(aws budgets describe-budget --account-id "$account" --budget-name "$BUDGET" --output json 2>/dev/null || echo '{}')"
estimate='{}'
[ -z "$ESTIMATE" ] || estimate="$(cat "$ESTIMATE")"

report="$(jq -rn \
  --arg env "$ENVIRONMENT" --arg today "$TODAY" --arg mtd_label "$MTD_LABEL" --arg budget_name "$BUDGET" \
  --arg month "$(date -u -d "$MONTH_START" +%B)" --arg week_start "$WEEK_START" \
  --argjson by_service "$by_service" --argjson by_env "$by_env" --argjson daily "$daily" \
  --argjson forecast "$forecast" --argjson budget "$budget" --argjson estimate "$estimate" '
  def num: (. // "0") | tonumber;
  def usd: (. * 100 | round) as $c | ($c | if . < 0 then -. else . end) as $a
    | (if $c < 0 then "-" else "" end) + "\($a / 100 | floor)." + ("\($a % 100)" | if length == 1 then "0" + . else . end);
  def signed: if . > 0 then "+" + usd else usd end;
  def pct($part; $whole): if $whole > 0 then "\($part * 100 / $whole | round)%" else "-" end;
  def groups($r): [$r.ResultsByTime[]?.Groups[]? | {key: .Keys[0], amount: (.Metrics.UnblendedCost.Amount | num)}]
    | group_by(.key) | map({key: .[0].key, amount: (map(.amount) | add)});

  (groups($by_service) | map(select(.amount >= 0.005)) | sort_by(-.amount)) as $services
  | ($services | map(.amount) | add // 0) as $mtd
  | (groups($by_env) | map(.key |= (sub("^Environment\\$"; "") | if . == "" then "(untagged)" else . end))
     | map(select(.amount >= 0.005)) | sort_by(-.amount)) as $envs
  | ($forecast.Total.Amount // null) as $fc_raw
  | (if $fc_raw == null then null else ($fc_raw | num) end) as $fc_rest
  | ($daily.ResultsByTime // []) as $days
  | ([$days[] | select(.TimePeriod.Start >= $week_start) | .Groups[]? | {key: .Keys[0], amount: (.Metrics.UnblendedCost.Amount | num)}]
     | group_by(.key) | map({key: .[0].key, amount: (map(.amount) | add)})) as $last
  | ([$days[] | select(.TimePeriod.Start < $week_start) | .Groups[]? | {key: .Keys[0], amount: (.Metrics.UnblendedCost.Amount | num)}]
     | group_by(.key) | map({key: .[0].key, amount: (map(.amount) | add)})) as $prev
  | ([($last + $prev)[].key] | unique | map(. as $k | {
        key: $k,
        prev: ([$prev[] | select(.key == $k) | .amount] | add // 0),
        last: ([$last[] | select(.key == $k) | .amount] | add // 0)})
     | map(.delta = (.last - .prev)) | map(select((.delta | fabs) >= 0.01)) | sort_by(-(.delta | fabs)) | .[:5]) as $movers
  | ($budget.Budget // null) as $b
  | ($estimate.scenarios // [] | map(select(.name == "baseline")) | .[0] // null) as $base
  | ($estimate.scenarios // [] | map(select(.name == "24x7")) | .[0] // null) as $always
  | [
      "## Cost report: \($env) (\($today))",
      "",
      "- **\($mtd_label)**: $\($mtd | usd) (resources tagged Environment=\($env))",
      (if $fc_rest == null then "- **forecast**: not available (Cost Explorer needs some history)"
       else "- **forecast for \($month)**: $\(($mtd + $fc_rest) | usd) ($\($fc_rest | usd) still to come)" end),
      (if $b == null then "- **budget** \($budget_name): not found"
       else ($b.BudgetLimit.Amount | num) as $limit
         | ($b.CalculatedSpend.ActualSpend.Amount | num) as $actual
         | ($b.CalculatedSpend.ForecastedSpend.Amount // null | if . == null then null else num end) as $bf
         | "- **budget** \($budget_name): $\($actual | usd) of $\($limit | usd) spent (\(pct($actual; $limit)))"
           + (if $bf == null then "" else ", forecast $\($bf | usd) (\(pct($bf; $limit)))" end)
           + (if $actual > $limit then ": **over budget**" elif ($bf // 0) > $limit then ": **forecast over budget**" else ": within budget" end)
       end),
      (if $base == null then empty
       else "- **cost model estimate** (tools/costmodel, \($estimate.schedule // "tfvars")): $\($base.total.usd)/month"
         + (if ($base.total_high.usd // $base.total.usd) == $base.total.usd then ""
            else " to $\($base.total_high.usd) (Fargate Spot at its worst-case discount)" end)
         + (if $always == null then "" else " (24/7: $\($always.total.usd))" end)
         + (if $fc_rest == null then "" else "; the forecast is \(pct($mtd + $fc_rest; ($base.total.usd | tonumber))) of it" end)
       end),
      "",
      "### By AWS service (\($mtd_label), Environment=\($env))",
      "",
      "| service | USD | share |",
      "|---|---:|---:|",
      (if ($services | length) == 0 then "| (no spend) | 0.00 | - |" else
        ($services[] | "| \(.key) | \(.amount | usd) | \(pct(.amount; $mtd)) |") end),
      "",
      "### By Environment tag (\($mtd_label), whole account)",
      "",
      "| Environment | USD |",
      "|---|---:|",
      (if ($envs | length) == 0 then "| (no spend) | 0.00 |" else ($envs[] | "| \(.key) | \(.amount | usd) |") end),
      "",
      "### Largest movers: last 7 days against the 7 before (Environment=\($env))",
      "",
      "| service | 7 days before | last 7 days | change |",
      "|---|---:|---:|---:|",
      (if ($movers | length) == 0 then "| (no change of 0.01 or more) | | | |" else
        ($movers[] | "| \(.key) | \(.prev | usd) | \(.last | usd) | \(.delta | signed) |") end),
      (if $base == null then empty else
        "",
        "### Cost model estimate by component (USD/month)",
        "",
        "| component | estimate |",
        "|---|---:|",
        ($base.estimate.components // {} | to_entries[] | "| \(.key) | \(.value.usd) |"),
        "| **total** | **\($base.total.usd)** |",
        "",
        (if $estimate.free_tier == true
         then "The estimate prices what the tfvars describe at list prices less the always-free allowances (CloudWatch, 100 GB of data transfer out), which count once per account; see tools/costmodel/README.md."
         else "The estimate prices what the tfvars describe at list prices (no free tier; data transfer out of the ALB included); see tools/costmodel/README.md." end)
      end)
    ] | join("\n")
')"

if [ -n "$OUT" ]; then
  printf '%s\n' "$report" >"$OUT"
  say "cost report written to ${OUT}"
else
  printf '%s\n' "$report"
fi
