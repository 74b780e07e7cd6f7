#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds, pushes and rolls out one or all services to an environment on AWS
# ECS, with the same steps as the build-deploy workflow:
#   1. log in to ECR; build each image for linux/amd64 and linux/arm64 with
#      docker buildx and push it to ecommerce-ENV/SERVICE tagged with the git
#      commit (immutable tags) (CI: push the OCI archive the build job made,
#      keeping its digest; rollback: use a digest already in ECR);
#   2. when the environment is stopped (the FinOps scheduler stops dev
#      outside business hours, or scripts/teardown.sh pause), resume it: NAT
#      instance, RDS (waited until available), the services' remembered
#      counts, auto scaling left suspended; it is stopped again at the end,
#      whatever the outcome, unless the scheduler's start resumed it meanwhile;
#   3. run the db-init task (idempotent: database roles and schemas);
#   4. per service (product-service, order-service, frontend): register a new
#      revision of its task definition with the image pinned by digest,
#      update-service (ECS blue/green), wait for production traffic, run
#      scripts/smoke-test.sh during the bake time, wait until ECS declares the
#      deployment SUCCESSFUL; roll back on a failed smoke test (ECS rolls back
#      by itself when an alarm fires).
#
# Usage: scripts/deploy.sh [options] [SERVICE...]   (default: all three)
#   -e, --env ENV          dev (default) or prod
#   -r, --region REGION    AWS region (default: $AWS_REGION)
#   --cluster NAME         ECS cluster (default: $ECS_CLUSTER or ecommerce-ENV)
#   --url URL              public URL for the smoke test (default: $APP_URL,
#                          else `terraform output -raw url`)
#   --tag TAG              image tag (default: the git commit)
#   --digest sha256:...    roll out this digest, already in ECR (rollback; one service)
#   --artifacts DIR        push DIR/SERVICE.oci.tar (digest in DIR/SERVICE.digest)
#                          instead of building (what CI does; needs skopeo)
#   --skip-db-init         do not run the db-init task
#   --db-init-only         run the db-init task and stop
#   --build-only           build and push the images, roll out nothing (setup.sh)
#   --no-smoke-test        do not run the smoke test
#   --dry-run              print the commands that change something; run only
#                          read-only AWS calls (describe, list, sts)
#   -h, --help             this help
# Needs: aws (v2), jq, git, curl; docker with buildx to build; skopeo for --artifacts.
# Credentials: any AWS credentials of the account (SSO profile, OIDC in CI).
# Settings: ECR_REPOSITORY_PREFIX (default ecommerce-ENV: the repositories
# are ecommerce-ENV/SERVICE, terraform output ecr_repository_names).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/aws-cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-cli.sh"
# shellcheck source=lib/aws-ecs.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-ecs.sh"
# shellcheck source=lib/aws-environment.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-environment.sh"

ALL_SERVICES=(product-service order-service frontend)
PLATFORMS="linux/amd64,linux/arm64"
SMOKE_TEST="scripts/smoke-test.sh"

ENVIRONMENT="dev"
REGION_ARG=""
CLUSTER="${ECS_CLUSTER:-}"
URL="${APP_URL:-}"
TAG=""
DIGEST=""
ARTIFACTS=""
DB_INIT=1
DB_INIT_ONLY=0
BUILD_ONLY=0
SMOKE=1
SERVICES=()

usage() { script_help "$0"; }

while [ $# -gt 0 ]; do
  case "$1" in
    -e | --env) ENVIRONMENT="${2:?--env needs a value}"; shift ;;
    -r | --region) REGION_ARG="${2:?--region needs a value}"; shift ;;
    --cluster) CLUSTER="${2:?--cluster needs a value}"; shift ;;
    --url) URL="${2:?--url needs a value}"; shift ;;
    --tag) TAG="${2:?--tag needs a value}"; shift ;;
    --digest) DIGEST="${2:?--digest needs a value}"; shift ;;
    --artifacts) ARTIFACTS="${2:?--artifacts needs a value}"; shift ;;
    --skip-db-init) DB_INIT=0 ;;
    --db-init-only) DB_INIT_ONLY=1 ;;
    --build-only) BUILD_ONLY=1; DB_INIT=0; SMOKE=0 ;;
    --no-smoke-test) SMOKE=0 ;;
    --dry-run) DRY_RUN=1 ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option: $1 (see --help)" ;;
    *) SERVICES+=("$1") ;;
  esac
  shift
done

cd "$ROOT_DIR"
check_environment "$ENVIRONMENT"
[ "${#SERVICES[@]}" -gt 0 ] || SERVICES=("${ALL_SERVICES[@]}")
for s in "${SERVICES[@]}"; do
  [[ " ${ALL_SERVICES[*]} " == *" $s "* ]] || die "unknown service '$s' (expected one of: ${ALL_SERVICES[*]})"
done
if [ -n "$DIGEST" ]; then
  [[ "$DIGEST" =~ ^sha256:[0-9a-f]{64}$ ]] || die "--digest must look like sha256:<64 hex digits>, got '$DIGEST'"
  [ "${#SERVICES[@]}" -eq 1 ] || die "--digest rolls out one service: name it (e.g. scripts/deploy.sh --digest sha256:... product-service)"
  [ -z "$ARTIFACTS" ] || die "--digest and --artifacts exclude each other"
fi

need_tool aws "install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)"
need_tool jq "apt-get install jq (or brew install jq)"
need_tool git "apt-get install git"
if [ "$DB_INIT_ONLY" -eq 0 ] && [ -z "$DIGEST" ]; then
  if [ -n "$ARTIFACTS" ]; then
    need_tool skopeo "apt-get install skopeo (pushes the CI-built OCI archives without changing their digest)"
    need_tool docker "install Docker (its login holds the ECR credentials skopeo uses)"
  else
    need_tool docker "install Docker with the buildx plugin (https://docs.docker.com/engine/install/)"
    docker buildx version >/dev/null 2>&1 || die "docker buildx is missing: install the docker-buildx plugin"
  fi
fi

REGION="$(resolve_region "$REGION_ARG")"
CLUSTER="${CLUSTER:-ecommerce-${ENVIRONMENT}}"
ENV_CLUSTER="$CLUSTER"
env_names "$ENVIRONMENT"
REPOSITORY_PREFIX="${ECR_REPOSITORY_PREFIX:-ecommerce-${ENVIRONMENT}}"
IDENTITY="$(aws_identity)"
ACCOUNT="$(json_get "$IDENTITY" '.Account')"
REGISTRY="${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com"
say "environment ${ENVIRONMENT}: account ${ACCOUNT}, region ${REGION}, cluster ${CLUSTER}"

# repository SERVICE: the service's ECR repository (one per environment and service).
repository() {
  printf '%s/%s\n' "$REPOSITORY_PREFIX" "$1"
}

# ---- a stopped environment ---------------------------------------------------
# Off-hours the scheduler has stopped the services, RDS and the NAT instance:
# db-init, the rollout and the smoke test need them. RESUMED=1 once this run
# resumed the environment; restore_schedule (on exit, whatever the outcome)
# stops it again unless the scheduler's start (or a human's resume) resumed
# the services' auto scaling meanwhile.
RESUMED=0
resume_if_stopped() {
  local state
  state="$(env_state)"
  if [ "$state" = stopped ]; then
    say "${ENVIRONMENT} is stopped (outside its business hours, or paused by hand): resuming it for this deployment; it is stopped again when the deployment ends"
    RESUMED=1
    env_resume keep-scaling-suspended
    [ "$DRY_RUN" -eq 1 ] || say "${ENVIRONMENT} resumed for the deployment"
  fi
}

restore_schedule() {
  local resumed_meanwhile=no
  [ "$RESUMED" -eq 1 ] || return 0
  RESUMED=0
  [ "$DRY_RUN" -eq 1 ] || resumed_meanwhile="$(env_scaling_resumed)"
  if [ "$resumed_meanwhile" = yes ]; then
    say "${ENVIRONMENT} left running: its services' auto scaling was resumed during the deployment (the scheduler's start, or scripts/teardown.sh resume, ran)"
    return 0
  fi
  env_pause after-resume
  if [ "$DRY_RUN" -eq 1 ]; then
    note "${ENVIRONMENT} is stopped again afterwards, as it was found"
  else
    say "${ENVIRONMENT} stopped again, as the schedule expects outside business hours (it was stopped when this deployment started); resume it with: scripts/teardown.sh resume --env ${ENVIRONMENT}"
  fi
}

WORK_DIR=""
on_exit() {
  local rc=$?
  restore_schedule || rc=1
  if [ -n "$WORK_DIR" ] && [ -z "${DEPLOY_WORK_DIR:-}" ]; then
    rm -rf "$WORK_DIR"
  fi
  exit "$rc"
}
trap on_exit EXIT

if [ "$DB_INIT_ONLY" -eq 1 ]; then
  resume_if_stopped
  run_db_init "$CLUSTER"
  exit 0
fi

if [ "$SMOKE" -eq 1 ] && [ -z "$URL" ]; then
  if command -v terraform >/dev/null 2>&1; then
    URL="$(terraform -chdir=terraform output -raw url 2>/dev/null || true)"
  fi
  [ -n "$URL" ] || die "no URL for the smoke test: pass --url, set APP_URL (terraform output -raw url) or use --no-smoke-test"
fi
[ "$SMOKE" -eq 1 ] || URL=""

if [ -z "$TAG" ]; then
  TAG="$(git rev-parse HEAD)"
  if [ -z "$ARTIFACTS" ] && [ -z "$DIGEST" ] && [ -n "$(git status --porcelain -- services config scripts/sql 2>/dev/null)" ]; then
    TAG="${TAG}-dirty-$(date -u +%Y%m%d%H%M%S)"
    warn "uncommitted changes under services/: the image is tagged ${TAG}"
  fi
fi
[[ "$TAG" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "invalid image tag '$TAG'"

declare -A DIGESTS=()
if [ -n "${DEPLOY_WORK_DIR:-}" ]; then
  WORK_DIR="$DEPLOY_WORK_DIR"
  mkdir -p "$WORK_DIR"
else
  WORK_DIR="$(mktemp -d)"
fi

# build_and_push SERVICE: buildx multi-arch build pushed as REGISTRY/REPOSITORY:TAG.
build_and_push() {
  local service="$1" repo existing metadata
  repo="${REGISTRY}/$(repository "$1")"
  existing="$(ecr_digest_of_tag "$(repository "$service")" "$TAG")"
  if [ -n "$existing" ]; then
    say "${repo}:${TAG} is already in ECR (${existing}): not rebuilt (tags are immutable)"
    DIGESTS[$service]="$existing"
    return 0
  fi
  if [ ! -f "services/${service}/Dockerfile" ]; then
    [ "$DRY_RUN" -eq 1 ] || die "services/${service}/Dockerfile does not exist"
    warn "services/${service}/Dockerfile does not exist (yet): the build would fail"
  fi
  metadata="${WORK_DIR}/${service}.metadata.json"
  run docker buildx build --platform "$PLATFORMS" --file "services/${service}/Dockerfile" \
    --tag "${repo}:${TAG}" --label "org.opencontainers.image.revision=${TAG}" \
    --provenance=false --metadata-file "$metadata" --push .
  if [ "$DRY_RUN" -eq 1 ]; then
    DIGESTS[$service]="sha256:<digest of ${repo}:${TAG}>"
  else
    DIGESTS[$service]="$(jq -er '."containerimage.digest"' "$metadata")" || die "buildx wrote no digest for ${service}"
  fi
}

# push_archive SERVICE: pushes ARTIFACTS/SERVICE.oci.tar (built once by CI)
# keeping its digest, and checks that ECR holds exactly that digest.
push_archive() {
  local service="$1" repo archive="${ARTIFACTS}/$1.oci.tar" expected existing pushed
  repo="${REGISTRY}/$(repository "$1")"
  [ -f "$archive" ] || die "missing ${archive} (the build job's artifact)"
  expected="$(tr -d '[:space:]' <"${ARTIFACTS}/${service}.digest")"
  [[ "$expected" =~ ^sha256:[0-9a-f]{64}$ ]] || die "${ARTIFACTS}/${service}.digest holds no digest"
  existing="$(ecr_digest_of_tag "$(repository "$service")" "$TAG")"
  if [ -n "$existing" ]; then
    [ "$existing" = "$expected" ] || die "${repo}:${TAG} already exists with another digest (${existing}, built ${expected})"
    say "${repo}:${TAG} is already in ECR with the built digest"
  else
    run skopeo copy --all --preserve-digests --retry-times 3 \
      --dest-authfile "${DOCKER_CONFIG:-$HOME/.docker}/config.json" \
      "oci-archive:${archive}" "docker://${repo}:${TAG}"
    if [ "$DRY_RUN" -eq 0 ]; then
      pushed="$(ecr_digest_of_tag "$(repository "$service")" "$TAG")"
      [ "$pushed" = "$expected" ] || die "pushed ${repo}:${TAG} has digest '${pushed}', the build made ${expected}"
    fi
  fi
  DIGESTS[$service]="$expected"
}

if [ -n "$DIGEST" ]; then
  ecr_require_digest "$(repository "${SERVICES[0]}")" "$DIGEST"
  DIGESTS[${SERVICES[0]}]="$DIGEST"
else
  ecr_login "$REGISTRY"
  for s in "${SERVICES[@]}"; do
    if [ -n "$ARTIFACTS" ]; then
      push_archive "$s"
    else
      build_and_push "$s"
    fi
  done
fi

if [ "$BUILD_ONLY" -eq 1 ]; then
  for s in "${SERVICES[@]}"; do
    say "${REGISTRY}/$(repository "$s"):${TAG} = ${DIGESTS[$s]}"
  done
  exit 0
fi

resume_if_stopped
if [ "$DB_INIT" -eq 1 ]; then
  run_db_init "$CLUSTER"
fi

SUMMARY=()
FAILED=0
for s in "${ALL_SERVICES[@]}"; do
  [[ " ${SERVICES[*]} " == *" $s "* ]] || continue
  image="${REGISTRY}/$(repository "$s")@${DIGESTS[$s]}"
  svc_json="$(ecs_service_json "$CLUSTER" "$s")"
  previous="$(json_get "$svc_json" '.taskDefinition')"
  say "${s}: ${previous##*/} -> ${image}"
  new="$(register_revision "$CLUSTER" "$s" "$image")"
  if rollout "$CLUSTER" "$s" "$new" "$previous" "$URL"; then
    SUMMARY+=("| ${s} | \`${DIGESTS[$s]}\` | ${new##*/} | ${previous##*/} | deployed |")
  else
    SUMMARY+=("| ${s} | \`${DIGESTS[$s]}\` | ${new##*/} | ${previous##*/} | rolled back |")
    FAILED=1
    break
  fi
done

if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ "$DRY_RUN" -eq 0 ]; then
  {
    echo "### Deployment to ${ENVIRONMENT} (${CLUSTER})"
    echo
    echo "| service | image digest | new revision | previous revision | result |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${SUMMARY[@]}"
    echo
    echo "Roll back with the **rollback** workflow (environment, service, an earlier digest from this table or \`aws ecr describe-images\`)."
  } >>"$GITHUB_STEP_SUMMARY"
fi
[ "$FAILED" -eq 0 ] || die "deployment to ${ENVIRONMENT} failed and was rolled back"
if [ "$DRY_RUN" -eq 1 ]; then
  say "dry run: nothing was changed"
else
  say "deployment to ${ENVIRONMENT} finished: ${SERVICES[*]}"
fi
