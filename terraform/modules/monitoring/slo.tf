# Service level objectives at the load balancer, where customers meet the
# shop, with multi-window, multi-burn-rate alarms (Google SRE workbook,
# "Alerting on SLOs"):
#
#   availability: at least 99.9% of requests answered without a 5xx,
#                 bad = HTTPCode_Target_5XX_Count + HTTPCode_ELB_5XX_Count,
#                 all = RequestCount + HTTPCode_ELB_5XX_Count (a request the
#                 load balancer rejects before choosing a target is not in
#                 RequestCount);
#   latency:      at least 99% of requests answered within 300 ms,
#                 good share = TargetResponseTime percentile rank PR(:0.3).
#
# Over a 30-day window the error budget is 100% - target (0.1% and 1%). A
# burn rate b spends the budget b times faster than allowed; a window alarm
# fires when the bad share over its window exceeds b x budget:
#
#   page fast: 2% of the budget in 1 h  -> b = 0.02 x 720 h / 1 h = 14.4
#   page slow: 5% of the budget in 6 h  -> b = 0.05 x 720 h / 6 h = 6
#
# Each long window is paired with a short one (1/12 of it: 5 min, 30 min)
# so the alarm resets soon after the burn stops; a composite alarm per SLO
# notifies when (1 h AND 5 min) OR (6 h AND 30 min) are in alarm. Each
# window alarm has period = window and one evaluation period: CloudWatch's
# default sliding evaluation window makes it a rolling window. Windows with
# fewer than slo.min_requests requests are not judged (quiet hours of a
# small shop would otherwise page on a single error). docs/observability.md
# has the arithmetic, docs/runbook.md what to do.

locals {
  slo_budget_percent = {
    availability = 100 - var.slo.availability_target
    latency      = 100 - var.slo.latency_target
  }

  burn_windows = {
    fast_long  = { period = 3600, burn = 14.4, label = "1 h" }
    fast_short = { period = 300, burn = 14.4, label = "5 min" }
    slow_long  = { period = 21600, burn = 6, label = "6 h" }
    slow_short = { period = 1800, burn = 6, label = "30 min" }
  }

  slo_windows = var.enable_slo_alarms ? local.burn_windows : {}

  latency_stat = "PR(:${var.slo.latency_threshold_seconds})"

  # "(ALARM(1 h) AND ALARM(5 min)) OR (ALARM(6 h) AND ALARM(30 min))"
  burn_rule = "(ALARM(\"%s\") AND ALARM(\"%s\")) OR (ALARM(\"%s\") AND ALARM(\"%s\"))"
}

resource "aws_cloudwatch_metric_alarm" "availability_burn" {
  for_each = local.slo_windows

  alarm_name          = "${var.name}-slo-availability-${replace(each.key, "_", "-")}"
  alarm_description   = "Availability SLO ${var.slo.availability_target}%: 5xx share of load balancer requests over ${each.value.label} above ${each.value.burn} x the ${local.slo_budget_percent.availability}% error budget. Notifies through the composite alarm ${var.name}-slo-availability (docs/runbook.md)."
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = each.value.burn * local.slo_budget_percent.availability
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "bad_percent"
    expression  = "IF(total >= ${var.slo.min_requests}, 100 * (FILL(target_5xx, 0) + FILL(elb_5xx, 0)) / total, 0)"
    label       = "5xx % of requests (${each.value.label})"
    return_data = true
  }

  metric_query {
    id         = "total"
    expression = "FILL(requests, 0) + FILL(elb_5xx, 0)"
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      stat        = "Sum"
      period      = each.value.period
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  metric_query {
    id = "target_5xx"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      stat        = "Sum"
      period      = each.value.period
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  metric_query {
    id = "elb_5xx"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      stat        = "Sum"
      period      = each.value.period
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  tags = merge(var.tags, { Slo = "availability" })
}

resource "aws_cloudwatch_metric_alarm" "latency_burn" {
  for_each = local.slo_windows

  alarm_name          = "${var.name}-slo-latency-${replace(each.key, "_", "-")}"
  alarm_description   = "Latency SLO ${var.slo.latency_target}% within ${var.slo.latency_threshold_seconds * 1000} ms: share of slower load balancer requests over ${each.value.label} above ${each.value.burn} x the ${local.slo_budget_percent.latency}% budget. Notifies through the composite alarm ${var.name}-slo-latency (docs/runbook.md)."
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = each.value.burn * local.slo_budget_percent.latency
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "slow_percent"
    expression  = "IF(FILL(requests, 0) >= ${var.slo.min_requests}, 100 - FILL(fast_percent, 100), 0)"
    label       = "% of requests slower than ${var.slo.latency_threshold_seconds * 1000} ms (${each.value.label})"
    return_data = true
  }

  metric_query {
    id = "fast_percent"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "TargetResponseTime"
      stat        = local.latency_stat
      period      = each.value.period
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      stat        = "Sum"
      period      = each.value.period
      dimensions  = { LoadBalancer = var.alb_arn_suffix }
    }
  }

  tags = merge(var.tags, { Slo = "latency" })
}

resource "aws_cloudwatch_composite_alarm" "availability" {
  count = var.enable_slo_alarms ? 1 : 0

  alarm_name        = "${var.name}-slo-availability"
  alarm_description = "Availability SLO ${var.slo.availability_target}% is burning its error budget: 2% of it in 1 h (14.4x, confirmed over 5 min) or 5% in 6 h (6x, confirmed over 30 min). See docs/runbook.md#slo-availability."
  alarm_rule = format(local.burn_rule,
    aws_cloudwatch_metric_alarm.availability_burn["fast_long"].alarm_name,
    aws_cloudwatch_metric_alarm.availability_burn["fast_short"].alarm_name,
    aws_cloudwatch_metric_alarm.availability_burn["slow_long"].alarm_name,
    aws_cloudwatch_metric_alarm.availability_burn["slow_short"].alarm_name,
  )
  alarm_actions = local.actions
  ok_actions    = local.actions

  tags = merge(var.tags, { Slo = "availability" })
}

resource "aws_cloudwatch_composite_alarm" "latency" {
  count = var.enable_slo_alarms ? 1 : 0

  alarm_name        = "${var.name}-slo-latency"
  alarm_description = "Latency SLO (${var.slo.latency_target}% within ${var.slo.latency_threshold_seconds * 1000} ms) is burning its budget: 2% of it in 1 h (14.4x, confirmed over 5 min) or 5% in 6 h (6x, confirmed over 30 min). See docs/runbook.md#slo-latency."
  alarm_rule = format(local.burn_rule,
    aws_cloudwatch_metric_alarm.latency_burn["fast_long"].alarm_name,
    aws_cloudwatch_metric_alarm.latency_burn["fast_short"].alarm_name,
    aws_cloudwatch_metric_alarm.latency_burn["slow_long"].alarm_name,
    aws_cloudwatch_metric_alarm.latency_burn["slow_short"].alarm_name,
  )
  alarm_actions = local.actions
  ok_actions    = local.actions

  tags = merge(var.tags, { Slo = "latency" })
}
