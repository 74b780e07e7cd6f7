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

# state_bucket_policy BUCKET: denies every request that does not use TLS.
state_bucket_policy() {
  jq -cn --arg b "$1" '{
    Version: "2012-10-17",
    Statement: [{
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::\($b)", "arn:aws:s3:::\($b)/*"],
      Condition: {Bool: {"aws:SecureTransport": "false"}}
    }]
  }'
}

# ensure_state_bucket BUCKET: the state bucket exists, in this account, and is
# versioned, encrypted (SSE-S3), closed to the public and reachable over TLS
# only. Each setting is read first and written only when it differs, so a
# second run on a set-up account changes nothing.
ensure_state_bucket() {
  local bucket="$1" out policy current
  if out="$(aws s3api head-bucket --bucket "$bucket" --expected-bucket-owner "$ACCOUNT" --region "$REGION" 2>&1)"; then
    say "state bucket ${bucket} exists"
  elif [[ "$out" == *"(403)"* || "$out" == *Forbidden* ]]; then
    die "the bucket ${bucket} exists but belongs to another account (or you may not read it): choose another name with TF_STATE_BUCKET"
  elif [[ "$out" == *"(404)"* || "$out" == *"Not Found"* ]]; then
    say "creating the state bucket ${bucket}"
    if [ "$REGION" = us-east-1 ]; then
      run aws s3api create-bucket --bucket "$bucket" --region "$REGION" --output json >/dev/null
    else
      run aws s3api create-bucket --bucket "$bucket" --region "$REGION" \
        --create-bucket-configuration "LocationConstraint=${REGION}" --output json >/dev/null
    fi
    if [ "$DRY_RUN" -eq 1 ]; then
      # Nothing to read back: print every setting.
      run aws s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled
      run aws s3api put-bucket-encryption --bucket "$bucket" \
        --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
      run aws s3api put-public-access-block --bucket "$bucket" \
        --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
      run aws s3api put-bucket-policy --bucket "$bucket" --policy "$(state_bucket_policy "$bucket")"
      return 0
    fi
  else
    die "cannot check the state bucket ${bucket}: ${out//$'\n'/ }"
  fi

  current="$(aws s3api get-bucket-versioning --bucket "$bucket" --output json)" || die "cannot read the versioning of ${bucket}"
  if [ "$(jq -r '.Status // "Off"' <<<"$current")" != Enabled ]; then
    run aws s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled
  fi
  current="$(aws s3api get-bucket-encryption --bucket "$bucket" --output json)" || die "cannot read the encryption of ${bucket}"
  if ! jq -e '.ServerSideEncryptionConfiguration.Rules | any(.ApplyServerSideEncryptionByDefault.SSEAlgorithm | . == "AES256" or . == "aws:kms")' <<<"$current" >/dev/null; then
    run aws s3api put-bucket-encryption --bucket "$bucket" \
      --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
  fi
  current="$(aws s3api get-public-access-block --bucket "$bucket" --output json 2>/dev/null || echo '{}')"
  if ! jq -e '.PublicAccessBlockConfiguration // {} | .BlockPublicAcls and .IgnorePublicAcls and .BlockPublicPolicy and .RestrictPublicBuckets' <<<"$current" >/dev/null; then
    run aws s3api put-public-access-block --bucket "$bucket" \
      --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
  fi
  policy="$(state_bucket_policy "$bucket")"
  current="$(aws s3api get-bucket-policy --bucket "$bucket" --output json 2>/dev/null || echo '{}')"
  if ! jq -e --argjson want "$policy" '(.Policy // "{}" | fromjson | .Statement // []) | any(. == $want.Statement[0])' <<<"$current" >/dev/null; then
    if jq -e '.Policy' <<<"$current" >/dev/null; then
      warn "the state bucket ${bucket} has a bucket policy without the TLS-only statement: not replaced; add the statement DenyInsecureTransport by hand (see scripts/lib/aws-terraform.sh)"
    else
      run aws s3api put-bucket-policy --bucket "$bucket" --policy "$policy"
    fi
  fi
}

# tf_init ENV BUCKET: terraform init with this environment's state (always
# -reconfigure, so a folder initialised for another environment never applies
# to the wrong state). Every later terraform command of the scripts passes
# -var state_bucket=BUCKET too (the plan and apply roles' state policies are
# scoped to it).
tf_init() {
  run terraform -chdir="$TF_DIR" init -input=false -reconfigure \
    "-backend-config=bucket=$2" \
    "-backend-config=key=ecommerce/$1/terraform.tfstate" \
    "-backend-config=region=${REGION}"
}
