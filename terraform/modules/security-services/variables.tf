variable "name" {
  description = "Name prefix of the resources (project-environment)."
  type        = string
}

variable "enable_guardduty" {
  description = "Turn on GuardDuty (one detector per account and Region) and send its findings of at least guardduty_min_severity to the alarm topic."
  type        = bool
  default     = false
}

variable "guardduty_min_severity" {
  description = "Lowest GuardDuty severity sent to the alarm topic (4 = medium, 7 = high)."
  type        = number
  default     = 4

  validation {
    condition     = var.guardduty_min_severity >= 1 && var.guardduty_min_severity <= 8.9
    error_message = "guardduty_min_severity must be between 1 and 8.9 (GuardDuty's severity scale)."
  }
}

variable "enable_config" {
  description = "Turn on AWS Config (recorder, delivery to the logs bucket) with the managed rules of config_rules, and send NON_COMPLIANT changes to the alarm topic."
  type        = bool
  default     = false
}

variable "config_rules" {
  description = "AWS Config managed rules to evaluate: rule name => source identifier. The defaults are the ones that matter for this stack."
  type        = map(string)
  default = {
    "encrypted-volumes"                    = "ENCRYPTED_VOLUMES"
    "restricted-ssh"                       = "INCOMING_SSH_DISABLED"
    "s3-account-level-public-access-block" = "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC"
    "s3-bucket-public-read-prohibited"     = "S3_BUCKET_PUBLIC_READ_PROHIBITED"
    "rds-instance-public-access-check"     = "RDS_INSTANCE_PUBLIC_ACCESS_CHECK"
    "iam-policy-no-admin-access"           = "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS"
  }

  validation {
    condition     = alltrue([for k, v in var.config_rules : can(regex("^[A-Z0-9_]+$", v)) && can(regex("^[a-z0-9-]{1,40}$", k))])
    error_message = "config_rules maps short lowercase names to AWS Config managed rule identifiers (upper case, e.g. ENCRYPTED_VOLUMES)."
  }
}

variable "config_bucket_name" {
  description = "Name of the S3 bucket AWS Config delivers its snapshots and history to (the logs bucket; its policy must allow config.amazonaws.com on the config/ prefix)."
  type        = string
  default     = null
}

variable "enable_securityhub" {
  description = "Turn on Security Hub with the AWS Foundational Security Best Practices standard and send its CRITICAL and HIGH findings to the alarm topic."
  type        = bool
  default     = false
}

variable "alarm_topic_arn" {
  description = "ARN of the alarm SNS topic the findings go to (its policy must let events.amazonaws.com publish)."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
