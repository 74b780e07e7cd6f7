# Alarms on what the shop does rather than on what it runs on: the business
# metrics the services write as CloudWatch EMF lines (config/emf_metrics.json;
# counts are written only when non-zero, so missing data is "nothing
# happened"), start attempts counted from the services' own log lines (a
# task that keeps restarting), and the account's estimated charges (a cost
# spike). Each alarm names its runbook section in docs/runbook.md.
# enable_business_alarms = false (dev) leaves out the business-metric alarms;
# enable_task_alarms = false (dev) the restart alarms; the cost alarm stays.

locals {
  emf_dimensions = { Environment = var.environment }

  orders     = local.emf["Orders/order-service"]
  reconciler = local.emf["ReconcilerActions/order-service"]
  refunds    = local.emf["OrderRefunds/order-service"]
  held       = local.emf["ReservationsHeld/product-service"]

  # Every cache whose hit ratio the services write, by "<service>/<cache>".
  caches = merge([
    for m in var.emf_catalog.metrics : { for v in m.values : "${m.service}/${v}" => { service = m.service, dimension = m.dimension, value = v } }
    if m.name == "CacheHitRatio"
  ]...)

  starts_namespace = "${local.emf_ns}/Logs"
}

# ---- checkout ------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "payment_declines" {
  count = var.enable_business_alarms ? 1 : 0

  alarm_name          = "${var.name}-payment-declines-high"
  alarm_description   = "More than ${var.thresholds.payment_decline_percent}% of checkouts declined by the payment provider over 30 minutes (at least ${var.thresholds.payment_min_checkouts} checkouts): provider trouble or card testing. docs/runbook.md#payment-declines-high"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = var.thresholds.payment_decline_percent
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "decline_percent"
    expression  = "IF(FILL(confirmed, 0) + FILL(declined, 0) >= ${var.thresholds.payment_min_checkouts}, 100 * FILL(declined, 0) / (FILL(confirmed, 0) + FILL(declined, 0)), 0)"
    label       = "% of paid checkouts declined"
    return_data = true
  }

  metric_query {
    id = "confirmed"

    metric {
      namespace   = local.emf_ns
      metric_name = local.orders.name
      stat        = "Sum"
      period      = 1800
      dimensions  = merge(local.emf_dimensions, { Service = local.orders.service, Outcome = "confirmed" })
    }
  }

  metric_query {
    id = "declined"

    metric {
      namespace   = local.emf_ns
      metric_name = local.orders.name
      stat        = "Sum"
      period      = 1800
      dimensions  = merge(local.emf_dimensions, { Service = local.orders.service, Outcome = "payment_declined" })
    }
  }

  tags = merge(var.tags, { Service = local.orders.service })
}

# The reconciler could not finish an interrupted checkout (a dependency is
# down) in three consecutive 5-minute periods: orders stay PENDING.
resource "aws_cloudwatch_metric_alarm" "reconciler_deferred" {
  count = var.enable_business_alarms ? 1 : 0

  alarm_name          = "${var.name}-reconciler-deferring"
  alarm_description   = "The reconciler has deferred interrupted checkouts for 15 minutes: orders stay PENDING because product-service or the database is failing. docs/runbook.md#reconciler-deferring"
  namespace           = local.emf_ns
  metric_name         = local.reconciler.name
  dimensions          = merge(local.emf_dimensions, { Service = local.reconciler.service, Action = "deferred" })
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = merge(var.tags, { Service = local.reconciler.service })
}

# A refund the payment side refused: the cancelled or returned order waits
# in CANCEL_REFUND_FAILED / RETURN_REFUND_FAILED for an operator's retry.
resource "aws_cloudwatch_metric_alarm" "refunds_refused" {
  count = var.enable_business_alarms ? 1 : 0

  alarm_name          = "${var.name}-refunds-refused"
  alarm_description   = "The payment side refused a refund: an order waits in CANCEL_REFUND_FAILED or RETURN_REFUND_FAILED for an operator's retry. docs/runbook.md#refund-refused"
  namespace           = local.emf_ns
  metric_name         = local.refunds.name
  dimensions          = merge(local.emf_dimensions, { Service = local.refunds.service, Outcome = "refused" })
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = merge(var.tags, { Service = local.refunds.service })
}

# Orphan reservations settled by the reconciler: each one is a checkout that
# died between reserving stock and recording the outcome (a crash).
resource "aws_cloudwatch_metric_alarm" "reconciler_orphans" {
  count = var.enable_business_alarms ? 1 : 0

  alarm_name          = "${var.name}-reconciler-orphans"
  alarm_description   = "More than ${var.thresholds.reconciler_orphans_per_hour} orphan reservations released or committed by the reconciler in an hour: checkouts are being interrupted (crashes, restarts). docs/runbook.md#reconciler-orphans"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = var.thresholds.reconciler_orphans_per_hour
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "orphans"
    expression  = "FILL(released, 0) + FILL(committed, 0)"
    label       = "orphan reservations settled per hour"
    return_data = true
  }

  metric_query {
    id = "released"

    metric {
      namespace   = local.emf_ns
      metric_name = local.reconciler.name
      stat        = "Sum"
      period      = 3600
      dimensions  = merge(local.emf_dimensions, { Service = local.reconciler.service, Action = "released_orphan" })
    }
  }

  metric_query {
    id = "committed"

    metric {
      namespace   = local.emf_ns
      metric_name = local.reconciler.name
      stat        = "Sum"
      period      = 3600
      dimensions  = merge(local.emf_dimensions, { Service = local.reconciler.service, Action = "committed_orphan" })
    }
  }

  tags = merge(var.tags, { Service = local.reconciler.service })
}

# Reservations are held for the length of a checkout; many held for 15
# minutes means they leak (the reconciler or product-service is stuck).
resource "aws_cloudwatch_metric_alarm" "reservations_held" {
  count = var.enable_business_alarms ? 1 : 0

  alarm_name          = "${var.name}-reservations-held-high"
  alarm_description   = "More than ${var.thresholds.reservations_held} stock reservations held for 15 minutes: stock is locked away from customers. docs/runbook.md#reservations-held-high"
  namespace           = local.emf_ns
  metric_name         = local.held.name
  dimensions          = merge(local.emf_dimensions, { Service = local.held.service })
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = var.thresholds.reservations_held
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = merge(var.tags, { Service = local.held.service })
}

resource "aws_cloudwatch_metric_alarm" "cache_hit_ratio" {
  for_each = { for k, c in local.caches : k => c if var.enable_business_alarms }

  alarm_name          = "${var.name}-${each.value.service}-${each.value.value}-cache-hit-low"
  alarm_description   = "${each.value.service}: the ${each.value.value} cache served under ${var.thresholds.cache_hit_percent}% of reads for 30 minutes: every read goes to the database (invalidation storm or the LISTEN connection is down). docs/runbook.md#cache-hit-low"
  namespace           = local.emf_ns
  metric_name         = "CacheHitRatio"
  dimensions          = merge(local.emf_dimensions, { Service = each.value.service, (each.value.dimension) = each.value.value })
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 6
  datapoints_to_alarm = 6
  threshold           = var.thresholds.cache_hit_percent
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = merge(var.tags, { Service = each.value.service })
}

# ---- restarts ------------------------------------------------------------------

# Every start attempt of a service writes a "listening" line, or a "fatal"
# line when it dies starting (bad configuration, no database). A custom
# metric per service; nothing is published while nothing starts.
resource "aws_cloudwatch_log_metric_filter" "starts" {
  for_each = local.service_log_groups

  name           = "${var.name}-${each.key}-starts"
  log_group_name = each.value
  pattern        = "{ ($.msg = \"listening\") || ($.level = \"fatal\") }"

  metric_transformation {
    name       = "ServiceStarts"
    namespace  = local.starts_namespace
    value      = "1"
    unit       = "Count"
    dimensions = { Service = "$.service" }
  }
}

# More starts in 30 minutes than a deployment at full scale causes (twice
# max_count: the new tasks, plus replacements) means a crash loop.
# Off with enable_task_alarms = false (dev); the metric filter above stays,
# so the dashboard still counts starts.
resource "aws_cloudwatch_metric_alarm" "restarts" {
  for_each = var.enable_task_alarms ? var.services : {}

  alarm_name          = "${var.name}-${each.key}-restarting"
  alarm_description   = "${each.key} started more than ${2 * each.value.max_count} times in 30 minutes: a task keeps crashing or failing its health checks. docs/runbook.md#task-keeps-restarting"
  namespace           = local.starts_namespace
  metric_name         = "ServiceStarts"
  dimensions          = { Service = each.key }
  statistic           = "Sum"
  period              = 1800
  evaluation_periods  = 1
  threshold           = 2 * each.value.max_count
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = merge(var.tags, { Service = each.key })

  depends_on = [aws_cloudwatch_log_metric_filter.starts]
}

# ---- cost ------------------------------------------------------------------------

# AWS/Billing metrics exist only in us-east-1 (and only once billing alerts
# are enabled in the account's billing preferences); an alarm notifies only
# a topic of its own region, so this alarm exists when the stack is there.
# EstimatedCharges is the account's month-to-date total, published a few
# times a day: DIFF of two 6-hour maxima is the recent increase (negative,
# so never alarming, when a new month starts).
resource "aws_cloudwatch_metric_alarm" "cost_spike" {
  count = var.region == "us-east-1" && var.cost_spike_alarm_usd > 0 ? 1 : 0

  region              = "us-east-1"
  alarm_name          = "${var.name}-estimated-charges-spike"
  alarm_description   = "The account's estimated charges grew by more than ${var.cost_spike_alarm_usd} USD in 6 hours. docs/runbook.md#cost-spike"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  datapoints_to_alarm = 1
  threshold           = var.cost_spike_alarm_usd
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "increase"
    expression  = "DIFF(charges)"
    label       = "USD added to the month-to-date estimate in 6 h"
    return_data = true
  }

  metric_query {
    id = "charges"

    metric {
      namespace   = "AWS/Billing"
      metric_name = "EstimatedCharges"
      stat        = "Maximum"
      period      = 21600
      dimensions  = { Currency = "USD" }
    }
  }

  tags = var.tags
}

# The business-metric alarms got a count (enable_business_alarms): the
# existing alarms keep their state.
moved {
  from = aws_cloudwatch_metric_alarm.payment_declines
  to   = aws_cloudwatch_metric_alarm.payment_declines[0]
}

moved {
  from = aws_cloudwatch_metric_alarm.reconciler_deferred
  to   = aws_cloudwatch_metric_alarm.reconciler_deferred[0]
}

moved {
  from = aws_cloudwatch_metric_alarm.reconciler_orphans
  to   = aws_cloudwatch_metric_alarm.reconciler_orphans[0]
}

moved {
  from = aws_cloudwatch_metric_alarm.reservations_held
  to   = aws_cloudwatch_metric_alarm.reservations_held[0]
}
