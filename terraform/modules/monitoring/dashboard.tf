# One CloudWatch dashboard per environment, "<name>-overview": the load
# balancer (traffic, 5xx, latency percentiles, the two SLIs), the ECS
# services (CPU, memory, starts), RDS (CPU, connections, free storage), the
# business metrics of config/emf_metrics.json (generated from the catalog,
# so a new metric there appears here), the cost signals (estimated charges
# from us-east-1, log ingestion) and the state of the alarms. It references
# 47 metrics: the free tier covers 3 dashboards of up to 50 metrics, then
# $3.00 per dashboard-month. tools/tfcheck (CW_KNOWN_METRICS) checks that
# every metric here is one AWS or the services publish.

locals {
  # The values of each business metric's own dimension ("" when it has none).
  emf_dimension_values = { for key, m in local.emf : key => m.dimension == null ? [""] : m.values }

  # The series of each business metric: one per value of its own dimension.
  emf_series = {
    for key, m in local.emf : key => [
      for v in local.emf_dimension_values[key] :
      concat([local.emf_ns, m.name, "Service", m.service, "Environment", var.environment], v == "" ? [] : [m.dimension, v])
    ]
  }

  alarm_arns = concat(
    [for a in aws_cloudwatch_composite_alarm.availability : a.arn],
    [for a in aws_cloudwatch_composite_alarm.latency : a.arn],
    [aws_cloudwatch_metric_alarm.alb_5xx.arn, aws_cloudwatch_metric_alarm.alb_latency.arn],
    [for a in aws_cloudwatch_metric_alarm.service_5xx : a.arn],
    [for a in aws_cloudwatch_metric_alarm.restarts : a.arn],
    [for a in aws_cloudwatch_metric_alarm.service_cpu : a.arn],
    [for a in aws_cloudwatch_metric_alarm.service_memory : a.arn],
    [aws_cloudwatch_metric_alarm.db_cpu.arn, aws_cloudwatch_metric_alarm.db_connections.arn, aws_cloudwatch_metric_alarm.db_storage.arn],
    [for a in aws_cloudwatch_metric_alarm.payment_declines : a.arn],
    [for a in aws_cloudwatch_metric_alarm.reconciler_deferred : a.arn],
    [for a in aws_cloudwatch_metric_alarm.reconciler_orphans : a.arn],
    [for a in aws_cloudwatch_metric_alarm.refunds_refused : a.arn],
    [for a in aws_cloudwatch_metric_alarm.reservations_held : a.arn],
    [for a in aws_cloudwatch_metric_alarm.cache_hit_ratio : a.arn],
    [for a in aws_cloudwatch_metric_alarm.cost_spike : a.arn],
  )

  # A time-series widget at (x, y) of the 24-column grid.
  widget = { type = "metric", width = 8, height = 6 }

  dashboard_widgets = [
    {
      type = "text", x = 0, y = 0, width = 24, height = 2
      properties = {
        markdown = join("\n", [
          "## ${var.name}: what customers see, what it runs on, what it costs",
          "Alarms and what to do: `docs/runbook.md`. Saved Logs Insights queries: **${var.name}/...** (errors by route, slow requests, trace lines, checkout outcomes, reconciler actions, exporter failures, starts). Traces: X-Ray, filter `annotation.otel_resource_deployment_environment = \"${var.environment}\"`.",
        ])
      }
    },

    # ---- load balancer ----
    merge(local.widget, {
      x = 0, y = 2
      properties = {
        title = "Requests and 5xx (load balancer)", region = var.region, view = "timeSeries", stacked = false, period = 60, stat = "Sum"
        metrics = [
          ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", var.alb_arn_suffix, { label = "requests" }],
          ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", var.alb_arn_suffix, { label = "5xx from the services", yAxis = "right" }],
          ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", var.alb_arn_suffix, { label = "5xx from the load balancer", yAxis = "right" }],
        ]
      }
    }),
    merge(local.widget, {
      x = 8, y = 2
      properties = {
        title = "Target response time p50 / p90 / p99 (s)", region = var.region, view = "timeSeries", stacked = false, period = 60
        metrics = [
          for p in ["p50", "p90", "p99"] : ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.alb_arn_suffix, { stat = p, label = p }]
        ]
        annotations = { horizontal = [{ label = "SLO: ${var.slo.latency_target}% within ${var.slo.latency_threshold_seconds * 1000} ms", value = var.slo.latency_threshold_seconds }] }
      }
    }),
    merge(local.widget, {
      x = 16, y = 2
      properties = {
        title = "SLIs over 5 min: 5xx % and % slower than ${var.slo.latency_threshold_seconds * 1000} ms", region = var.region, view = "timeSeries", stacked = false, period = 300
        metrics = [
          ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", var.alb_arn_suffix, { stat = "Sum", id = "requests", visible = false }],
          ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", var.alb_arn_suffix, { stat = "Sum", id = "target_5xx", visible = false }],
          ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", var.alb_arn_suffix, { stat = "Sum", id = "elb_5xx", visible = false }],
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.alb_arn_suffix, { stat = local.latency_stat, id = "fast_percent", visible = false }],
          [{ expression = "100 * (FILL(target_5xx, 0) + FILL(elb_5xx, 0)) / (FILL(requests, 0) + FILL(elb_5xx, 0))", label = "5xx % (budget ${local.slo_budget_percent.availability}%)", id = "bad_percent" }],
          [{ expression = "100 - fast_percent", label = "% slower than ${var.slo.latency_threshold_seconds * 1000} ms (budget ${local.slo_budget_percent.latency}%)", id = "slow_percent" }],
        ]
        annotations = { horizontal = [
          { label = "availability budget", value = local.slo_budget_percent.availability },
          { label = "latency budget", value = local.slo_budget_percent.latency },
        ] }
      }
    }),

    # ---- ECS ----
    merge(local.widget, {
      x = 0, y = 8
      properties = {
        title       = "ECS CPU utilization per service (%)", region = var.region, view = "timeSeries", stacked = false, period = 60, stat = "Average"
        metrics     = [for k, s in var.services : ["AWS/ECS", "CPUUtilization", "ClusterName", var.cluster_name, "ServiceName", s.service_name, { label = k }]]
        annotations = { horizontal = [{ label = "alarm", value = var.thresholds.cpu_percent }] }
      }
    }),
    merge(local.widget, {
      x = 8, y = 8
      properties = {
        title       = "ECS memory utilization per service (%)", region = var.region, view = "timeSeries", stacked = false, period = 60, stat = "Average"
        metrics     = [for k, s in var.services : ["AWS/ECS", "MemoryUtilization", "ClusterName", var.cluster_name, "ServiceName", s.service_name, { label = k }]]
        annotations = { horizontal = [{ label = "alarm", value = var.thresholds.memory_percent }] }
      }
    }),
    merge(local.widget, {
      x = 16, y = 8
      properties = {
        title   = "Service starts (from the logs)", region = var.region, view = "timeSeries", stacked = false, period = 300, stat = "Sum"
        metrics = [for k, s in var.services : [local.starts_namespace, "ServiceStarts", "Service", k, { label = k }]]
      }
    }),

    # ---- RDS ----
    merge(local.widget, {
      x = 0, y = 14
      properties = {
        title       = "RDS CPU utilization (%)", region = var.region, view = "timeSeries", stacked = false, period = 60, stat = "Average"
        metrics     = [["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", var.db_instance_id]]
        annotations = { horizontal = [{ label = "alarm", value = var.thresholds.db_cpu_percent }] }
      }
    }),
    merge(local.widget, {
      x = 8, y = 14
      properties = {
        title       = "RDS database connections", region = var.region, view = "timeSeries", stacked = false, period = 60, stat = "Maximum"
        metrics     = [["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", var.db_instance_id]]
        annotations = { horizontal = [{ label = "alarm", value = var.thresholds.db_connections }] }
      }
    }),
    merge(local.widget, {
      x = 16, y = 14
      properties = {
        title       = "RDS free storage (bytes)", region = var.region, view = "timeSeries", stacked = false, period = 300, stat = "Minimum"
        metrics     = [["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", var.db_instance_id]]
        annotations = { horizontal = [{ label = "alarm", value = var.thresholds.db_free_storage_gb * 1073741824 }] }
      }
    }),

    # ---- business (EMF) ----
    merge(local.widget, {
      x = 0, y = 20
      properties = {
        title   = "Orders by outcome (per 5 min)", region = var.region, view = "timeSeries", stacked = true, period = 300, stat = "Sum"
        metrics = local.emf_series["Orders/order-service"]
      }
    }),
    merge(local.widget, {
      x = 8, y = 20
      properties = {
        title   = "Payment declines by reason (per 5 min)", region = var.region, view = "timeSeries", stacked = true, period = 300, stat = "Sum"
        metrics = local.emf_series["PaymentDeclines/order-service"]
      }
    }),
    merge(local.widget, {
      x = 16, y = 20
      properties = {
        title   = "Reconciler actions (per 5 min)", region = var.region, view = "timeSeries", stacked = true, period = 300, stat = "Sum"
        metrics = local.emf_series["ReconcilerActions/order-service"]
      }
    }),
    merge(local.widget, {
      x = 0, y = 26
      properties = {
        title       = "Stock reservations held", region = var.region, view = "timeSeries", stacked = false, period = 60, stat = "Maximum"
        metrics     = local.emf_series["ReservationsHeld/product-service"]
        annotations = { horizontal = [{ label = var.enable_business_alarms ? "alarm" : "alarm threshold (alarm off)", value = var.thresholds.reservations_held }] }
      }
    }),
    merge(local.widget, {
      x = 8, y = 26
      properties = {
        title   = "Cache hit ratio (%)", region = var.region, view = "timeSeries", stacked = false, period = 300, stat = "Average"
        metrics = concat(local.emf_series["CacheHitRatio/product-service"], local.emf_series["CacheHitRatio/frontend"])
        yAxis   = { left = { min = 0, max = 100 } }
      }
    }),

    # ---- cost ----
    merge(local.widget, {
      x = 16, y = 26
      properties = {
        title   = "Estimated charges, month to date (USD, whole account)", region = "us-east-1", view = "timeSeries", stacked = false, period = 21600, stat = "Maximum"
        metrics = [["AWS/Billing", "EstimatedCharges", "Currency", "USD"]]
      }
    }),
    merge(local.widget, {
      x = 0, y = 32, width = 12
      properties = {
        title   = "Log ingestion per service (bytes per hour; $0.50/GB)", region = var.region, view = "timeSeries", stacked = true, period = 3600, stat = "Sum"
        metrics = [for k, g in local.service_log_group_names : ["AWS/Logs", "IncomingBytes", "LogGroupName", g, { label = k }]]
      }
    }),
    merge(local.widget, {
      x = 0, y = 38, width = 12
      properties = {
        title   = "Refunds of cancels and returns by outcome (per 5 min)", region = var.region, view = "timeSeries", stacked = true, period = 300, stat = "Sum"
        metrics = local.emf_series["OrderRefunds/order-service"]
      }
    }),
    {
      type = "alarm", x = 12, y = 32, width = 12, height = 6
      properties = {
        title  = "Alarms"
        alarms = local.alarm_arns
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = "${var.name}-overview"
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
