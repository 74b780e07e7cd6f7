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
  description = "Per service: ECS service name, the ARN suffixes of its blue and green target groups, and its maximum task count (a deployment at full scale starts at most twice that many tasks)."
  type = map(object({
    service_name              = string
    blue_target_group_suffix  = string
    green_target_group_suffix = string
    max_count                 = optional(number, 2)
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
  description = "Alarm thresholds: infrastructure (ECS, ALB, RDS) and business metrics (EMF)."
  type = object({
    cpu_percent                 = optional(number, 85)
    memory_percent              = optional(number, 85)
    target_5xx_per_min          = optional(number, 5)
    p95_latency_seconds         = optional(number, 1)
    db_cpu_percent              = optional(number, 80)
    db_free_storage_gb          = optional(number, 2)
    db_connections              = optional(number, 70)
    payment_decline_percent     = optional(number, 30)
    payment_min_checkouts       = optional(number, 10)
    reconciler_orphans_per_hour = optional(number, 5)
    reservations_held           = optional(number, 50)
    cache_hit_percent           = optional(number, 50)
  })
  default = {}
}

variable "environment" {
  description = "Deployment environment: the Environment dimension of the services' EMF metrics and part of the dashboard name."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "region" {
  description = "Region of the stack (dashboard widgets, and the billing alarm, which exists only when this is us-east-1 where AWS/Billing metrics live and the alarm topic must be)."
  type        = string
}

variable "emf_catalog" {
  description = "The services' business metrics (config/emf_metrics.json): namespace, common dimensions, and per metric its name, the service that writes it and its own dimension with the values written."
  type = object({
    namespace         = string
    common_dimensions = list(string)
    metrics = list(object({
      name      = string
      service   = string
      dimension = optional(string)
      values    = optional(list(string), [])
    }))
  })
}

variable "slo" {
  description = "Service level objectives at the load balancer: availability (non-5xx share of requests, %), latency (share of requests answered within latency_threshold_seconds, %), the 30-day window, and the fewest requests in an alarm window for a burn-rate alarm to judge it."
  type = object({
    availability_target       = optional(number, 99.9)
    latency_target            = optional(number, 99)
    latency_threshold_seconds = optional(number, 0.3)
    min_requests              = optional(number, 10)
  })
  default = {}

  validation {
    condition     = var.slo.availability_target > 90 && var.slo.availability_target < 100 && var.slo.latency_target > 90 && var.slo.latency_target < 100
    error_message = "SLO targets must be percentages between 90 and 100 (exclusive)."
  }
}

variable "enable_slo_alarms" {
  description = "Create the multi-window burn-rate alarms of the SLOs (8 metric-math alarms with 20 alarm metrics and 2 composite alarms: about $3.00/month). The dashboard shows the SLIs either way."
  type        = bool
  default     = true
}

variable "enable_business_alarms" {
  description = "Create the alarms on the business metrics (payment declines, reconciler deferring and orphans, refunds refused, reservations held, the hit ratio of each cache: 8 alarms reading 10 alarm metrics, $1.00/month at list prices). The dashboard shows the metrics either way."
  type        = bool
  default     = true
}

variable "enable_task_alarms" {
  description = "Create each service's CPU, memory and restart alarms (3 alarm metrics per service, $0.90/month for three services at list prices). The 5xx (rollback), load balancer, database and cost alarms do not depend on it; the dashboard shows CPU, memory and starts either way."
  type        = bool
  default     = true
}

variable "trace_sampling" {
  description = "Share of new traces sampled: default_ratio for every request, checkout_ratio for checkouts (POST /api/orders*). The X-Ray sampling rules carry the same rates; health probes are never sampled."
  type = object({
    default_ratio  = number
    checkout_ratio = number
  })

  validation {
    condition     = var.trace_sampling.default_ratio >= 0 && var.trace_sampling.default_ratio <= 1 && var.trace_sampling.checkout_ratio >= 0 && var.trace_sampling.checkout_ratio <= 1
    error_message = "Sampling ratios must be between 0 and 1."
  }
}

variable "cost_spike_alarm_usd" {
  description = "Alarm when the account's estimated charges (AWS/Billing EstimatedCharges, month to date) grow by more than this many USD within 12 hours; 0 disables it. Only in us-east-1, and it needs billing alerts enabled in the account's billing preferences."
  type        = number
  default     = 10

  validation {
    condition     = var.cost_spike_alarm_usd >= 0
    error_message = "cost_spike_alarm_usd must be 0 (off) or positive."
  }
}

variable "allow_eventbridge" {
  description = "Give the alarm topic a policy that lets EventBridge rules of this account publish to it (the security services' findings), beside CloudWatch alarms and the account."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
