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
#   -e, --env ENV            dev (default), staging or prod
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

ACTION=""
ENVIRONMENT="dev"
REGION_ARG=""
CLUSTER=""
DB_INSTANCE=""
CONFIRM=""
CONFIRM_GIVEN=0
ALLOW_PROD=0
SUSPEND_FLAGS=(DynamicScalingInSuspended DynamicScalingOutSuspended ScheduledScalingSuspended)

usage() { sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; }

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
CLUSTER="${CLUSTER:-ecommerce-${ENVIRONMENT}}"
DB_INSTANCE="${DB_INSTANCE:-ecommerce-${ENVIRONMENT}}"
# The scheduler Lambda's parameter path (terraform/modules/scheduler: /<name>/scheduler/desired-count).
COUNT_PREFIX="/${CLUSTER}/scheduler/desired-count"
say "${ACTION} ${ENVIRONMENT}: account ${ACCOUNT}, region ${REGION}, cluster ${CLUSTER}, database ${DB_INSTANCE}"

# ---- what exists ------------------------------------------------------------

# services_json: name and desired count of every service of the cluster.
services_json() {
  local arns names=() out
  arns="$(aws ecs list-services --region "$REGION" --cluster "$CLUSTER" --output json)" ||
    die "cannot list the services of cluster ${CLUSTER}"
  mapfile -t names < <(jq -r '.serviceArns[]' <<<"$arns")
  if [ "${#names[@]}" -eq 0 ]; then
    echo '[]'
    return 0
  fi
  out="$(aws ecs describe-services --region "$REGION" --cluster "$CLUSTER" --services "${names[@]}" --output json)" ||
    die "cannot describe the services of cluster ${CLUSTER}"
  jq -c '[.services[] | select(.status == "ACTIVE") | {name: .serviceName, desired: .desiredCount}] | sort_by(.name)' <<<"$out"
}

# scalable_services: the services with an Application Auto Scaling target.
scalable_services() {
  local out
  out="$(aws application-autoscaling describe-scalable-targets --region "$REGION" --service-namespace ecs --output json)" || return 0
  jq -r --arg p "service/${CLUSTER}/" '.ScalableTargets[] | select(.ResourceId | startswith($p)) | .ResourceId | ltrimstr($p)' <<<"$out"
}

# db_status: the RDS instance status, empty when there is none.
db_status() {
  local out
  out="$(aws rds describe-db-instances --region "$REGION" --db-instance-identifier "$DB_INSTANCE" --output json 2>/dev/null)" || return 0
  jq -r '.DBInstances[0].DBInstanceStatus // empty' <<<"$out"
}

# nat_instances STATE...: ids of this environment's NAT instances in the given states.
nat_instances() {
  local states="$*" out
  out="$(aws ec2 describe-instances --region "$REGION" \
    --filters "Name=tag:Name,Values=${CLUSTER}-nat-instance" "Name=instance-state-name,Values=${states// /,}" \
    --output json)" || return 0
  jq -r '[.Reservations[].Instances[].InstanceId] | sort | .[]' <<<"$out"
}

set_scaling_suspended() { # SERVICE true|false
  local flags=() f
  for f in "${SUSPEND_FLAGS[@]}"; do
    flags+=("${f}=$2")
  done
  run aws application-autoscaling register-scalable-target --region "$REGION" --service-namespace ecs \
    --scalable-dimension ecs:service:DesiredCount --resource-id "service/${CLUSTER}/$1" \
    --suspended-state "$(IFS=,; echo "${flags[*]}")"
}

# ---- pause / resume ---------------------------------------------------------

pause() {
  local services scalable name desired status nats
  services="$(services_json)"
  scalable=" $(scalable_services | tr '\n' ' ') "
  while IFS=$'\t' read -r name desired; do
    [ -n "$name" ] || continue
    if [ "$desired" -gt 0 ]; then
      # Remember first: a count never written is lost.
      run aws ssm put-parameter --region "$REGION" --name "${COUNT_PREFIX}/${name}" --type String \
        --value "$desired" --overwrite --description "Desired count of ECS service ${name} before the pause"
    fi
    [[ "$scalable" != *" $name "* ]] || set_scaling_suspended "$name" true
    if [ "$desired" -gt 0 ]; then
      run aws ecs update-service --region "$REGION" --cluster "$CLUSTER" --service "$name" --desired-count 0 --output json
    else
      say "${name} already has 0 tasks"
    fi
  done < <(jq -r '.[] | [.name, .desired] | @tsv' <<<"$services")

  status="$(db_status)"
  case "$status" in
    available) run aws rds stop-db-instance --region "$REGION" --db-instance-identifier "$DB_INSTANCE" --output json ;;
    "") say "no RDS instance ${DB_INSTANCE}" ;;
    *) say "RDS instance ${DB_INSTANCE} is ${status}: not stopped" ;;
  esac

  mapfile -t nats < <(nat_instances pending running)
  if [ "${#nats[@]}" -gt 0 ]; then
    run aws ec2 stop-instances --region "$REGION" --instance-ids "${nats[@]}" --output json
  fi
  say "${ENVIRONMENT} paused; resume with: scripts/teardown.sh resume --env ${ENVIRONMENT}"
}

resume() {
  local nats status services scalable remembered name desired count names
  mapfile -t nats < <(nat_instances stopping stopped)
  if [ "${#nats[@]}" -gt 0 ]; then
    run aws ec2 start-instances --region "$REGION" --instance-ids "${nats[@]}" --output json
  fi

  status="$(db_status)"
  case "$status" in
    stopped | stopping)
      run aws rds start-db-instance --region "$REGION" --db-instance-identifier "$DB_INSTANCE" --output json
      ;;
    "") say "no RDS instance ${DB_INSTANCE}" ;;
  esac
  if [ -n "$status" ]; then
    run aws rds wait db-instance-available --region "$REGION" --db-instance-identifier "$DB_INSTANCE"
  fi

  services="$(services_json)"
  scalable=" $(scalable_services | tr '\n' ' ') "
  remembered="$(aws ssm get-parameters-by-path --region "$REGION" --path "$COUNT_PREFIX" --output json 2>/dev/null || echo '{}')"
  while IFS=$'\t' read -r name desired; do
    [ -n "$name" ] || continue
    count="$(jq -r --arg n "${COUNT_PREFIX}/${name}" '.Parameters // [] | map(select(.Name == $n)) | .[0].Value // empty' <<<"$remembered")"
    if [ "$desired" -eq 0 ]; then
      [[ "$count" =~ ^[0-9]+$ ]] || { warn "${name}: no remembered count under ${COUNT_PREFIX}: starting 1 task"; count=1; }
      run aws ecs update-service --region "$REGION" --cluster "$CLUSTER" --service "$name" --desired-count "$count" --output json
    fi
    [[ "$scalable" != *" $name "* ]] || set_scaling_suspended "$name" false
  done < <(jq -r '.[] | [.name, .desired] | @tsv' <<<"$services")

  mapfile -t names < <(jq -r '.[].name' <<<"$services")
  if [ "${#names[@]}" -gt 0 ]; then
    run aws ecs wait services-stable --region "$REGION" --cluster "$CLUSTER" --services "${names[@]}"
  fi
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

  status="$(db_status)"
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

  tf_init "$ENVIRONMENT" "$(state_bucket_name)"
  run terraform -chdir="$TF_DIR" destroy -input=false "-var-file=envs/${ENVIRONMENT}.tfvars" -auto-approve
  say "${ENVIRONMENT} destroyed (the state bucket and the snapshot remain)"
}

"$ACTION"
