# Log groups with retention, an encrypted SNS topic for alarms, and alarms on
# the services (CPU, memory, 5xx), the load balancer (5xx, p95 latency) and
# RDS (CPU, storage, connections). The per-service 5xx alarms also drive ECS
# blue/green rollback. Standard alarms cost $0.10 per alarm metric-month.
#
# The observability issue added, in the other files of this module: the SLO
# burn-rate alarms (slo.tf), the business-metric, restart and cost alarms
# (business.tf), the dashboard (dashboard.tf), the saved Logs Insights
# queries of the runbook (queries.tf) and the X-Ray sampling rules
# (xray.tf). docs/observability.md and docs/runbook.md explain them.

resource "aws_cloudwatch_log_group" "this" {
  for_each = var.log_groups

  name              = each.value
  retention_in_days = var.log_retention_days

  tags = merge(var.tags, { Service = each.key })
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn

  tags = var.tags
}

# With allow_eventbridge, the topic's policy replaces the default one: the
# account administers it, CloudWatch alarms and EventBridge rules of this
# account publish to it.
data "aws_caller_identity" "topic" {}

data "aws_iam_policy_document" "alarms_topic" {
  statement {
    sid       = "AccountAdministers"
    actions   = ["sns:*"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.topic.partition}:iam::${data.aws_caller_identity.topic.account_id}:root"]
    }
  }

  statement {
    sid       = "AlarmsAndEventsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.topic.account_id]
    }
  }
}

data "aws_partition" "topic" {}

resource "aws_sns_topic_policy" "alarms" {
  count = var.allow_eventbridge ? 1 : 0

  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  actions = [aws_sns_topic.alarms.arn]

  # The services' log groups (db-init is a one-off task): the resources
  # (metric filters and queries need them to exist) and their names.
  service_log_groups      = { for k, g in aws_cloudwatch_log_group.this : k => g.name if contains(keys(var.services), k) }
  service_log_group_names = { for k, n in var.log_groups : k => n if contains(keys(var.services), k) }

  # The business metrics (config/emf_metrics.json) by "<name>/<service>".
  emf_ns = var.emf_catalog.namespace
  emf    = { for m in var.emf_catalog.metrics : "${m.name}/${m.service}" => m }
}

# The tasks' own alarms (CPU, memory, and the restart alarm in business.tf)
# exist only with enable_task_alarms: dev turns them off (see variables.tf).
resource "aws_cloudwatch_metric_alarm" "service_cpu" {
  for_each = var.enable_task_alarms ? var.services : {}

  alarm_name          = "${var.name}-${each.key}-cpu-high"
  alarm_description   = "${each.key}: average CPU above ${var.thresholds.cpu_percent}% for 10 minutes"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.thresholds.cpu_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  dimensions          = { ClusterName = var.cluster_name, ServiceName = each.value.service_name }
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = merge(var.tags, { Service = each.key })
}

resource "aws_cloudwatch_metric_alarm" "service_memory" {
  for_each = var.enable_task_alarms ? var.services : {}

  alarm_name          = "${var.name}-${each.key}-memory-high"
  alarm_description   = "${each.key}: average memory above ${var.thresholds.memory_percent}% for 10 minutes"
  namespace           = "AWS/ECS"
  metric_name         = "MemoryUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.thresholds.memory_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  dimensions          = { ClusterName = var.cluster_name, ServiceName = each.value.service_name }
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = merge(var.tags, { Service = each.key })
}

# 5xx from the service's tasks on either target group: the rollback alarm of
# ECS blue/green deployments.
resource "aws_cloudwatch_metric_alarm" "service_5xx" {
  for_each = var.services

  alarm_name          = "${var.name}-${each.key}-5xx"
  alarm_description   = "${each.key}: more than ${var.thresholds.target_5xx_per_min} target 5xx responses per minute (rolls back a blue/green deployment)"
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = var.thresholds.target_5xx_per_min
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "total"
    expression  = "FILL(blue, 0) + FILL(green, 0)"
    label       = "target 5xx per minute"
    return_data = true
  }

  metric_query {
    id = "blue"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      stat        = "Sum"
      period      = 60
      dimensions  = { LoadBalancer = var.alb_arn_suffix, TargetGroup = each.value.blue_target_group_suffix }
    }
  }

  metric_query {
    id = "green"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      stat        = "Sum"
      period      = 60
      dimensions  = { LoadBalancer = var.alb_arn_suffix, TargetGroup = each.value.green_target_group_suffix }
    }
  }

  tags = merge(var.tags, { Service = each.key })
}

resource "aws_cloudwatch_metric_alarm" "alb_5xx" {
  alarm_name          = "${var.name}-alb-5xx"
  alarm_description   = "The load balancer itself answered 5xx (no healthy target, timeouts)"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_ELB_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = var.thresholds.target_5xx_per_min
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  dimensions          = { LoadBalancer = var.alb_arn_suffix }
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "alb_latency" {
  alarm_name          = "${var.name}-alb-p95-latency"
  alarm_description   = "p95 target response time above ${var.thresholds.p95_latency_seconds} s for 5 minutes"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  extended_statistic  = "p95"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 4
  threshold           = var.thresholds.p95_latency_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  dimensions          = { LoadBalancer = var.alb_arn_suffix }
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  alarm_name          = "${var.name}-db-cpu-high"
  alarm_description   = "RDS CPU above ${var.thresholds.db_cpu_percent}% for 15 minutes"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.thresholds.db_cpu_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  dimensions          = { DBInstanceIdentifier = var.db_instance_id }
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "db_storage" {
  alarm_name          = "${var.name}-db-free-storage-low"
  alarm_description   = "RDS free storage below ${var.thresholds.db_free_storage_gb} GB"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.thresholds.db_free_storage_gb * 1073741824
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "notBreaching"
  dimensions          = { DBInstanceIdentifier = var.db_instance_id }
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "db_connections" {
  alarm_name          = "${var.name}-db-connections-high"
  alarm_description   = "RDS connections above ${var.thresholds.db_connections} (db.t4g.micro allows about 80)"
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.thresholds.db_connections
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  dimensions          = { DBInstanceIdentifier = var.db_instance_id }
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = var.tags
}
