output "guardduty_detector_id" {
  description = "ID of the GuardDuty detector (null when enable_guardduty is false)."
  value       = one(aws_guardduty_detector.this[*].id)
}

output "config_rule_names" {
  description = "Names of the AWS Config rules this stack evaluates (empty when enable_config is false)."
  value       = sort([for r in aws_config_config_rule.this : r.name])
}

output "securityhub_standard_arn" {
  description = "ARN of the Security Hub standard subscribed (null when enable_securityhub is false)."
  value       = one(aws_securityhub_standards_subscription.fsbp[*].standards_arn)
}

output "event_rule_names" {
  description = "The EventBridge rules that send findings to the alarm topic."
  value = compact([
    one(aws_cloudwatch_event_rule.guardduty[*].name),
    one(aws_cloudwatch_event_rule.config[*].name),
    one(aws_cloudwatch_event_rule.securityhub[*].name),
  ])
}
