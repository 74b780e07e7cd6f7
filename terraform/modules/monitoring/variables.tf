variable "name" {
  description = "Name prefix (project-environment) of log groups, alarms and the topic."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "log_retention_days" {
  description = "Retention of the service log groups (7 days dev, 30 prod; $0.03/GB-month stored)."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ...)."
  }
}

variable "log_groups" {
  description = "Log groups to create: key (service or task) => log group name."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the SNS alarm topic."
  type        = string
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be e-mail addresses."
  }
}

variable "cluster_name" {
  description = "ECS cluster name (alarm dimension)."
  type        = string
}

variable "services" {
  description = "Per service: ECS service name and the ARN suffixes of its blue and green target groups."
  type = map(object({
    service_name             = string
    blue_target_group_suffix  = string
    green_target_group_suffix = string
  }))
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the load balancer (alarm dimension)."
  type        = string
}

variable "db_instance_id" {
  description = "RDS instance identifier (alarm dimension)."
  type        = string
}

variable "thresholds" {
  description = "Alarm thresholds."
  type = object({
    cpu_percent          = optional(number, 85)
    memory_percent       = optional(number, 85)
    target_5xx_per_min   = optional(number, 5)
    p95_latency_seconds  = optional(number, 1)
    db_cpu_percent       = optional(number, 80)
    db_free_storage_gb   = optional(number, 2)
    db_connections       = optional(number, 70)
  })
  default = {}
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
