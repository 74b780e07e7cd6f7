#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Pauses, resumes or destroys an environment on AWS.
#
#   pause    every ECS service of the cluster to 0 tasks (its desired count is
#            remembered in SSM and its Application Auto Scaling suspended, the
#            same protocol as the FinOps scheduler Lambda, so either can resume
#            what the other paused), then stops the RDS instance and the NAT
#            instance. What still costs while paused: the ALB, storage, RDS
#            storage, secrets (see docs/ci-cd.md). AWS restarts a stopped RDS
#            instance after 7 days.
#   resume   starts the NAT instance and RDS (waits until available), restores
#            each service's remembered count, resumes its auto scaling and
#            waits until the services are stable.
#   destroy  asks you to type "destroy ENV", takes a final RDS snapshot
#            (<db>-teardown-<time>, kept after the destroy) and runs
#            terraform destroy for the environment.
#
# Usage: scripts/teardown.sh pause|resume|destroy [options]
#   -e, --env ENV            dev (default) or prod
#   -r, --region REGION      AWS region (default: $AWS_REGION)
#   --cluster NAME           ECS cluster (default: ecommerce-ENV)
#   --db-instance ID         RDS instance (default: ecommerce-ENV)
#   --confirm "destroy ENV"  the typed confirmation, for non-interactive use
#   --allow-prod             let destroy act on prod (its deletion protection
#                            must be switched off in envs/prod.tfvars first)
#   --dry-run                print the commands that change something
#   -h, --help               this help
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/aws-cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-cli.sh"
# shellcheck source=lib/aws-terraform.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-terraform.sh"
# shellcheck source=lib/aws-environment.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-environment.sh"

ACTION=""
ENVIRONMENT="dev"
REGION_ARG=""
CLUSTER=""
DB_INSTANCE=""
CONFIRM=""
CONFIRM_GIVEN=0
ALLOW_PROD=0

usage() { script_help "$0"; }

while [ $# -gt 0 ]; do
  case "$1" in
    pause | resume | destroy)
      [ -z "$ACTION" ] || die "one action at a time (got $ACTION and $1)"
      ACTION="$1"
      ;;
    -e | --env) ENVIRONMENT="${2:?--env needs a value}"; shift ;;
    -r | --region) REGION_ARG="${2:?--region needs a value}"; shift ;;
    --cluster) CLUSTER="${2:?--cluster needs a value}"; shift ;;
    --db-instance) DB_INSTANCE="${2:?--db-instance needs a value}"; shift ;;
    --confirm) CONFIRM="${2-}"; CONFIRM_GIVEN=1; shift ;;
    --allow-prod) ALLOW_PROD=1 ;;
    --dry-run) DRY_RUN=1 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
[ -n "$ACTION" ] || { usage >&2; die "name an action: pause, resume or destroy"; }

cd "$ROOT_DIR"
check_environment "$ENVIRONMENT"
need_tool aws "install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)"
need_tool jq "apt-get install jq (or brew install jq)"
[ "$ACTION" != destroy ] || need_tool terraform "install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install)"

REGION="$(resolve_region "$REGION_ARG")"
ACCOUNT="$(json_get "$(aws_identity)" '.Account')"
ENV_CLUSTER="${CLUSTER}"
ENV_DB_INSTANCE="${DB_INSTANCE}"
env_names "$ENVIRONMENT"
CLUSTER="$ENV_CLUSTER"
DB_INSTANCE="$ENV_DB_INSTANCE"
say "${ACTION} ${ENVIRONMENT}: account ${ACCOUNT}, region ${REGION}, cluster ${CLUSTER}, database ${DB_INSTANCE}"

# ---- pause / resume (scripts/lib/aws-environment.sh) -------------------------

pause() {
  env_pause now
  say "${ENVIRONMENT} paused; resume with: scripts/teardown.sh resume --env ${ENVIRONMENT}"
}

resume() {
  env_resume full
  say "${ENVIRONMENT} resumed"
}

# ---- destroy ----------------------------------------------------------------

destroy() {
  local expected="destroy ${ENVIRONMENT}" answer status snapshot
  if [ "$ENVIRONMENT" = prod ] && [ "$ALLOW_PROD" -eq 0 ]; then
    die "refusing to destroy prod without --allow-prod (and its RDS/ALB deletion protection switched off in envs/prod.tfvars and applied)"
  fi
  if [ "$CONFIRM_GIVEN" -eq 1 ]; then
    answer="$CONFIRM"
  else
    printf 'This deletes every resource of %s (account %s). A final RDS snapshot is kept.\nType "%s" to confirm: ' \
      "$ENVIRONMENT" "$ACCOUNT" "$expected" >&2
    answer=""
    IFS= read -r answer || true
  fi
  [ "$answer" = "$expected" ] || die "confirmation did not match \"${expected}\": nothing was destroyed"

  status="$(env_db_status)"
  if [ -n "$status" ]; then
    if [ "$status" = stopped ] || [ "$status" = stopping ]; then
      # A snapshot needs a running instance.
      run aws rds start-db-instance --region "$REGION" --db-instance-identifier "$DB_INSTANCE" --output json
    fi
    run aws rds wait db-instance-available --region "$REGION" --db-instance-identifier "$DB_INSTANCE"
    snapshot="${DB_INSTANCE}-teardown-$(date -u +%Y%m%d%H%M%S)"
    run aws rds create-db-snapshot --region "$REGION" --db-instance-identifier "$DB_INSTANCE" \
      --db-snapshot-identifier "$snapshot" --tags "Key=Environment,Value=${ENVIRONMENT}" --output json
    run aws rds wait db-snapshot-available --region "$REGION" --db-snapshot-identifier "$snapshot"
    say "final snapshot: ${snapshot} (restore with aws rds restore-db-instance-from-db-snapshot)"
  else
    warn "no RDS instance ${DB_INSTANCE}: no snapshot taken"
  fi

  local bucket
  bucket="$(state_bucket_name)"
  tf_init "$ENVIRONMENT" "$bucket"
  run terraform -chdir="$TF_DIR" destroy -input=false "-var-file=envs/${ENVIRONMENT}.tfvars" -var "state_bucket=${bucket}" -auto-approve
  say "${ENVIRONMENT} destroyed (the state bucket and the snapshot remain)"
}

"$ACTION"
