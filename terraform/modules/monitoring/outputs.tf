output "log_group_names" {
  description = "Log group name per key."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}

output "log_retention_days" {
  description = "Retention of the log groups in days."
  value       = var.log_retention_days
}

output "sns_topic_arn" {
  description = "ARN of the alarm topic."
  value       = aws_sns_topic.alarms.arn
}

output "rollback_alarm_names" {
  description = "Per service: the alarms that roll back an ECS blue/green deployment."
  value       = { for k, a in aws_cloudwatch_metric_alarm.service_5xx : k => [a.alarm_name] }
}

output "dashboard_name" {
  description = "Name of the environment's CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "dashboard_url" {
  description = "Console URL of the dashboard."
  value       = "https://${var.region}.console.aws.amazon.com/cloudwatch/home?region=${var.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.this.dashboard_name}"
}

output "alarm_names" {
  description = "Every metric and composite alarm of the module, sorted."
  value = sort(concat(
    [aws_cloudwatch_metric_alarm.alb_5xx.alarm_name, aws_cloudwatch_metric_alarm.alb_latency.alarm_name],
    [aws_cloudwatch_metric_alarm.db_cpu.alarm_name, aws_cloudwatch_metric_alarm.db_storage.alarm_name, aws_cloudwatch_metric_alarm.db_connections.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.service_cpu : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.service_memory : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.service_5xx : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.availability_burn : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.latency_burn : a.alarm_name],
    [for a in aws_cloudwatch_composite_alarm.availability : a.alarm_name],
    [for a in aws_cloudwatch_composite_alarm.latency : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.payment_declines : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.reconciler_deferred : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.reconciler_orphans : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.refunds_refused : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.reservations_held : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.cache_hit_ratio : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.restarts : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.cost_spike : a.alarm_name],
  ))
}

output "slo_alarm_names" {
  description = "The composite alarms that notify when an SLO burns its error budget (empty when enable_slo_alarms is false)."
  value       = concat([for a in aws_cloudwatch_composite_alarm.availability : a.alarm_name], [for a in aws_cloudwatch_composite_alarm.latency : a.alarm_name])
}

output "sampling_rules" {
  description = "X-Ray sampling rules by purpose (health, ready, checkout, default): name, priority, matched method and path, fixed rate."
  value = {
    for k, r in aws_xray_sampling_rule.this : k => {
      rule_name   = r.rule_name
      priority    = r.priority
      http_method = r.http_method
      url_path    = r.url_path
      fixed_rate  = r.fixed_rate
    }
  }
}

output "query_names" {
  description = "Names of the saved Logs Insights queries (CloudWatch console, Logs Insights, Saved queries)."
  value       = sort([for q in aws_cloudwatch_query_definition.this : q.name])
}
