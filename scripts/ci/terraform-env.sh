#!/usr/bin/env bash
# The terraform commands of the terraform workflow, for one environment, in
# one place: the same state key, variables file and state bucket variable for
# every job (a plan made by one job is applied by another).
#
# Usage: scripts/ci/terraform-env.sh init
#        scripts/ci/terraform-env.sh plan [terraform plan arguments...]
# Environment: ENV_NAME (dev or prod), BUCKET (the state bucket, repository
# variable TF_STATE_BUCKET_<ENV>), REGION (the bucket's region).
#
# init  terraform init with the S3 backend: key ecommerce/<env>/terraform.tfstate
#       (the key the plan and apply roles may touch, terraform/modules/github-oidc).
# plan  terraform plan with envs/<env>.tfvars and -var state_bucket=<bucket>,
#       waiting up to 5 minutes for the state lock.
set -euo pipefail

die() { echo "terraform-env: $*" >&2; exit 2; }

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "${ENV_NAME:-}" in
  dev | prod) ;;
  "") die "ENV_NAME is not set (dev or prod)" ;;
  *) die "ENV_NAME must be dev or prod, got '${ENV_NAME}'" ;;
esac
[ -n "${BUCKET:-}" ] || die "BUCKET is not set: set the repository variable TF_STATE_BUCKET_${ENV_NAME^^} (scripts/setup.sh prints it)"
[ -n "${REGION:-}" ] || die "REGION is not set"

cd "$(dirname "${BASH_SOURCE[0]}")/../../terraform"
case "$cmd" in
  init)
    exec terraform init -input=false -reconfigure \
      "-backend-config=bucket=${BUCKET}" \
      "-backend-config=key=ecommerce/${ENV_NAME}/terraform.tfstate" \
      "-backend-config=region=${REGION}"
    ;;
  plan)
    exec terraform plan -input=false -lock-timeout=5m \
      "-var-file=envs/${ENV_NAME}.tfvars" "-var=state_bucket=${BUCKET}" "$@"
    ;;
  *) die "usage: terraform-env.sh init|plan [arguments...]" ;;
esac
