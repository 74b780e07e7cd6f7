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
