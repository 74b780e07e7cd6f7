variable "name" {
  description = "Name prefix of every resource (project-environment), e.g. ecommerce-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment the scheduler stops and starts (sent in every event; the function refuses events for another one)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.environment))
    error_message = "environment must be 1-20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "cluster_name" {
  description = "Name of the environment's ECS cluster: every service in it is scaled to zero on stop and restored on start."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.cluster_name))
    error_message = "cluster_name must be an ECS cluster name (letters, digits, hyphens, underscores)."
  }
}

variable "db_instance_id" {
  description = "Identifier of the RDS instance to stop and start, or null for none."
  type        = string
  default     = null

  validation {
    condition     = var.db_instance_id == null || can(regex("^[a-z][a-z0-9-]{0,62}$", var.db_instance_id))
    error_message = "db_instance_id must be an RDS instance identifier (lowercase letters, digits, hyphens)."
  }
}

variable "nat_instance_ids" {
  description = "EC2 instance ids of the NAT instance(s) (nat_strategy = \"instance\") to stop and start with the environment; empty for none."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.nat_instance_ids : can(regex("^i-[0-9a-f]{8,17}$", id))])
    error_message = "Each NAT instance id must look like i-0123456789abcdef0."
  }
}

variable "allow_production" {
  description = "Let the function act on a cluster tagged Environment=prod/production. Leave false: production is never torn down by schedule."
  type        = bool
  default     = false
}

variable "enabled" {
  description = "Whether the schedules are ENABLED (true) or DISABLED (false); the function and its role exist either way."
  type        = bool
  default     = true
}

variable "timezone" {
  description = "IANA time zone in which the schedule expressions are evaluated (daylight saving time included)."
  type        = string
  default     = "America/New_York"

  validation {
    condition     = var.timezone == "UTC" || can(regex("^[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2}$", var.timezone))
    error_message = "timezone must be UTC or an IANA name such as Europe/Berlin or America/New_York."
  }
}

variable "stop_schedule" {
  description = "When to stop, in EventBridge Scheduler syntax. Default: 18:00 every day, so that an RDS instance AWS restarted on its own after 7 days stopped is stopped again the same evening."
  type        = string
  default     = "cron(0 18 ? * * *)"

  validation {
    condition     = can(regex("^(cron|rate)\\(.+\\)$", var.stop_schedule))
    error_message = "stop_schedule must be a cron(...) or rate(...) expression."
  }
}

variable "start_schedule" {
  description = "When to start, in EventBridge Scheduler syntax. Default: 08:00 Monday to Friday (50 h a week with the default stop)."
  type        = string
  default     = "cron(0 8 ? * MON-FRI *)"

  validation {
    condition     = can(regex("^(cron|rate)\\(.+\\)$", var.start_schedule))
    error_message = "start_schedule must be a cron(...) or rate(...) expression."
  }
}

variable "start_wait_seconds" {
  description = "How long a start waits for the database to be available and the services to be steady; the function's timeout is this plus 60 s."
  type        = number
  default     = 600

  validation {
    condition     = var.start_wait_seconds >= 0 && var.start_wait_seconds <= 840 && floor(var.start_wait_seconds) == var.start_wait_seconds
    error_message = "start_wait_seconds must be a whole number from 0 to 840 (Lambda runs at most 900 s)."
  }
}

variable "state_parameter_prefix" {
  description = "SSM Parameter Store path under which each service's desired count is remembered while stopped; null for /<name>/scheduler/desired-count."
  type        = string
  default     = null

  validation {
    condition     = var.state_parameter_prefix == null || can(regex("^(/[A-Za-z0-9_.-]+)+$", var.state_parameter_prefix))
    error_message = "state_parameter_prefix must be a path such as /ecommerce-dev/scheduler/desired-count."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's CloudWatch log group, in days."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the log group and the dead-letter queue, or null for AWS managed encryption."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic notified when a stop or start fails (function errors or messages in the dead-letter queue); null for no alarms."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN."
  }
}

variable "source_dir" {
  description = "Folder with the function's code (app.py and the scheduler package); null for functions/scheduler/src of this repository."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
