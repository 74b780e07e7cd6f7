# Business-hours teardown of one environment: two EventBridge Scheduler
# schedules (time-zone aware) invoke a Lambda function that stops the
# environment (ECS services to zero, each count remembered in SSM and its auto
# scaling suspended; then the RDS instance and the NAT instance) and starts it
# again (NAT instance, RDS waited until available, then the services, waited
# until steady). What it stops it tags auto-stopped=<UTC time>; a start removes
# the tag (the root provider ignores that key, so it is no drift). The function
# code is functions/scheduler/src, packaged here with archive_file. Failed
# invocations land in a dead-letter queue.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  region    = data.aws_region.current.region
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition

  function_name    = "${var.name}-scheduler"
  parameter_prefix = var.state_parameter_prefix == null ? "/${var.name}/scheduler/desired-count" : var.state_parameter_prefix
  source_dir       = var.source_dir == null ? "${path.module}/../../../functions/scheduler/src" : var.source_dir

  cluster_arn       = "arn:${local.partition}:ecs:${local.region}:${local.account}:cluster/${var.cluster_name}"
  service_arns      = "arn:${local.partition}:ecs:${local.region}:${local.account}:service/${var.cluster_name}/*"
  db_arns           = var.db_instance_id == null ? [] : ["arn:${local.partition}:rds:${local.region}:${local.account}:db:${var.db_instance_id}"]
  nat_instance_arns = [for id in var.nat_instance_ids : "arn:${local.partition}:ec2:${local.region}:${local.account}:instance/${id}"]
  parameter_arns = [
    "arn:${local.partition}:ssm:${local.region}:${local.account}:parameter${local.parameter_prefix}",
    "arn:${local.partition}:ssm:${local.region}:${local.account}:parameter${local.parameter_prefix}/*",
  ]
  kms_key_arns = var.kms_key_arn == null ? [] : [var.kms_key_arn]

  # The only tag key the function sets or removes (functions/scheduler/src/scheduler/stop_tags.py).
  stop_tag_key = "auto-stopped"

  schedules = {
    stop  = var.stop_schedule
    start = var.start_schedule
  }
}

# ---- code and logs -------------------------------------------------------------------

data "archive_file" "function" {
  type             = "zip"
  source_dir       = local.source_dir
  output_path      = "${path.root}/.terraform/tmp/${local.function_name}.zip"
  output_file_mode = "0644"
  excludes         = ["__pycache__", "scheduler/__pycache__"]
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_sqs_queue" "dead_letter" {
  name                      = "${local.function_name}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = var.kms_key_arn == null ? true : null
  kms_master_key_id         = var.kms_key_arn

  tags = var.tags
}

# ---- the function's role: this environment's cluster, services, database,
# NAT instances and parameters, nothing else --------------------------------------------

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "function" {
  name               = local.function_name
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "function" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  statement {
    sid       = "ReadClusterTags"
    actions   = ["ecs:DescribeClusters"]
    resources = [local.cluster_arn]
  }

  statement {
    sid       = "ListClusterServices"
    actions   = ["ecs:ListServices"]
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [local.cluster_arn]
    }
  }

  statement {
    sid       = "ScaleClusterServices"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService"]
    resources = [local.service_arns]
  }

  statement {
    sid       = "TagStoppedServices"
    actions   = ["ecs:TagResource", "ecs:UntagResource"]
    resources = [local.service_arns]

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "aws:TagKeys"
      values   = [local.stop_tag_key]
    }
  }

  statement {
    sid       = "ReadAutoScaling"
    actions   = ["application-autoscaling:DescribeScalableTargets"]
    resources = ["*"]
  }

  statement {
    sid       = "SuspendAutoScaling"
    actions   = ["application-autoscaling:RegisterScalableTarget"]
    resources = ["arn:${local.partition}:application-autoscaling:${local.region}:${local.account}:scalable-target/*"]
  }

  statement {
    sid       = "RememberDesiredCounts"
    actions   = ["ssm:PutParameter", "ssm:GetParametersByPath"]
    resources = local.parameter_arns
  }

  dynamic "statement" {
    for_each = length(local.db_arns) > 0 ? [1] : []
    content {
      sid       = "StopStartDatabase"
      actions   = ["rds:DescribeDBInstances", "rds:StopDBInstance", "rds:StartDBInstance"]
      resources = local.db_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.db_arns) > 0 ? [1] : []
    content {
      sid       = "TagStoppedDatabase"
      actions   = ["rds:AddTagsToResource", "rds:RemoveTagsFromResource"]
      resources = local.db_arns

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "aws:TagKeys"
        values   = [local.stop_tag_key]
      }
    }
  }

  dynamic "statement" {
    for_each = length(local.nat_instance_arns) > 0 ? [1] : []
    content {
      sid       = "StopStartNatInstance"
      actions   = ["ec2:StopInstances", "ec2:StartInstances"]
      resources = local.nat_instance_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.nat_instance_arns) > 0 ? [1] : []
    content {
      sid       = "TagStoppedNatInstance"
      actions   = ["ec2:CreateTags", "ec2:DeleteTags"]
      resources = local.nat_instance_arns

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "aws:TagKeys"
        values   = [local.stop_tag_key]
      }
    }
  }

  statement {
    sid       = "DeadLetter"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter.arn]
  }

  dynamic "statement" {
    for_each = length(local.kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "EncryptDeadLetters"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = local.kms_key_arns
    }
  }
}

resource "aws_iam_role_policy" "function" {
  name   = "scheduler"
  role   = aws_iam_role.function.id
  policy = data.aws_iam_policy_document.function.json
}

# ---- the function ------------------------------------------------------------------

resource "aws_lambda_function" "this" {
  function_name    = local.function_name
  description      = "Stops ${var.environment} outside business hours and starts it again (ECS, RDS, NAT instance)"
  role             = aws_iam_role.function.arn
  runtime          = "python3.12"
  handler          = "app.handler"
  architectures    = ["arm64"]
  filename         = data.archive_file.function.output_path
  source_code_hash = data.archive_file.function.output_base64sha256
  memory_size      = 128
  timeout          = var.start_wait_seconds + 60

  environment {
    variables = {
      CLUSTER_NAME           = var.cluster_name
      ENVIRONMENT            = var.environment
      DB_INSTANCE_ID         = var.db_instance_id == null ? "" : var.db_instance_id
      NAT_INSTANCE_IDS       = join(",", var.nat_instance_ids)
      ALLOW_PRODUCTION       = tostring(var.allow_production)
      STATE_PARAMETER_PREFIX = local.parameter_prefix
      START_WAIT_SECONDS     = tostring(var.start_wait_seconds)
    }
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dead_letter.arn
  }

  logging_config {
    log_format = "Text" # the function writes one JSON object per line itself
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.function]
}

# A failed stop or start is retried twice by Lambda (every step is idempotent),
# then goes to the dead-letter queue.
resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600
}

# ---- the schedules -------------------------------------------------------------------

resource "aws_scheduler_schedule_group" "this" {
  name = local.function_name

  tags = var.tags
}

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${local.function_name}-invoke"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "InvokeScheduler"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.this.arn, "${aws_lambda_function.this.arn}:*"]
  }

  statement {
    sid       = "DeadLetter"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter.arn]
  }

  dynamic "statement" {
    for_each = length(local.kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "EncryptDeadLetters"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = local.kms_key_arns
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "invoke-scheduler"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "this" {
  for_each = local.schedules

  name                         = "${var.name}-${each.key}"
  group_name                   = aws_scheduler_schedule_group.this.name
  description                  = "${each.key} ${var.environment} (${each.value}, ${var.timezone})"
  schedule_expression          = each.value
  schedule_expression_timezone = var.timezone
  state                        = var.enabled ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.this.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ action = each.key, environment = var.environment })

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 3
    }

    dead_letter_config {
      arn = aws_sqs_queue.dead_letter.arn
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}

# ---- alarms (optional) -----------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "errors" {
  count = var.alarm_topic_arn == null ? 0 : 1

  alarm_name          = "${local.function_name}-errors"
  alarm_description   = "A scheduled stop or start of ${var.environment} failed; see ${aws_cloudwatch_log_group.this.name}."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  count = var.alarm_topic_arn == null ? 0 : 1

  alarm_name          = "${local.function_name}-dead-letters"
  alarm_description   = "A stop or start of ${var.environment} gave up after its retries; inspect ${aws_sqs_queue.dead_letter.name}."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dead_letter.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]

  tags = var.tags
}
