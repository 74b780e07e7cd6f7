# Account security services, each behind its variable (off by default, on
# in prod): GuardDuty, AWS Config with the managed rules that matter for
# this stack, Security Hub with the AWS Foundational Security Best
# Practices standard. Their findings go to the alarm topic through
# EventBridge rules. They are account- and Region-wide: turn them on in one
# stack per account (prod's, in the one-account-per-environment layout).

data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.region
}

# ---- GuardDuty --------------------------------------------------------------

resource "aws_guardduty_detector" "this" {
  count = var.enable_guardduty ? 1 : 0

  enable                       = true
  finding_publishing_frequency = "FIFTEEN_MINUTES"

  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "guardduty" {
  count = var.enable_guardduty ? 1 : 0

  name        = "${var.name}-guardduty-findings"
  description = "GuardDuty findings of severity ${var.guardduty_min_severity} or more, to the alarm topic"
  event_pattern = jsonencode({
    source        = ["aws.guardduty"]
    "detail-type" = ["GuardDuty Finding"]
    detail        = { severity = [{ numeric = [">=", var.guardduty_min_severity] }] }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "guardduty" {
  count = var.enable_guardduty ? 1 : 0

  rule      = aws_cloudwatch_event_rule.guardduty[0].name
  target_id = "alarm-topic"
  arn       = var.alarm_topic_arn
}

# ---- AWS Config ---------------------------------------------------------------

resource "aws_iam_service_linked_role" "config" {
  count = var.enable_config ? 1 : 0

  aws_service_name = "config.amazonaws.com"
}

resource "aws_config_configuration_recorder" "this" {
  count = var.enable_config ? 1 : 0

  name     = "${var.name}-recorder"
  role_arn = aws_iam_service_linked_role.config[0].arn

  recording_group {
    all_supported                 = true
    include_global_resource_types = true
  }
}

resource "aws_config_delivery_channel" "this" {
  count = var.enable_config ? 1 : 0

  name           = "${var.name}-delivery"
  s3_bucket_name = var.config_bucket_name
  s3_key_prefix  = "config"

  snapshot_delivery_properties {
    delivery_frequency = "TwentyFour_Hours"
  }

  depends_on = [aws_config_configuration_recorder.this]

  lifecycle {
    precondition {
      condition     = var.config_bucket_name != null
      error_message = "enable_config needs config_bucket_name (the logs bucket)."
    }
  }
}

resource "aws_config_configuration_recorder_status" "this" {
  count = var.enable_config ? 1 : 0

  name       = aws_config_configuration_recorder.this[0].name
  is_enabled = true

  depends_on = [aws_config_delivery_channel.this]
}

resource "aws_config_config_rule" "this" {
  for_each = var.enable_config ? var.config_rules : {}

  name = "${var.name}-${each.key}"

  source {
    owner             = "AWS"
    source_identifier = each.value
  }

  tags = var.tags

  depends_on = [aws_config_configuration_recorder.this]
}

resource "aws_cloudwatch_event_rule" "config" {
  count = var.enable_config ? 1 : 0

  name        = "${var.name}-config-noncompliant"
  description = "AWS Config rules of this stack turning NON_COMPLIANT, to the alarm topic"
  event_pattern = jsonencode({
    source        = ["aws.config"]
    "detail-type" = ["Config Rules Compliance Change"]
    detail = {
      configRuleName      = [for k, _ in var.config_rules : "${var.name}-${k}"]
      newEvaluationResult = { complianceType = ["NON_COMPLIANT"] }
    }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "config" {
  count = var.enable_config ? 1 : 0

  rule      = aws_cloudwatch_event_rule.config[0].name
  target_id = "alarm-topic"
  arn       = var.alarm_topic_arn
}

# ---- Security Hub ---------------------------------------------------------------

resource "aws_securityhub_account" "this" {
  count = var.enable_securityhub ? 1 : 0

  enable_default_standards = false
  auto_enable_controls     = true
}

resource "aws_securityhub_standards_subscription" "fsbp" {
  count = var.enable_securityhub ? 1 : 0

  standards_arn = "arn:${local.partition}:securityhub:${local.region}::standards/aws-foundational-security-best-practices/v/1.0.0"

  depends_on = [aws_securityhub_account.this]
}

resource "aws_cloudwatch_event_rule" "securityhub" {
  count = var.enable_securityhub ? 1 : 0

  name        = "${var.name}-securityhub-findings"
  description = "New CRITICAL and HIGH Security Hub findings, to the alarm topic"
  event_pattern = jsonencode({
    source        = ["aws.securityhub"]
    "detail-type" = ["Security Hub Findings - Imported"]
    detail = {
      findings = {
        Severity    = { Label = ["CRITICAL", "HIGH"] }
        Workflow    = { Status = ["NEW"] }
        RecordState = ["ACTIVE"]
      }
    }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "securityhub" {
  count = var.enable_securityhub ? 1 : 0

  rule      = aws_cloudwatch_event_rule.securityhub[0].name
  target_id = "alarm-topic"
  arn       = var.alarm_topic_arn
}
