# Secrets and configuration: one customer-managed KMS key ($1/month) for the
# secrets, the SNS alarm topic and the RDS master secret; generated secrets in
# Secrets Manager ($0.40/secret/month), their values seeded outside Terraform
# (below); non-secret settings in SSM Parameter Store (standard parameters
# are free). Per-secret ARNs let each task's execution role read only its own.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

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

    # CloudWatch alarms, and EventBridge rules (the security services'
    # findings), publish to the encrypted alarm topic.
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
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

resource "aws_secretsmanager_secret" "this" {
  for_each = local.secrets

  name                    = "${var.name}/${each.key}"
  description             = "${each.value.env} of ${each.value.service}"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.recovery_window_days

  tags = merge(var.tags, { Service = each.value.service })
}

# Secret values never pass through Terraform: no value is in the state or a
# plan, and a plan needs no secretsmanager:GetSecretValue (the pull-request
# plan role has none). Each new secret gets its first random value from
# Secrets Manager itself, at apply time, by scripts/lib/aws-seed-secret.sh
# (get-random-password, then put-secret-value only when the secret has no
# AWSCURRENT version: a rotated or re-seeded value is never overwritten).
# It runs under the applying identity with the AWS CLI, before any task
# definition can name the secret (outputs.tf depends on it).
resource "terraform_data" "seed" {
  for_each = local.secrets

  # The second element re-runs the seed once on secrets seeded before their
  # first value was also labelled AWSPREVIOUS (the task definitions name it).
  triggers_replace = [aws_secretsmanager_secret.this[each.key].arn, "AWSCURRENT+AWSPREVIOUS"]

  provisioner "local-exec" {
    command     = "bash \"$SEED_SCRIPT\" \"$SECRET_ID\" \"$REGION\""
    interpreter = ["/bin/sh", "-c"]
    environment = {
      SEED_SCRIPT = "${path.module}/../../../scripts/lib/aws-seed-secret.sh"
      SECRET_ID   = aws_secretsmanager_secret.this[each.key].arn
      REGION      = data.aws_region.current.region
    }
  }
}

# Before secret values left Terraform, it generated them as
# aws_secretsmanager_secret_version resources: forget those versions
# without touching the values the services use.
removed {
  from = aws_secretsmanager_secret_version.this

  lifecycle {
    destroy = false
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
