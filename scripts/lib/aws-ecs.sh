# shellcheck shell=bash
# ECR and ECS steps of a deployment, shared by scripts/deploy.sh (laptop and
# the build-deploy / rollback workflows) and scripts/setup.sh. Source after
# common.sh and aws-cli.sh; needs REGION set.
#
# The hand-off with Terraform (terraform/modules/ecs/README.md): Terraform owns
# one task definition revision per family (the template) and the services'
# deployment settings (ECS-native BLUE_GREEN, bake time, alarm rollback). A
# deployment copies the latest ACTIVE revision of the service's family,
# changes only the application container's image to REPO@DIGEST, registers it
# and calls update-service. ECS shifts traffic to the new revision, bakes,
# and rolls back by itself when a 5xx alarm fires; the smoke test runs during
# the bake and rolls back when it fails.

DEPLOY_POLL_SECONDS="${DEPLOY_POLL_SECONDS:-15}"
DEPLOY_TIMEOUT_SECONDS="${DEPLOY_TIMEOUT_SECONDS:-2400}"

# ---- ECR ------------------------------------------------------------------

# ecr_login REGISTRY: docker login to the account's registry.
ecr_login() {
  local registry="$1"
  if [ "$DRY_RUN" -eq 1 ]; then
    printf '+ aws ecr get-login-password --region %s | docker login --username AWS --password-stdin %s\n' "$REGION" "$registry" >&3
    return 0
  fi
  aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$registry" >/dev/null
}

# ecr_digest_of_tag REPO TAG: the digest the tag points at, empty when absent.
ecr_digest_of_tag() {
  local out
  out="$(aws ecr describe-images --region "$REGION" --repository-name "$1" --image-ids "imageTag=$2" --output json 2>/dev/null)" || return 0
  jq -r '.imageDetails[0].imageDigest // empty' <<<"$out"
}

# ecr_require_digest REPO DIGEST: dies unless the repository holds DIGEST.
ecr_require_digest() {
  local out
  if ! out="$(aws ecr describe-images --region "$REGION" --repository-name "$1" --image-ids "imageDigest=$2" --output json 2>&1)"; then
    die "image $1@$2 is not in ECR (${out//$'\n'/ }); list the pushed digests with: aws ecr describe-images --repository-name $1"
  fi
  [ "$(jq -r '.imageDetails[0].imageDigest // empty' <<<"$out")" = "$2" ] || die "image $1@$2 is not in ECR"
}

# ---- ECS: task definitions ------------------------------------------------

# ecs_service_json CLUSTER SERVICE: the service description; dies when absent.
ecs_service_json() {
  local out
  out="$(aws ecs describe-services --region "$REGION" --cluster "$1" --services "$2" --output json)" ||
    die "cannot describe service $2 in cluster $1"
  jq -e '.services[0] | select(.status == "ACTIVE")' <<<"$out" 2>/dev/null ||
    die "service $2 is not active in cluster $1 (apply terraform/ first: see terraform/README.md)"
}

# family_of_task_definition ARN: arn:...:task-definition/FAMILY:REV -> FAMILY.
family_of_task_definition() {
  local name="${1##*/}"
  printf '%s\n' "${name%:*}"
}

# render_task_definition TASKDEF_JSON CONTAINER IMAGE: the register-task-definition
# input: the revision with the read-only fields removed and only CONTAINER's
# image replaced. Dies when the container is missing.
render_task_definition() {
  jq -e -c --arg c "$2" --arg img "$3" '
    .taskDefinition
    | if any(.containerDefinitions[]; .name == $c) then . else error("no container \($c)") end
    | del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities,
          .registeredAt, .registeredBy, .deregisteredAt)
    | .containerDefinitions |= map(if .name == $c then .image = $img else . end)
  ' <<<"$1" 2>/dev/null || die "task definition has no container named $2"
}

# register_revision CLUSTER SERVICE IMAGE: registers a new revision of the
# service's family with IMAGE; prints its ARN (a placeholder under --dry-run).
register_revision() {
  local cluster="$1" service="$2" image="$3" svc current family template input out
  svc="$(ecs_service_json "$cluster" "$service")"
  current="$(json_get "$svc" '.taskDefinition')"
  family="$(family_of_task_definition "$current")"
  # The latest ACTIVE revision of the family: a Terraform change to the
  # template ships with this deployment.
  template="$(aws ecs describe-task-definition --region "$REGION" --task-definition "$family" --output json)" ||
    die "cannot describe task definition family $family"
  input="$(render_task_definition "$template" "$service" "$image")"
  if [ "$DRY_RUN" -eq 1 ]; then
    run aws ecs register-task-definition --region "$REGION" --cli-input-json "$input"
    printf '%s\n' "${current%:*}:<new-revision>"
    return 0
  fi
  out="$(aws ecs register-task-definition --region "$REGION" --cli-input-json "$input" --output json)" ||
    die "register-task-definition failed for family $family"
  json_get "$out" '.taskDefinition.taskDefinitionArn'
}

# ---- ECS: rollout ----------------------------------------------------------

# latest_deployment_arn CLUSTER SERVICE SINCE: the newest service deployment
# created after SINCE (ISO 8601), empty when there is none yet.
latest_deployment_arn() {
  local out
  out="$(aws ecs list-service-deployments --region "$REGION" --cluster "$1" --service "$2" \
    --created-at "after=$3" --output json)" || return 0
  jq -r '.serviceDeployments // [] | sort_by(.createdAt) | last | .serviceDeploymentArn // empty' <<<"$out"
}

# deployment_state ARN: "STATUS LIFECYCLE_STAGE" of a service deployment.
deployment_state() {
  local out
  out="$(aws ecs describe-service-deployments --region "$REGION" --service-deployment-arns "$1" --output json)" ||
    die "cannot describe service deployment $1"
  jq -r '.serviceDeployments[0] | "\(.status // "UNKNOWN") \(.lifecycleStage // "-")"' <<<"$out"
}

# wait_deployment ARN UNTIL: polls a service deployment until
#   bake      production traffic is on the new revision (BAKE_TIME or later),
#             or ECS starts rolling it back;
#   finished  it is complete (SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL/FAILED).
# Returns 0 when it reached the bake time or finished SUCCESSFUL, 1 when ECS
# is rolling it back or stopped it (alarm, circuit breaker, manual rollback),
# 2 on timeout (DEPLOY_TIMEOUT_SECONDS).
wait_deployment() {
  local arn="$1" until="$2" waited=0 state status stage last=""
  while :; do
    state="$(deployment_state "$arn")"
    status="${state%% *}"
    stage="${state#* }"
    if [ "$state" != "$last" ]; then
      say "deployment ${arn##*/}: ${status} (${stage})"
      last="$state"
    fi
    case "$status" in
      SUCCESSFUL) return 0 ;;
      STOPPED | ROLLBACK_SUCCESSFUL | ROLLBACK_FAILED) return 1 ;;
      ROLLBACK_REQUESTED | ROLLBACK_IN_PROGRESS | STOP_REQUESTED)
        if [ "$until" = bake ]; then
          return 1
        fi
        ;;
      *)
        if [ "$until" = bake ] && { [ "$stage" = BAKE_TIME ] || [ "$stage" = CLEAN_UP ]; }; then
          return 0
        fi
        ;;
    esac
    if [ "$waited" -ge "$DEPLOY_TIMEOUT_SECONDS" ]; then
      return 2
    fi
    sleep "$DEPLOY_POLL_SECONDS"
    waited=$((waited + DEPLOY_POLL_SECONDS))
  done
}

# find_deployment CLUSTER SERVICE SINCE: waits a little for ECS to create the
# service deployment of an update; prints its ARN or dies.
find_deployment() {
  local arn="" tries=0
  while [ -z "$arn" ] && [ "$tries" -lt 20 ]; do
    arn="$(latest_deployment_arn "$@")"
    [ -n "$arn" ] && break
    tries=$((tries + 1))
    sleep "$DEPLOY_POLL_SECONDS"
  done
  [ -n "$arn" ] || die "no service deployment of $2 appeared after update-service"
  printf '%s\n' "$arn"
}

# roll_back CLUSTER SERVICE DEPLOYMENT_ARN PREVIOUS_TASKDEF: returns the service
# to the revision it ran before. While the deployment is still in progress,
# ECS's own rollback (stop-service-deployment ROLLBACK) moves traffic back at
# once; when that is not allowed or the deployment is over, a new deployment of
# the previous revision does it.
roll_back() {
  local cluster="$1" service="$2" arn="$3" previous="$4" since rollback_arn
  warn "rolling back ${service} to ${previous##*/}"
  if [ -n "$arn" ] && aws ecs stop-service-deployment --region "$REGION" \
    --service-deployment-arn "$arn" --stop-type ROLLBACK --output json >/dev/null 2>&1; then
    wait_deployment "$arn" finished || true
    case "$(deployment_state "$arn")" in
      ROLLBACK_SUCCESSFUL*)
        warn "${service}: ECS rolled back to the previous revision"
        return 0
        ;;
    esac
  fi
  since="$(utc_now -60)"
  aws ecs update-service --region "$REGION" --cluster "$cluster" --service "$service" \
    --task-definition "$previous" --output json >/dev/null || die "rollback of ${service} failed: update-service refused"
  rollback_arn="$(find_deployment "$cluster" "$service" "$since")"
  if wait_deployment "$rollback_arn" finished; then
    warn "${service}: rolled back to ${previous##*/}"
    return 0
  fi
  die "rollback of ${service} to ${previous##*/} did not complete: check the service in the ECS console"
}

# rollout CLUSTER SERVICE NEW_TASKDEF PREVIOUS_TASKDEF SMOKE_URL: update-service,
# wait for production traffic on the new revision, smoke test during the bake,
# wait until ECS declares the deployment SUCCESSFUL. Rolls back on a failed
# smoke test; ECS rolls back by itself on an alarm. Returns non-zero when the
# new revision is not the one running at the end.
rollout() {
  local cluster="$1" service="$2" new="$3" previous="$4" url="$5" since arn rc
  if [ "$DRY_RUN" -eq 1 ]; then
    run aws ecs update-service --region "$REGION" --cluster "$cluster" --service "$service" --task-definition "$new"
    note "wait until the blue/green deployment of ${service} shifts production traffic (aws ecs describe-service-deployments)"
    if [ -n "$url" ]; then
      print_cmd "${SMOKE_TEST}" "$url"
    fi
    note "wait until the deployment of ${service} is SUCCESSFUL (bake time over, no alarm); on a failed smoke test roll back to ${previous}"
    return 0
  fi
  since="$(utc_now -60)"
  aws ecs update-service --region "$REGION" --cluster "$cluster" --service "$service" \
    --task-definition "$new" --output json >/dev/null || die "update-service refused for ${service}"
  arn="$(find_deployment "$cluster" "$service" "$since")"
  rc=0
  wait_deployment "$arn" bake || rc=$?
  if [ "$rc" -eq 1 ]; then
    wait_deployment "$arn" finished || true
    warn "${service}: ECS rolled the deployment back (alarm or circuit breaker): $(deployment_state "$arn")"
    return 1
  elif [ "$rc" -eq 2 ]; then
    warn "${service}: deployment did not reach production traffic within ${DEPLOY_TIMEOUT_SECONDS}s"
    roll_back "$cluster" "$service" "$arn" "$previous"
    return 1
  fi
  if [ -n "$url" ] && ! "${SMOKE_TEST}" "$url"; then
    warn "${service}: smoke test failed against ${url}"
    roll_back "$cluster" "$service" "$arn" "$previous"
    return 1
  fi
  rc=0
  wait_deployment "$arn" finished || rc=$?
  case "$rc" in
    0) say "${service}: deployment SUCCESSFUL (${new##*/})" ;;
    1)
      wait_deployment "$arn" finished || true
      warn "${service}: ECS rolled the deployment back during the bake time (alarm): $(deployment_state "$arn")"
      return 1
      ;;
    *)
      warn "${service}: deployment not finished within ${DEPLOY_TIMEOUT_SECONDS}s"
      roll_back "$cluster" "$service" "$arn" "$previous"
      return 1
      ;;
  esac
}

# ---- ECS: one-off tasks (db-init) -----------------------------------------

# wait_task_success CLUSTER TASK_ARN CONTAINER: waits for the task to stop and
# dies unless CONTAINER exited 0.
wait_task_success() {
  local cluster="$1" task="$2" container="$3" out code reason
  aws ecs wait tasks-stopped --region "$REGION" --cluster "$cluster" --tasks "$task" ||
    die "task ${task##*/} did not stop in time"
  out="$(aws ecs describe-tasks --region "$REGION" --cluster "$cluster" --tasks "$task" --output json)" ||
    die "cannot describe task ${task##*/}"
  code="$(jq -r --arg c "$container" '.tasks[0].containers[] | select(.name == $c) | .exitCode // "none"' <<<"$out")"
  reason="$(jq -r '.tasks[0].stoppedReason // ""' <<<"$out")"
  [ "$code" = "0" ] || die "${container} task ${task##*/} failed: exit code ${code:-none} ${reason} (logs: CloudWatch group /ecs/<name>/${container})"
  say "${container} task ${task##*/} finished (exit code 0)"
}

# run_db_init CLUSTER: runs the db-init task (scripts/sql/bootstrap.sql through
# psql as the RDS master user; idempotent) in the services' subnets and
# security group, the same network settings as the Terraform output
# db_init_run_task_command, and waits for it to succeed.
run_db_init() {
  local cluster="$1" svc network subnets groups out task
  svc="$(ecs_service_json "$cluster" product-service)"
  network="$(json_get "$svc" '.networkConfiguration.awsvpcConfiguration')"
  subnets="$(jq -r '.subnets | join(",")' <<<"$network")"
  groups="$(jq -r '.securityGroups | join(",")' <<<"$network")"
  local args=(aws ecs run-task --region "$REGION" --cluster "$cluster" --task-definition "${cluster}-db-init"
    --launch-type FARGATE --started-by deploy-db-init
    --network-configuration "awsvpcConfiguration={subnets=[${subnets}],securityGroups=[${groups}],assignPublicIp=DISABLED}")
  if [ "$DRY_RUN" -eq 1 ]; then
    run "${args[@]}"
    note "wait until the db-init task stops and check that its exit code is 0"
    return 0
  fi
  out="$("${args[@]}" --output json)" || die "run-task of ${cluster}-db-init failed"
  if [ "$(jq '.failures | length' <<<"$out")" != "0" ]; then
    die "db-init task not started: $(jq -c '.failures' <<<"$out")"
  fi
  task="$(json_get "$out" '.tasks[0].taskArn')"
  wait_task_success "$cluster" "$task" db-init
}
