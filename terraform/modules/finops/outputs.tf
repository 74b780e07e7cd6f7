output "budget_name" {
  description = "Name of the monthly cost budget."
  value       = aws_budgets_budget.monthly.name
}

output "account_budget_name" {
  description = "Name of the account-wide monthly cost budget (no tag filter), or null when account_budget_alert_amounts_usd is empty."
  value       = length(aws_budgets_budget.account) > 0 ? aws_budgets_budget.account[0].name : null
}

output "budget_limit_usd" {
  description = "Monthly limit of the budget (the highest alert amount)."
  value       = local.limit
}

output "budget_alert_amounts_usd" {
  description = "Cost levels that send an e-mail."
  value       = var.budget_alert_amounts_usd
}

output "anomaly_monitor_arn" {
  description = "ARN of the cost anomaly monitor."
  value       = aws_ce_anomaly_monitor.this.arn
}
