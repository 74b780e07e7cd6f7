variable "name" {
  description = "Name prefix (project-environment)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment whose costs the budget and the anomaly monitor watch (tag Environment)."
  type        = string
}

variable "budget_alert_amounts_usd" {
  description = "Monthly cost levels (USD) that send an e-mail; one budget at the highest amount notifies at each level (one budget, so it stays within the free tier of AWS Budgets)."
  type        = list(number)
  default     = [25, 35, 50]

  validation {
    condition     = length(var.budget_alert_amounts_usd) >= 1 && alltrue([for a in var.budget_alert_amounts_usd : a > 0])
    error_message = "Give at least one positive amount."
  }
}

variable "account_budget_alert_amounts_usd" {
  description = "Monthly cost levels (USD) of a second budget over the whole account, without the Environment tag filter (untagged charges included: target-tracking alarms, Cost Explorer requests, data transfer); empty for none. Set it in one stack per account."
  type        = list(number)
  default     = []

  validation {
    condition     = alltrue([for a in var.account_budget_alert_amounts_usd : a > 0])
    error_message = "Every account budget amount must be positive."
  }
}

variable "alert_emails" {
  description = "E-mail addresses that receive budget and cost-anomaly alerts."
  type        = list(string)

  validation {
    condition     = length(var.alert_emails) >= 1 && alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Give at least one e-mail address."
  }
}

variable "anomaly_threshold_usd" {
  description = "Total impact (USD) above which a cost anomaly is e-mailed."
  type        = number
  default     = 5

  validation {
    condition     = var.anomaly_threshold_usd > 0
    error_message = "anomaly_threshold_usd must be positive."
  }
}

variable "cost_allocation_tags" {
  description = "Tag keys activated as cost-allocation tags (account-wide; set activate_cost_allocation_tags = false in all but one environment of an account)."
  type        = list(string)
  default     = ["Project", "Environment", "Service"]
}

variable "activate_cost_allocation_tags" {
  description = "Activate the cost-allocation tags in this stack (they are account-wide, so only one stack per account should)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
