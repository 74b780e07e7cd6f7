output "function_name" {
  description = "Name of the scheduler Lambda function (invoke it by hand with {\"action\": \"stop\"|\"start\", \"environment\": ...})."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the scheduler Lambda function."
  value       = aws_lambda_function.this.arn
}

output "function_role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.function.arn
}

output "schedule_arns" {
  description = "ARNs of the stop and start schedules, keyed by action."
  value       = { for action, schedule in aws_scheduler_schedule.this : action => schedule.arn }
}

output "schedules" {
  description = "The stop and start schedules, keyed by action: expression (cron or rate) and the IANA time zone it is evaluated in."
  value       = { for action, schedule in aws_scheduler_schedule.this : action => { expression = schedule.schedule_expression, timezone = schedule.schedule_expression_timezone } }
}

output "dead_letter_queue_arn" {
  description = "ARN of the SQS queue that receives invocations that failed after their retries."
  value       = aws_sqs_queue.dead_letter.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the function (one JSON line per action)."
  value       = aws_cloudwatch_log_group.this.name
}

output "state_parameter_prefix" {
  description = "SSM path under which desired counts are remembered while the environment is stopped."
  value       = local.parameter_prefix
}
