# shellcheck shell=bash
# Pausing and resuming one environment, shared by scripts/teardown.sh
# (pause/resume by hand) and scripts/deploy.sh (a deployment outside business
# hours resumes the environment, deploys, and stops it again). The protocol is
# the FinOps scheduler Lambda's (functions/scheduler), so either can resume
# what the other paused:
#   pause   each running ECS service's desired count remembered in SSM
#           (ENV_COUNT_PREFIX/<service>) before it is set to 0, its
#           Application Auto Scaling suspended; then the RDS instance and the
#           NAT instance stopped;
#   resume  NAT instance and RDS started (RDS waited until available), each
#           stopped service's remembered count restored, auto scaling resumed
#           (or left suspended: a deployment's temporary resume), services
#           waited until stable.
# Source after common.sh and aws-cli.sh; set REGION, ENV_CLUSTER, ENV_DB_INSTANCE,
# ENV_NAT_TAG and ENV_COUNT_PREFIX first (env_names sets the defaults).

ENV_POLL_SECONDS="${ENV_POLL_SECONDS:-15}"
ENV_STOP_WAIT_SECONDS="${ENV_STOP_WAIT_SECONDS:-900}"
ENV_SUSPEND_FLAGS=(DynamicScalingInSuspended DynamicScalingOutSuspended ScheduledScalingSuspended)

# env_names ENV: the names Terraform gives the environment's resources.
env_names() {
  local name="ecommerce-$1"
  ENV_CLUSTER="${ENV_CLUSTER:-$name}"
  ENV_DB_INSTANCE="${ENV_DB_INSTANCE:-$name}"
  ENV_NAT_TAG="${ENV_NAT_TAG:-${name}-nat-instance}"
  # The scheduler Lambda's parameter path (terraform/modules/scheduler: /<name>/scheduler/desired-count).
  ENV_COUNT_PREFIX="${ENV_COUNT_PREFIX:-/${name}/scheduler/desired-count}"
}

# ---- what exists ------------------------------------------------------------

# env_services_json: name and desired count of every service of the cluster.
env_services_json() {
  local arns names=() out
  arns="$(aws ecs list-services --region "$REGION" --cluster "$ENV_CLUSTER" --output json)" ||
    die "cannot list the services of cluster ${ENV_CLUSTER}"
  mapfile -t names < <(jq -r '.serviceArns[]' <<<"$arns")
  if [ "${#names[@]}" -eq 0 ]; then
    echo '[]'
    return 0
  fi
  out="$(aws ecs describe-services --region "$REGION" --cluster "$ENV_CLUSTER" --services "${names[@]}" --output json)" ||
    die "cannot describe the services of cluster ${ENV_CLUSTER}"
  jq -c '[.services[] | select(.status == "ACTIVE") | {name: .serviceName, desired: .desiredCount}] | sort_by(.name)' <<<"$out"
}

# env_scaling_json: {service: true when all its scaling is suspended} for the
# services with an Application Auto Scaling target.
env_scaling_json() {
  local out
  out="$(aws application-autoscaling describe-scalable-targets --region "$REGION" --service-namespace ecs --output json)" ||
    die "cannot read the services' auto scaling (application-autoscaling describe-scalable-targets)"
  jq -c --arg p "service/${ENV_CLUSTER}/" '[.ScalableTargets[] | select(.ResourceId | startswith($p))
    | {key: (.ResourceId | ltrimstr($p)), value: ((.SuspendedState // {}) | [.DynamicScalingInSuspended, .DynamicScalingOutSuspended, .ScheduledScalingSuspended] | all)}]
    | from_entries' <<<"$out"
}

# env_db_status: the RDS instance status, empty when there is none.
env_db_status() {
  local out
  out="$(aws rds describe-db-instances --region "$REGION" --db-instance-identifier "$ENV_DB_INSTANCE" --output json 2>/dev/null)" || return 0
  jq -r '.DBInstances[0].DBInstanceStatus // empty' <<<"$out"
}

# env_nat_instances STATE...: ids of the environment's NAT instances in the given states.
env_nat_instances() {
  local states="$*" out
  out="$(aws ec2 describe-instances --region "$REGION" \
    --filters "Name=tag:Name,Values=${ENV_NAT_TAG}" "Name=instance-state-name,Values=${states// /,}" \
    --output json)" || die "cannot describe the NAT instance (aws ec2 describe-instances)"
  jq -r '[.Reservations[].Instances[].InstanceId] | sort | .[]' <<<"$out"
}

# env_nat_list ARRAY STATE...: fills ARRAY with env_nat_instances STATE... (an
# AWS error stops the script).
env_nat_list() {
  local out
  out="$(env_nat_instances "${@:2}")" || exit 1
  mapfile -t "$1" < <(grep . <<<"$out" || true)
}

env_set_scaling_suspended() { # SERVICE true|false
  local flags=() f
  for f in "${ENV_SUSPEND_FLAGS[@]}"; do
    flags+=("${f}=$2")
  done
  run aws application-autoscaling register-scalable-target --region "$REGION" --service-namespace ecs \
    --scalable-dimension ecs:service:DesiredCount --resource-id "service/${ENV_CLUSTER}/$1" \
    --suspended-state "$(IFS=,; echo "${flags[*]}")"
}

# env_state: "stopped" when the environment is paused (by the scheduler or
# by hand): its database is stopped or stopping, or every service runs 0
# tasks; "running" otherwise. Call it as state="$(env_state)" (so that an AWS
# error stops the script).
env_state() {
  local status services
  status="$(env_db_status)"
  case "$status" in
    stopped | stopping) echo stopped; return 0 ;;
  esac
  services="$(env_services_json)" || exit 1
  if jq -e 'length > 0 and all(.[]; .desired == 0)' <<<"$services" >/dev/null; then
    echo stopped
  else
    echo running
  fi
}

# env_wait_db_stopped: polls until a stopping RDS instance is stopped (it can
# only be started from there).
env_wait_db_stopped() {
  local waited=0 status
  if [ "$DRY_RUN" -eq 1 ]; then
    note "wait until the RDS instance ${ENV_DB_INSTANCE} is stopped (aws rds describe-db-instances)"
    return 0
  fi
  while status="$(env_db_status)" && [ "$status" = stopping ]; do
    [ "$waited" -lt "$ENV_STOP_WAIT_SECONDS" ] || die "RDS instance ${ENV_DB_INSTANCE} still stopping after ${ENV_STOP_WAIT_SECONDS}s"
    sleep "$ENV_POLL_SECONDS"
    waited=$((waited + ENV_POLL_SECONDS))
  done
}

# ---- pause / resume ---------------------------------------------------------

# env_pause now|after-resume: pauses the environment. Under --dry-run,
# after-resume prints the pause of the environment as env_resume would have
# left it (the services at their remembered counts, RDS and the NAT instance
# running), since the dry run did not really resume it.
env_pause() {
  local mode="$1" services scaling remembered name desired status nats
  services="$(env_services_json)" || exit 1
  scaling="$(env_scaling_json)" || exit 1
  if [ "$DRY_RUN" -eq 1 ] && [ "$mode" = after-resume ]; then
    remembered="$(aws ssm get-parameters-by-path --region "$REGION" --path "$ENV_COUNT_PREFIX" --output json)" ||
      die "cannot read the remembered desired counts under ${ENV_COUNT_PREFIX} (ssm get-parameters-by-path)"
    services="$(jq -c --argjson r "$remembered" --arg p "${ENV_COUNT_PREFIX}/" 'map(if .desired == 0
      then .desired = ([$r.Parameters[]? | select(.Name == $p + .name) | .Value | tonumber][0] // 1) else . end)' <<<"$services")"
  fi
  while IFS=$'\t' read -r name desired; do
    [ -n "$name" ] || continue
    if [ "$desired" -gt 0 ]; then
      # Remember first: a count never written is lost.
      run aws ssm put-parameter --region "$REGION" --name "${ENV_COUNT_PREFIX}/${name}" --type String \
        --value "$desired" --overwrite --description "Desired count of ECS service ${name} before the pause"
    fi
    if [ "$(jq -r --arg n "$name" 'if has($n) then .[$n] else "none" end' <<<"$scaling")" = false ]; then
      env_set_scaling_suspended "$name" true
    fi
    if [ "$desired" -gt 0 ]; then
      run aws ecs update-service --region "$REGION" --cluster "$ENV_CLUSTER" --service "$name" --desired-count 0 --output json >/dev/null
    else
      say "${name} already has 0 tasks"
    fi
  done < <(jq -r '.[] | [.name, .desired] | @tsv' <<<"$services")

  status="$(env_db_status)"
  if [ "$DRY_RUN" -eq 1 ] && [ "$mode" = after-resume ] && [ -n "$status" ]; then
    status=available
  fi
  case "$status" in
    available) run aws rds stop-db-instance --region "$REGION" --db-instance-identifier "$ENV_DB_INSTANCE" --output json >/dev/null ;;
    "") say "no RDS instance ${ENV_DB_INSTANCE}" ;;
    stopped | stopping) say "RDS instance ${ENV_DB_INSTANCE} is already ${status}" ;;
    *) warn "RDS instance ${ENV_DB_INSTANCE} is ${status}: not stopped (stop it later with scripts/teardown.sh pause)" ;;
  esac

  if [ "$DRY_RUN" -eq 1 ] && [ "$mode" = after-resume ]; then
    env_nat_list nats pending running stopping stopped
  else
    env_nat_list nats pending running
  fi
  if [ "${#nats[@]}" -gt 0 ]; then
    run aws ec2 stop-instances --region "$REGION" --instance-ids "${nats[@]}" --output json >/dev/null
  fi
}

# env_resume full|keep-scaling-suspended: starts what is stopped and waits until
# the services are stable. With keep-scaling-suspended (a deployment's
# temporary resume) auto scaling stays suspended, as the schedule left it.
env_resume() {
  local mode="$1" nats stopping status services scaling remembered name desired count names
  env_nat_list stopping stopping
  if [ "${#stopping[@]}" -gt 0 ]; then
    run aws ec2 wait instance-stopped --region "$REGION" --instance-ids "${stopping[@]}"
  fi
  env_nat_list nats stopping stopped
  if [ "${#nats[@]}" -gt 0 ]; then
    run aws ec2 start-instances --region "$REGION" --instance-ids "${nats[@]}" --output json >/dev/null
  fi

  status="$(env_db_status)"
  case "$status" in
    stopping)
      env_wait_db_stopped
      run aws rds start-db-instance --region "$REGION" --db-instance-identifier "$ENV_DB_INSTANCE" --output json >/dev/null
      ;;
    stopped)
      run aws rds start-db-instance --region "$REGION" --db-instance-identifier "$ENV_DB_INSTANCE" --output json >/dev/null
      ;;
    "") say "no RDS instance ${ENV_DB_INSTANCE}" ;;
  esac
  if [ -n "$status" ]; then
    run aws rds wait db-instance-available --region "$REGION" --db-instance-identifier "$ENV_DB_INSTANCE"
  fi

  services="$(env_services_json)" || exit 1
  scaling="$(env_scaling_json)" || exit 1
  remembered="$(aws ssm get-parameters-by-path --region "$REGION" --path "$ENV_COUNT_PREFIX" --output json)" ||
    die "cannot read the remembered desired counts under ${ENV_COUNT_PREFIX} (ssm get-parameters-by-path)"
  while IFS=$'\t' read -r name desired; do
    [ -n "$name" ] || continue
    count="$(jq -r --arg n "${ENV_COUNT_PREFIX}/${name}" '.Parameters // [] | map(select(.Name == $n)) | .[0].Value // empty' <<<"$remembered")"
    if [ "$desired" -eq 0 ]; then
      [[ "$count" =~ ^[1-9][0-9]*$ ]] || { warn "${name}: no remembered count under ${ENV_COUNT_PREFIX}: starting 1 task"; count=1; }
      run aws ecs update-service --region "$REGION" --cluster "$ENV_CLUSTER" --service "$name" --desired-count "$count" --output json >/dev/null
    fi
    if [ "$mode" != keep-scaling-suspended ] && [ "$(jq -r --arg n "$name" 'if has($n) then .[$n] else "none" end' <<<"$scaling")" = true ]; then
      env_set_scaling_suspended "$name" false
    fi
  done < <(jq -r '.[] | [.name, .desired] | @tsv' <<<"$services")

  mapfile -t names < <(jq -r '.[].name' <<<"$services")
  if [ "${#names[@]}" -gt 0 ]; then
    run aws ecs wait services-stable --region "$REGION" --cluster "$ENV_CLUSTER" --services "${names[@]}"
  fi
}

# env_scaling_resumed: "yes" when some service's auto scaling is no longer
# suspended: the scheduler's start (or a human's resume) ran meanwhile.
env_scaling_resumed() {
  local scaling
  scaling="$(env_scaling_json)" || exit 1
  if jq -e 'to_entries | any(.value == false)' <<<"$scaling" >/dev/null; then echo yes; else echo no; fi
}
