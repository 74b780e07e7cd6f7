#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# From an empty AWS account to a live, smoke-tested shop, from a laptop with
# administrator credentials of the target account (applying creates IAM
# roles). Safe to run again: a second run changes nothing.
#   1. checks the tools (aws, terraform >= 1.10, jq, git, curl, python3,
#      docker buildx), the credentials and the region;
#   2. creates the Terraform state bucket if missing (versioned, encrypted,
#      public access blocked, TLS-only bucket policy; S3-native locking) and
#      runs terraform init for this environment's state; every terraform
#      command gets -var state_bucket=BUCKET;
#   3. applies the ECR repositories first, then builds and pushes the first
#      images tagged "bootstrap" (the task definitions' var.image_tag);
#   4. applies everything (terraform asks for confirmation unless
#      --auto-approve);
#   5. resumes the environment if it is stopped (a second run outside
#      business hours; stopped again at the end), runs the db-init task (the
#      Terraform output db_init_run_task_command) and waits for the services;
#   6. waits for the shop to answer at the ALB URL, loads the demo catalog
#      through the public API with the admin key read from Secrets Manager
#      (by SKU: existing products are left alone), runs the smoke test;
#   7. prints the URL and the GitHub repository variables to set, as
#      `gh variable set` commands.
#
# Usage: scripts/setup.sh [options]
#   -e, --env ENV        dev (default) or prod (uses terraform/envs/ENV.tfvars)
#   -r, --region REGION  AWS region (default: $AWS_REGION)
#   --auto-approve       do not ask before terraform apply
#   --skip-images        the bootstrap images are already pushed
#   --dry-run            print the commands that change something
#   -h, --help           this help
# Settings: TF_STATE_BUCKET (default ecommerce-tfstate-<account>),
# SETUP_WAIT_SECONDS (how long to wait for the shop to answer, default 600).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/aws-cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-cli.sh"
# shellcheck source=lib/aws-ecs.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-ecs.sh"
# shellcheck source=lib/aws-terraform.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-terraform.sh"
# shellcheck source=lib/aws-environment.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-environment.sh"

ENVIRONMENT="dev"
REGION_ARG=""
AUTO_APPROVE=0
IMAGES=1
SERVICES=(product-service order-service frontend)
CATALOG="services/product-service/demo/catalog.json"
WAIT_SECONDS="${SETUP_WAIT_SECONDS:-600}"

usage() { script_help "$0"; }

while [ $# -gt 0 ]; do
  case "$1" in
    -e | --env) ENVIRONMENT="${2:?--env needs a value}"; shift ;;
    -r | --region) REGION_ARG="${2:?--region needs a value}"; shift ;;
    --auto-approve) AUTO_APPROVE=1 ;;
    --skip-images) IMAGES=0 ;;
    --dry-run) DRY_RUN=1 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

cd "$ROOT_DIR"
check_environment "$ENVIRONMENT"
TFVARS="envs/${ENVIRONMENT}.tfvars"
[ -f "${TF_DIR}/${TFVARS}" ] || die "missing ${TF_DIR}/${TFVARS}"

# 1. tools, credentials, region
need_tool aws "install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)"
need_tool terraform "install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install)"
need_tool jq "apt-get install jq (or brew install jq)"
need_tool git "apt-get install git"
need_tool curl "apt-get install curl"
need_tool python3 "apt-get install python3 (loads the demo catalog)"
if [ "$IMAGES" -eq 1 ]; then
  need_tool docker "install Docker with the buildx plugin, or pass --skip-images"
fi
tf_version="$(terraform version -json 2>/dev/null | jq -r '.terraform_version // empty' || true)"
case "$tf_version" in
  "") die "cannot read the Terraform version (terraform version -json)" ;;
  0.* | 1.[0-9].*) die "Terraform ${tf_version} is too old: terraform/ needs >= 1.10 (S3 native locking)" ;;
esac
REGION="$(resolve_region "$REGION_ARG")"
ACCOUNT="$(json_get "$(aws_identity)" '.Account')"
env_names "$ENVIRONMENT"
say "setting up ${ENVIRONMENT} in account ${ACCOUNT}, region ${REGION} (Terraform ${tf_version})"
if grep -q 'example-org/' "${TF_DIR}/${TFVARS}"; then
  warn "${TF_DIR}/${TFVARS}: github_repository is still example-org/...: the OIDC roles will trust the wrong repository"
fi
if grep -q 'ops@example.com' "${TF_DIR}/${TFVARS}"; then
  warn "${TF_DIR}/${TFVARS}: alert_emails is still ops@example.com: alarms and budget alerts go nowhere"
fi

# 2. state
BUCKET="$(state_bucket_name)"
ensure_state_bucket "$BUCKET"
tf_init "$ENVIRONMENT" "$BUCKET"

# A shared account (both environments in one account): GitHub's OIDC provider
# exists once per account, made by the first environment's stack; the other
# stack must read it instead of creating it (docs/ci-cd.md, "Account layouts").
check_oidc_provider() {
  local out arn
  if grep -Eq '^[[:space:]]*create_github_oidc_provider[[:space:]]*=[[:space:]]*false' "${TF_DIR}/${TFVARS}"; then
    return 0
  fi
  out="$(aws iam list-open-id-connect-providers --output json)" ||
    die "cannot list the account's OIDC providers (iam:ListOpenIDConnectProviders)"
  arn="$(jq -r '.OpenIDConnectProviderList[].Arn | select(endswith("/token.actions.githubusercontent.com"))' <<<"$out")"
  [ -n "$arn" ] || return 0
  if terraform -chdir="$TF_DIR" state list 2>/dev/null | grep -q 'aws_iam_openid_connect_provider'; then
    return 0 # this environment's stack made it
  fi
  local message="this account already has GitHub's OIDC provider (${arn}), made by another environment's stack (a shared account): set, in ${TF_DIR}/${TFVARS},
    create_github_oidc_provider       = false
    existing_github_oidc_provider_arn = \"${arn}\"
  and run scripts/setup.sh again (docs/ci-cd.md, \"Account layouts\")"
  [ "$DRY_RUN" -eq 1 ] && { warn "$message"; return 0; }
  die "$message"
}
check_oidc_provider

apply_args=(-input=false "-var-file=${TFVARS}" -var "state_bucket=${BUCKET}")
[ "$AUTO_APPROVE" -eq 1 ] && apply_args+=(-auto-approve)

# 3. repositories, then the first images
run terraform -chdir="$TF_DIR" apply "${apply_args[@]}" -target=module.ecr
if [ "$IMAGES" -eq 1 ]; then
  deploy_args=(--env "$ENVIRONMENT" --region "$REGION" --tag bootstrap --build-only)
  [ "$DRY_RUN" -eq 1 ] && deploy_args+=(--dry-run)
  "${ROOT_DIR}/scripts/deploy.sh" "${deploy_args[@]}"
fi

# 4. everything
run terraform -chdir="$TF_DIR" apply "${apply_args[@]}"

# tf_output NAME: a root output (dies naming it when it is missing).
tf_output() {
  terraform -chdir="$TF_DIR" output -raw "$1" 2>/dev/null ||
    die "terraform output $1 is missing: is terraform/ (outputs.tf) older than this script?"
}

if [ "$DRY_RUN" -eq 1 ]; then
  print_cmd terraform -chdir="$TF_DIR" output -raw db_init_run_task_command
  note "run that command (aws ecs run-task ... db-init), wait until the task stops and check its exit code"
  note "wait until the services are stable and the shop answers at terraform output -raw url"
  print_cmd aws secretsmanager get-secret-value --region "$REGION" --secret-id '<terraform output -raw admin_api_key_secret_arn>' --output json
  print_cmd env ADMIN_API_KEY='<SecretString of that secret>' python3 scripts/lib/load_demo.py '<url>' - "$CATALOG"
  print_cmd scripts/smoke-test.sh '<url>'
  say "dry run: nothing was changed"
  exit 0
fi

# The scripts name the ECR repositories ecommerce-ENV/SERVICE (deploy.sh).
repositories="$(terraform -chdir="$TF_DIR" output -json ecr_repository_names 2>/dev/null)" ||
  die "terraform output ecr_repository_names is missing: is terraform/ (outputs.tf) older than this script?"
for s in "${SERVICES[@]}"; do
  [ "$(jq -r --arg s "$s" '.[$s] // empty' <<<"$repositories")" = "ecommerce-${ENVIRONMENT}/${s}" ] ||
    die "ECR repository of ${s} is '$(jq -r --arg s "$s" '.[$s] // "missing"' <<<"$repositories")', scripts/deploy.sh pushes to ecommerce-${ENVIRONMENT}/${s}"
done
URL="$(tf_output url)"
CLUSTER="$(tf_output ecs_cluster_name)"
ENV_CLUSTER="$CLUSTER"

# 5. a stopped environment (a second run outside business hours) is resumed
# for the rest of this run and stopped again at the end, whatever happens.
RESUMED=0
restore_schedule() {
  [ "$RESUMED" -eq 1 ] || return 0
  RESUMED=0
  env_pause now
  say "${ENVIRONMENT} stopped again, as it was found (resume it with: scripts/teardown.sh resume --env ${ENVIRONMENT})"
}
on_exit() {
  local rc=$?
  restore_schedule || rc=1
  exit "$rc"
}
trap on_exit EXIT
state="$(env_state)"
if [ "$state" = stopped ]; then
  say "${ENVIRONMENT} is stopped (outside its business hours, or paused): resuming it for this run"
  RESUMED=1
  env_resume keep-scaling-suspended
fi

# database roles and schemas
command_line="$(tf_output db_init_run_task_command)"
[[ "$command_line" == "aws ecs run-task "* ]] || die "unexpected db_init_run_task_command output: ${command_line:0:80}"
say "running the db-init task"
out="$(eval "${command_line} --region ${REGION} --output json")" || die "db-init run-task failed"
[ "$(jq '.failures | length' <<<"$out")" = "0" ] || die "db-init not started: $(jq -c '.failures' <<<"$out")"
wait_task_success "$CLUSTER" "$(json_get "$out" '.tasks[0].taskArn')" db-init

say "waiting until the services run their tasks (aws ecs wait services-stable, up to 10 minutes)"
aws ecs wait services-stable --region "$REGION" --cluster "$CLUSTER" --services "${SERVICES[@]}" ||
  die "the services of ${CLUSTER} did not become stable: see their events with: aws ecs describe-services --cluster ${CLUSTER} --services ${SERVICES[*]} --query 'services[].events[:5]'"

# 6. the shop answers, then the catalog, then the smoke test
say "waiting until the shop answers at ${URL} (up to ${WAIT_SECONDS} s)"
deadline=$((SECONDS + WAIT_SECONDS))
until [ "$(curl --silent --output /dev/null --max-time 10 --write-out '%{http_code}' "${URL}/api/products?limit=1" 2>/dev/null || true)" = 200 ]; do
  [ "$SECONDS" -lt "$deadline" ] ||
    die "${URL}/api/products does not answer 200 after ${WAIT_SECONDS} s: check the target groups' health and the services' events (aws ecs describe-services --cluster ${CLUSTER} --services product-service)"
  sleep 5
done

say "loading the demo catalog (by SKU: products already there are left alone)"
admin_secret="$(tf_output admin_api_key_secret_arn)"
secret="$(aws secretsmanager get-secret-value --region "$REGION" --secret-id "$admin_secret" --output json)" ||
  die "cannot read the admin API key from Secrets Manager (secretsmanager:GetSecretValue on ${admin_secret})"
ADMIN_API_KEY="$(jq -er '.SecretString' <<<"$secret")" || die "the admin API key secret has no value"
secret=""
ADMIN_API_KEY="$ADMIN_API_KEY" python3 scripts/lib/load_demo.py "$URL" - "$CATALOG" ||
  die "loading the demo catalog failed (see above)"
ADMIN_API_KEY=""

say "smoke test"
scripts/smoke-test.sh "$URL" || die "the smoke test failed against ${URL}"

# 7. what next
deploy_role="$(tf_output github_deploy_role_arn)"
plan_role="$(tf_output github_plan_role_arn)"
apply_role="$(tf_output github_apply_role_arn)"
rotate_role="$(tf_output github_rotate_role_arn)"
suffix="$(tr '[:lower:]' '[:upper:]' <<<"$ENVIRONMENT")"
cat <<EOF

${ENVIRONMENT} is up: ${URL}
The demo catalog is loaded and the smoke test passed.

GitHub repository variables for the pipeline (docs/ci-cd.md); run these in
your clone of the repository (GitHub CLI, logged in with 'gh auth login'):

  gh variable set AWS_REGION --body '${REGION}'
  gh variable set AWS_DEPLOY_ROLE_ARN_${suffix} --body '${deploy_role}'
  gh variable set AWS_PLAN_ROLE_ARN_${suffix} --body '${plan_role}'
  gh variable set AWS_APPLY_ROLE_ARN_${suffix} --body '${apply_role}'
  gh variable set AWS_ROTATE_ROLE_ARN_${suffix} --body '${rotate_role}'
  gh variable set TF_STATE_BUCKET_${suffix} --body '${BUCKET}'
  gh variable set APP_URL_${suffix} --body '${URL}'

Optional secrets (each asks for its value):
  gh secret set SLACK_WEBHOOK_URL     # deployment outcomes to a Slack channel
  gh secret set INFRACOST_API_KEY     # cost difference in the plan comments

Then create the GitHub environments dev and prod (Settings > Environments; prod
with required reviewers): docs/ci-cd.md, "Repository settings".
EOF
