# Secrets and configuration: one customer-managed KMS key ($1/month) for the
# secrets, the SNS alarm topic and the RDS master secret; generated secrets in
# Secrets Manager ($0.40/secret/month); non-secret settings in SSM Parameter
# Store (standard parameters are free). Per-service ARNs let each task's
# execution role read only its own.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  secrets = merge([
    for svc, names in var.generated_secrets : {
      for n in names : "${svc}/${n}" => { service = svc, env = n }
    }
  ]...)

  parameters = merge([
    for svc, kv in var.parameters : {
      for k, v in kv : "${svc}/${k}" => { service = svc, env = k, value = v }
    }
  ]...)
}

data "aws_iam_policy_document" "kms" {
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsToEncryptedSns"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: secrets, parameters, alarm topic, RDS master secret"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

data "aws_secretsmanager_random_password" "this" {
  for_each = local.secrets

  password_length     = 40
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "this" {
  for_each = local.secrets

  name                    = "${var.name}/${each.key}"
  description             = "${each.value.env} of ${each.value.service}"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.recovery_window_days

  tags = merge(var.tags, { Service = each.value.service })
}

# The first value is generated here; later values come from the rotation
# procedure (README), so Terraform never overwrites a rotated secret.
resource "aws_secretsmanager_secret_version" "this" {
  for_each = local.secrets

  secret_id     = aws_secretsmanager_secret.this[each.key].id
  secret_string = data.aws_secretsmanager_random_password.this[each.key].random_password

  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_ssm_parameter" "this" {
  for_each = local.parameters

  name        = "/${var.name}/${each.key}"
  description = "${each.value.env} of ${each.value.service}"
  type        = "String"
  tier        = "Standard"
  value       = each.value.value

  tags = merge(var.tags, { Service = each.value.service })
}
