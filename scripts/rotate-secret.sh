#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Rotates one of the secrets Terraform creates empty and aws-seed-secret.sh
# seeds (the API keys and the database role passwords), the way Secrets
# Manager's own rotation does, in steps that can be resumed:
#   1. a new value from Secrets Manager's generator is stored as a new
#      version labelled AWSPENDING (an AWSPENDING version left by an
#      interrupted run is used instead of a second one);
#   2. the new version becomes AWSCURRENT; the version it replaces keeps the
#      label AWSPREVIOUS (Secrets Manager moves it), so the old value stays
#      readable for the grace window; AWSPENDING is removed;
#   3. a database role password is applied by the db-init task (ALTER ROLE);
#   4. the services that read the secret are redeployed (a new ECS
#      deployment of the same revision: tasks read secrets when they start),
#      product-service before order-service, so the checker of the shared
#      internal key has it before the sender; each deployment must succeed.
# After the grace window, --retire moves AWSPREVIOUS onto the current version
# (the old value is then in no label a task definition can name) and
# redeploys the readers again.
#
# Usage: scripts/rotate-secret.sh [options] --secret OWNER/KEY
#   --secret OWNER/KEY   product-service/ADMIN_API_KEY, order-service/ADMIN_API_KEY,
#                        shared/INTERNAL_API_KEY, product-service/PGPASSWORD,
#                        order-service/PGPASSWORD
#   -e, --env ENV        dev (default) or prod
#   -r, --region REGION  AWS region (default: $AWS_REGION)
#   --retire             end the grace window of the last rotation
#   --no-redeploy        change the secret (and the role) only; redeploy later
#   --dry-run            print the commands that change something; run only
#                        read-only AWS calls
#   -h, --help           this help
# Needs: aws (v2), jq. Credentials allowed secretsmanager:DescribeSecret,
# GetRandomPassword, PutSecretValue, UpdateSecretVersionStage (kms:GenerateDataKey
# on the secret's key), ecs:DescribeServices, UpdateService,
# ListServiceDeployments, DescribeServiceDeployments, and for a password
# ecs:RunTask, DescribeTasks, iam:PassRole on the db-init roles.
# A value is never printed, never on a command line (it goes through a
# mode-600 temporary file) and never logged; only version ids are shown.
# CARD_FINGERPRINT_KEY is refused: a new key changes every card fingerprint,
# see docs/security.md. The RDS master password is rotated by RDS.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/aws-cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-cli.sh"
# shellcheck source=lib/aws-ecs.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-ecs.sh"

usage() { sed -n '/^# Usage:/,/^# Needs:/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

ENVIRONMENT="dev"
REGION_ARG=""
SECRET=""
RETIRE=0
REDEPLOY=1
while [ $# -gt 0 ]; do
  case "$1" in
    --secret) SECRET="${2:?--secret needs a value}"; shift ;;
    -e | --env) ENVIRONMENT="${2:?--env needs a value}"; shift ;;
    -r | --region) REGION_ARG="${2:?--region needs a value}"; shift ;;
    --retire) RETIRE=1 ;;
    --no-redeploy) REDEPLOY=0 ;;
    --dry-run) DRY_RUN=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
  shift
done

check_environment "$ENVIRONMENT"
[ -n "$SECRET" ] || { usage >&2; die "--secret is required (OWNER/KEY, e.g. shared/INTERNAL_API_KEY)"; }
# The services that read each secret (terraform/main.tf: the task definitions' secrets).
case "$SECRET" in
  product-service/ADMIN_API_KEY | product-service/PGPASSWORD) READERS=(product-service) ;;
  order-service/ADMIN_API_KEY | order-service/PGPASSWORD) READERS=(order-service) ;;
  shared/INTERNAL_API_KEY) READERS=(product-service order-service) ;;
  order-service/CARD_FINGERPRINT_KEY)
    die "order-service/CARD_FINGERPRINT_KEY is not rotated by this script: a new key changes every card fingerprint, so retries of orders in flight are refused (docs/security.md, 'Secrets: where each lives')" ;;
  *) die "unknown secret '${SECRET}' (expected product-service/ADMIN_API_KEY, order-service/ADMIN_API_KEY, shared/INTERNAL_API_KEY, product-service/PGPASSWORD or order-service/PGPASSWORD)" ;;
esac
IS_PASSWORD=0
[ "${SECRET##*/}" = PGPASSWORD ] && IS_PASSWORD=1

need_tool aws "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
need_tool jq "apt-get install jq"
REGION="$(resolve_region "$REGION_ARG")"
NAME="ecommerce-${ENVIRONMENT}"
CLUSTER="${ECS_CLUSTER:-$NAME}"
SECRET_ID="${NAME}/${SECRET}"
IDENTITY="$(aws_identity)"
say "rotating ${SECRET_ID} in account $(jq -r .Account <<<"$IDENTITY") (${REGION}) as $(jq -r .Arn <<<"$IDENTITY")"

# stages_json: {VersionId: [labels]} of the secret's labelled versions.
stages_json() {
  local out
  out="$(aws secretsmanager describe-secret --region "$REGION" --secret-id "$SECRET_ID" --output json)" ||
    die "cannot describe ${SECRET_ID} (does the environment exist? terraform creates the secret)"
  jq -c '.VersionIdsToStages // {}' <<<"$out"
}

# version_with LABEL: the id of the version holding LABEL, empty when none.
version_with() {
  jq -r --arg l "$1" 'to_entries[] | select(.value | index($l)) | .key' <<<"$STAGES" | head -n 1
}

move_stage() { # LABEL TO_VERSION FROM_VERSION (either may be empty)
  local args=(aws secretsmanager update-secret-version-stage --region "$REGION" --secret-id "$SECRET_ID" --version-stage "$1")
  [ -n "$2" ] && args+=(--move-to-version-id "$2")
  [ -n "$3" ] && args+=(--remove-from-version-id "$3")
  if [ "$DRY_RUN" -eq 1 ]; then
    run "${args[@]}"
  else
    "${args[@]}" --output json >/dev/null || die "cannot move ${1} of ${SECRET_ID}"
  fi
}

# redeploy SERVICE: a new deployment of the revision the service runs, so its
# tasks start again and read the secret's AWSCURRENT value.
redeploy() {
  local service="$1" svc desired since arn
  svc="$(ecs_service_json "$CLUSTER" "$service")"
  desired="$(json_get "$svc" '.desiredCount')"
  if [ "$desired" = 0 ]; then
    note "${service} has no task running (environment stopped): its tasks read the new value when they start"
    return 0
  fi
  if [ "$DRY_RUN" -eq 1 ]; then
    run aws ecs update-service --region "$REGION" --cluster "$CLUSTER" --service "$service" --force-new-deployment
    note "wait until the deployment of ${service} is SUCCESSFUL"
    return 0
  fi
  since="$(utc_now -60)"
  aws ecs update-service --region "$REGION" --cluster "$CLUSTER" --service "$service" \
    --force-new-deployment --output json >/dev/null || die "update-service refused for ${service}"
  arn="$(find_deployment "$CLUSTER" "$service" "$since")"
  wait_deployment "$arn" finished ||
    die "${service}: the deployment with the new ${SECRET##*/} did not succeed ($(deployment_state "$arn")); the secret's AWSPREVIOUS version holds the old value: see docs/runbook.md, 'Rotating a secret'"
  say "${service}: running with the new value"
}

redeploy_readers() {
  local s
  if [ "$REDEPLOY" -eq 0 ]; then
    warn "not redeployed (--no-redeploy): ${READERS[*]} still run with the old value until their next deployment"
    return 0
  fi
  for s in "${READERS[@]}"; do
    redeploy "$s"
  done
}

STAGES="$(stages_json)"
CURRENT="$(version_with AWSCURRENT)"
PENDING="$(version_with AWSPENDING)"
PREVIOUS="$(version_with AWSPREVIOUS)"
[ -n "$CURRENT" ] || die "${SECRET_ID} has no AWSCURRENT version: it was never seeded (terraform apply runs scripts/lib/aws-seed-secret.sh)"

if [ "$RETIRE" -eq 1 ]; then
  if [ -z "$PREVIOUS" ] || [ "$PREVIOUS" = "$CURRENT" ]; then
    say "${SECRET_ID}: no previous value in its grace window: nothing to retire"
    exit 0
  fi
  [ -z "$PENDING" ] || die "${SECRET_ID} has a rotation in progress (AWSPENDING ${PENDING}): finish it first (run without --retire)"
  move_stage AWSPREVIOUS "$CURRENT" "$PREVIOUS"
  redeploy_readers
  say "${SECRET_ID}: previous version ${PREVIOUS} retired; AWSCURRENT and AWSPREVIOUS are ${CURRENT}"
  exit 0
fi

# 1. the new value, as AWSPENDING
if [ -n "$PENDING" ] && [ "$PENDING" != "$CURRENT" ]; then
  say "${SECRET_ID}: resuming the rotation to version ${PENDING} (AWSPENDING)"
elif [ -z "$PENDING" ]; then
  if [ "$DRY_RUN" -eq 1 ]; then
    note "generate a 40-character value (aws secretsmanager get-random-password) into a mode-600 file"
    print_cmd aws secretsmanager put-secret-value --region "$REGION" --secret-id "$SECRET_ID" \
      --client-request-token "<new uuid>" --secret-string "file://<value file>" --version-stages AWSPENDING
    PENDING="<new version>"
  else
    umask 077
    value_file="$(mktemp)"
    trap 'rm -f "$value_file"' EXIT
    value="$(aws secretsmanager get-random-password --region "$REGION" --password-length 40 \
      --exclude-punctuation --require-each-included-type --output json | jq -r '.RandomPassword // empty')" ||
      die "secretsmanager get-random-password failed"
    [ "${#value}" -eq 40 ] || die "get-random-password returned no 40-character value"
    printf '%s' "$value" >"$value_file"
    unset value
    PENDING="$(cat /proc/sys/kernel/random/uuid)"
    aws secretsmanager put-secret-value --region "$REGION" --secret-id "$SECRET_ID" \
      --client-request-token "$PENDING" --secret-string "file://${value_file}" --version-stages AWSPENDING \
      --output json >/dev/null || die "secretsmanager put-secret-value failed for ${SECRET_ID}"
    rm -f "$value_file"
    say "${SECRET_ID}: new version ${PENDING} stored as AWSPENDING"
  fi
fi

# 2. AWSPENDING becomes AWSCURRENT; the replaced version keeps AWSPREVIOUS.
if [ "$PENDING" != "$CURRENT" ]; then
  move_stage AWSCURRENT "$PENDING" "$CURRENT"
  say "${SECRET_ID}: version ${PENDING} is AWSCURRENT; ${CURRENT} is AWSPREVIOUS"
  PREVIOUS="$CURRENT"
  CURRENT="$PENDING"
fi
move_stage AWSPENDING "" "$CURRENT"

# 3. a role password changes in the database before the services use it.
if [ "$IS_PASSWORD" -eq 1 ]; then
  note "applying the new password to the database role (db-init task: ALTER ROLE)"
  run_db_init "$CLUSTER"
fi

# 4. the readers start again with the new value.
redeploy_readers
say "${SECRET_ID}: rotated to version ${CURRENT}; the old value stays as AWSPREVIOUS (${PREVIOUS:-none}) until: scripts/rotate-secret.sh --env ${ENVIRONMENT} --secret ${SECRET} --retire"
