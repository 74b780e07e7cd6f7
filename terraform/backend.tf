# S3 state with S3-native locking (a .tflock object next to the state; no
# DynamoDB table). Partial configuration: bucket, key and region come from
# `terraform init -backend-config=...` (see README.md), so
# `terraform init -backend=false` works for validate and test.
terraform {
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
