# shellcheck shell=bash
# Terraform state and init, shared by scripts/setup.sh and scripts/teardown.sh.
# Source after common.sh and aws-cli.sh; needs REGION and ACCOUNT set.
#
# One S3 bucket per account (ecommerce-tfstate-<account>, or $TF_STATE_BUCKET)
# holds one state per environment (key ecommerce/<env>/terraform.tfstate),
# locked with S3 itself (use_lockfile in terraform/backend.tf): see
# terraform/README.md, "Bootstrap and apply".

TF_DIR="${TF_DIR:-terraform}"

state_bucket_name() {
  printf '%s\n' "${TF_STATE_BUCKET:-ecommerce-tfstate-${ACCOUNT}}"
}

# ensure_state_bucket BUCKET: creates the versioned, encrypted, private state
# bucket when it does not exist (head-bucket is read-only and always runs).
ensure_state_bucket() {
  local bucket="$1"
  if aws s3api head-bucket --bucket "$bucket" --region "$REGION" >/dev/null 2>&1; then
    say "state bucket ${bucket} exists"
    return 0
  fi
  say "creating the state bucket ${bucket}"
  if [ "$REGION" = us-east-1 ]; then
    run aws s3api create-bucket --bucket "$bucket" --region "$REGION"
  else
    run aws s3api create-bucket --bucket "$bucket" --region "$REGION" \
      --create-bucket-configuration "LocationConstraint=${REGION}"
  fi
  run aws s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled
  run aws s3api put-bucket-encryption --bucket "$bucket" \
    --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
  run aws s3api put-public-access-block --bucket "$bucket" \
    --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
}

# tf_init ENV BUCKET: terraform init with this environment's state (always
# -reconfigure, so a folder initialised for another environment never applies
# to the wrong state).
tf_init() {
  run terraform -chdir="$TF_DIR" init -input=false -reconfigure \
    "-backend-config=bucket=$2" \
    "-backend-config=key=ecommerce/$1/terraform.tfstate" \
    "-backend-config=region=${REGION}"
}
