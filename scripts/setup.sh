#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# First deployment of an environment to AWS, from a laptop with administrator
# credentials of the target account (applying creates IAM roles):
#   1. checks the tools (aws, terraform >= 1.10, jq, git, docker buildx), the
#      credentials and the region;
#   2. creates the Terraform state bucket if missing (versioned, encrypted,
#      private; S3-native locking) and runs terraform init for this
#      environment's state;
#   3. applies the ECR repositories first, then builds and pushes the first
#      images tagged "bootstrap" (the task definitions' var.image_tag);
#   4. applies everything (terraform asks for confirmation unless --auto-approve);
#   5. runs the db-init task, whose command is the Terraform output
#      db_init_run_task_command, and waits for it to succeed;
#   6. prints the URL and the GitHub variables to set for the pipeline.
#
# Usage: scripts/setup.sh [options]
#   -e, --env ENV        dev (default), staging or prod (uses terraform/envs/ENV.tfvars)
#   -r, --region REGION  AWS region (default: $AWS_REGION)
#   --auto-approve       do not ask before terraform apply
#   --skip-images        the bootstrap images are already pushed
#   --dry-run            print the commands that change something
#   -h, --help           this help
# Settings: TF_STATE_BUCKET (default ecommerce-tfstate-<account>).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/aws-cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-cli.sh"
# shellcheck source=lib/aws-ecs.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-ecs.sh"
# shellcheck source=lib/aws-terraform.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-terraform.sh"

ENVIRONMENT="dev"
REGION_ARG=""
AUTO_APPROVE=0
IMAGES=1

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }

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

apply_args=(-input=false "-var-file=${TFVARS}")
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

# 5. database roles and schemas
if [ "$DRY_RUN" -eq 1 ]; then
  print_cmd terraform -chdir="$TF_DIR" output -raw db_init_run_task_command
  note "run that command (aws ecs run-task ... db-init), wait until the task stops and check its exit code"
else
  command_line="$(terraform -chdir="$TF_DIR" output -raw db_init_run_task_command)"
  [[ "$command_line" == "aws ecs run-task "* ]] || die "unexpected db_init_run_task_command output: ${command_line:0:80}"
  say "running the db-init task"
  out="$(eval "${command_line} --region ${REGION} --output json")" || die "db-init run-task failed"
  [ "$(jq '.failures | length' <<<"$out")" = "0" ] || die "db-init not started: $(jq -c '.failures' <<<"$out")"
  cluster="$(terraform -chdir="$TF_DIR" output -raw ecs_cluster_name)"
  wait_task_success "$cluster" "$(json_get "$out" '.tasks[0].taskArn')" db-init
fi

# 6. what next
if [ "$DRY_RUN" -eq 0 ]; then
  url="$(terraform -chdir="$TF_DIR" output -raw url)"
  deploy_role="$(terraform -chdir="$TF_DIR" output -raw github_deploy_role_arn)"
  plan_role="$(terraform -chdir="$TF_DIR" output -raw github_plan_role_arn)"
  suffix="$(tr '[:lower:]' '[:upper:]' <<<"$ENVIRONMENT")"
  cat <<EOF

${ENVIRONMENT} is up: ${url} (the services start in a minute or two).
Smoke test:  scripts/smoke-test.sh ${url}

GitHub repository variables for the pipeline (Settings > Secrets and variables > Actions > Variables),
see docs/ci-cd.md:
  AWS_REGION                    ${REGION}
  AWS_DEPLOY_ROLE_ARN_${suffix}     ${deploy_role}
  AWS_PLAN_ROLE_ARN_${suffix}       ${plan_role}
  TF_STATE_BUCKET_${suffix}         ${BUCKET}
  APP_URL_${suffix}                 ${url}
EOF
fi
