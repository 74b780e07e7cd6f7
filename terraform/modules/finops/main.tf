# Cost guard rails: one monthly cost budget for this environment (filtered
# by the Environment cost-allocation tag) that e-mails at each alert amount
# and when the forecast exceeds the highest, a cost anomaly monitor on the
# same tag, and the activation of the cost-allocation tags. All free.

locals {
  limit = max(var.budget_alert_amounts_usd...)
}

resource "aws_ce_cost_allocation_tag" "this" {
  for_each = var.activate_cost_allocation_tags ? toset(var.cost_allocation_tags) : toset([])

  tag_key = each.value
  status  = "Active"
}

resource "aws_budgets_budget" "monthly" {
  name         = "${var.name}-monthly"
  budget_type  = "COST"
  limit_amount = tostring(local.limit)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  cost_filter {
    name   = "TagKeyValue"
    values = [join("$", ["user:Environment", var.environment])]
  }

  dynamic "notification" {
    for_each = toset([for a in var.budget_alert_amounts_usd : tostring(a)])
    content {
      comparison_operator        = "GREATER_THAN"
      notification_type          = "ACTUAL"
      threshold                  = tonumber(notification.value)
      threshold_type             = "ABSOLUTE_VALUE"
      subscriber_email_addresses = var.alert_emails
    }
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    notification_type          = "FORECASTED"
    threshold                  = 100
    threshold_type             = "PERCENTAGE"
    subscriber_email_addresses = var.alert_emails
  }

  tags = var.tags
}

# The account's whole bill, tagged or not: the alarms target tracking makes AWS
# create, Cost Explorer requests, data transfer and every resource without an
# Environment tag, which the tag-filtered budget above cannot see. Budgets
# without actions cost nothing. In an account that holds several environments,
# only one stack should set account_budget_alert_amounts_usd (at their sum).
resource "aws_budgets_budget" "account" {
  count = length(var.account_budget_alert_amounts_usd) > 0 ? 1 : 0

  name         = "${var.name}-account-monthly"
  budget_type  = "COST"
  limit_amount = tostring(max(var.account_budget_alert_amounts_usd...))
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  dynamic "notification" {
    for_each = toset([for a in var.account_budget_alert_amounts_usd : tostring(a)])
    content {
      comparison_operator        = "GREATER_THAN"
      notification_type          = "ACTUAL"
      threshold                  = tonumber(notification.value)
      threshold_type             = "ABSOLUTE_VALUE"
      subscriber_email_addresses = var.alert_emails
    }
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    notification_type          = "FORECASTED"
    threshold                  = 100
    threshold_type             = "PERCENTAGE"
    subscriber_email_addresses = var.alert_emails
  }

  tags = var.tags
}

resource "aws_ce_anomaly_monitor" "this" {
  name         = "${var.name}-costs"
  monitor_type = "CUSTOM"
  monitor_specification = jsonencode({
    Tags = {
      Key          = "Environment"
      Values       = [var.environment]
      MatchOptions = ["EQUALS"]
    }
  })

  tags = var.tags
}

resource "aws_ce_anomaly_subscription" "this" {
  name             = "${var.name}-cost-anomalies"
  frequency        = "DAILY"
  monitor_arn_list = [aws_ce_anomaly_monitor.this.arn]

  dynamic "subscriber" {
    for_each = toset(var.alert_emails)
    content {
      type    = "EMAIL"
      address = subscriber.value
    }
  }

  threshold_expression {
    dimension {
      key           = "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
      match_options = ["GREATER_THAN_OR_EQUAL"]
      values        = [tostring(var.anomaly_threshold_usd)]
    }
  }

  tags = var.tags
}
