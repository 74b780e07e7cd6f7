# shellcheck shell=bash
# Helpers shared by scripts/setup.sh, deploy.sh and teardown.sh (and the
# workflows through them): a dry-run aware runner, checks for tools,
# credentials and settings, and small JSON helpers. Source after common.sh.
#
# Convention: commands that only read (describe, list, get, sts) always run,
# also under --dry-run, because the commands printed depend on their answers;
# commands that change something go through `run`, which prints them instead
# of running them when DRY_RUN=1. Printed commands go to stdout, one a line,
# prefixed with "+ "; progress messages go to stderr. The printed commands use
# file descriptor 3 (the script's stdout) so that functions whose output is
# captured with $(...) can print them too.

DRY_RUN="${DRY_RUN:-0}"
exec 3>&1

# quote_arg ARG: ARG as a shell word (single-quoted when it needs quoting).
quote_arg() {
  local a="$1"
  if [[ "$a" =~ ^[A-Za-z0-9_./:=@,+%-]+$ ]]; then
    printf '%s' "$a"
  else
    printf "'%s'" "${a//\'/\'\\\'\'}"
  fi
}

# print_cmd CMD...: "+ CMD ..." on stdout.
print_cmd() {
  local out="+" a
  for a in "$@"; do
    out+=" $(quote_arg "$a")"
  done
  printf '%s\n' "$out" >&3
}

# run CMD...: runs a command that changes something; prints it under --dry-run.
run() {
  if [ "$DRY_RUN" -eq 1 ]; then
    print_cmd "$@"
    return 0
  fi
  "$@"
}

# note TEXT: a step that is not one command (waiting, checking); printed as a
# comment under --dry-run, logged otherwise.
note() {
  if [ "$DRY_RUN" -eq 1 ]; then
    printf '# %s\n' "$*" >&3
  else
    say "$*"
  fi
}

# need_tool NAME HINT: dies with HINT when NAME is not on PATH.
need_tool() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed or not on PATH: $2"
}

# need_var NAME HINT: dies when the variable NAME is empty.
need_var() {
  [ -n "${!1:-}" ] || die "$1 is not set: $2"
}

# aws_identity: prints the caller identity JSON; dies with a hint when there
# are no usable credentials.
aws_identity() {
  local out
  if ! out="$(aws sts get-caller-identity --output json 2>&1)"; then
    die "no usable AWS credentials (aws sts get-caller-identity failed: ${out//$'\n'/ }). Log in first, e.g. 'aws sso login --profile NAME' and export AWS_PROFILE=NAME"
  fi
  printf '%s\n' "$out"
}

# json_get JSON FILTER: jq -r FILTER on JSON; dies when the filter fails.
json_get() {
  jq -er "$2" <<<"$1" 2>/dev/null || die "unexpected AWS answer: '$2' not found in: ${1:0:300}"
}

# resolve_region: the region from --region, AWS_REGION or AWS_DEFAULT_REGION.
resolve_region() {
  local region="${1:-${AWS_REGION:-${AWS_DEFAULT_REGION:-}}}"
  [ -n "$region" ] || die "no AWS region: pass --region or set AWS_REGION (the environments use us-east-1)"
  printf '%s\n' "$region"
}

# check_environment ENV: dev or prod (the environments of terraform/envs/).
check_environment() {
  case "$1" in
    dev | prod) ;;
    *) die "unknown environment '$1' (expected dev or prod)" ;;
  esac
}

# utc_now [OFFSET_SECONDS]: an ISO 8601 UTC timestamp, optionally shifted.
utc_now() {
  date -u -d "@$(($(date +%s) + ${1:-0}))" +%Y-%m-%dT%H:%M:%SZ
}
