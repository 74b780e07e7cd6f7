variable "name" {
  description = "Name prefix (project-environment): cluster name, task families <name>-<service>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment environment (DEPLOYMENT_ENVIRONMENT of the services)."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "vpc_id" {
  description = "VPC of the tasks."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR of the VPC (tasks may reach PostgreSQL and VPC endpoints inside it)."
  type        = string
}

variable "subnet_ids" {
  description = "Private app subnets of the tasks (no public IPs)."
  type        = list(string)
}

variable "alb_security_group_id" {
  description = "Security group of the load balancer; the only source of traffic to the API port besides the tasks themselves."
  type        = string
}

variable "services" {
  description = "Services to run. image: repository URL without tag; secrets/parameters: { ENV = ARN } injected with secrets[].valueFrom; environment: plain non-secret variables; service_connect: server (others call it by name) or client."
  type = map(object({
    image           = string
    image_tag       = string
    repository_arn  = string
    cpu             = number
    memory          = number
    desired_count   = number
    min_count       = number
    max_count       = number
    container_port  = optional(number, 8080)
    admin_port      = optional(number, 9090)
    service_connect = optional(string, "client")
    environment     = optional(map(string), {})
    secrets         = optional(map(string), {})
    parameters      = optional(map(string), {})
    # OTEL_TRACES_SAMPLER_ARG: share of new traces sampled (with enable_adot).
    trace_sample_ratio = optional(number, 0.05)
    target_group = object({
      blue_arn         = string
      green_arn        = string
      blue_arn_suffix  = string
      green_arn_suffix = string
      listener_rule    = string
      alb_arn_suffix   = string
      requests_per_min = optional(number, 600)
    })
  }))

  validation {
    condition     = alltrue([for s in values(var.services) : contains(["server", "client"], s.service_connect)])
    error_message = "service_connect must be server or client."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : contains([256, 512, 1024, 2048, 4096], s.cpu)])
    error_message = "cpu must be a Fargate size: 256, 512, 1024, 2048 or 4096."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.min_count <= s.desired_count && s.desired_count <= s.max_count])
    error_message = "Each service needs min_count <= desired_count <= max_count."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.trace_sample_ratio >= 0 && s.trace_sample_ratio <= 1])
    error_message = "trace_sample_ratio must be between 0 and 1."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : length(setintersection(keys(s.environment), concat(keys(s.secrets), keys(s.parameters)))) == 0])
    error_message = "A variable cannot be both a plain environment variable and a secret/parameter."
  }
}

variable "cpu_architecture" {
  description = "Task CPU architecture: ARM64 (Graviton, 20% cheaper) or X86_64."
  type        = string
  default     = "ARM64"

  validation {
    condition     = contains(["ARM64", "X86_64"], var.cpu_architecture)
    error_message = "cpu_architecture must be ARM64 or X86_64."
  }
}

variable "capacity_provider_strategy" {
  description = "Fargate capacity: on_demand_base tasks always on FARGATE, the rest split by weight between FARGATE and FARGATE_SPOT (up to 70% cheaper, the price varies; can be interrupted)."
  type = object({
    on_demand_base   = number
    on_demand_weight = number
    spot_weight      = number
  })

  validation {
    condition     = var.capacity_provider_strategy.on_demand_base >= 0 && var.capacity_provider_strategy.on_demand_weight >= 0 && var.capacity_provider_strategy.spot_weight >= 0 && var.capacity_provider_strategy.on_demand_weight + var.capacity_provider_strategy.spot_weight > 0
    error_message = "Weights and base must be >= 0 and at least one weight > 0."
  }
}

variable "enable_container_insights" {
  description = "CloudWatch Container Insights on the cluster (custom metrics, about $0.30 per metric-month)."
  type        = bool
  default     = false
}

variable "enable_adot" {
  description = "Add the AWS Distro for OpenTelemetry collector sidecar (traces to X-Ray); sets OTEL_EXPORTER_OTLP_ENDPOINT."
  type        = bool
  default     = false
}

variable "adot_image" {
  description = "Image of the ADOT collector sidecar (pinned)."
  type        = string
  default     = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3"
}

variable "adot_resources" {
  description = "CPU units and memory (MiB: hard limit and reservation) of the ADOT sidecar; its memory_limiter refuses data at 100 MiB."
  type = object({
    cpu                = optional(number, 64)
    memory             = optional(number, 128)
    memory_reservation = optional(number, 64)
  })
  default = {}

  validation {
    condition     = var.adot_resources.memory >= 128 && var.adot_resources.memory_reservation <= var.adot_resources.memory && var.adot_resources.cpu >= 0
    error_message = "adot_resources.memory must be at least 128 MiB (the collector's memory_limiter stops at 100 MiB) and at least memory_reservation."
  }
}

variable "emf_interval_seconds" {
  description = "METRICS_EMF_INTERVAL_SECONDS of the services: how often they write their business metrics as CloudWatch EMF log lines (0: never)."
  type        = number
  default     = 60

  validation {
    condition     = var.emf_interval_seconds == 0 || (var.emf_interval_seconds >= 10 && var.emf_interval_seconds <= 3600)
    error_message = "emf_interval_seconds must be 0 (off) or between 10 and 3600."
  }
}

variable "log_group_names" {
  description = "CloudWatch log group per service (created with retention by the monitoring module), plus db-init."
  type        = map(string)
}

variable "drain_timeout_seconds" {
  description = "The services' drain deadline (DRAIN_TIMEOUT_SECONDS); ECS stopTimeout is this plus 10 s."
  type        = number
  default     = 20

  validation {
    condition     = var.drain_timeout_seconds >= 1 && var.drain_timeout_seconds <= 110
    error_message = "drain_timeout_seconds must be between 1 and 110 (Fargate caps stopTimeout at 120 s)."
  }
}

variable "blue_green" {
  description = "ECS-native blue/green: bake time before the old revision is dropped, and CloudWatch alarms (per service) that roll back."
  type = object({
    bake_time_minutes = number
    alarm_names       = map(list(string))
  })

  validation {
    condition     = var.blue_green.bake_time_minutes >= 0 && var.blue_green.bake_time_minutes <= 1440
    error_message = "bake_time_minutes must be between 0 and 1440."
  }
}

variable "autoscaling" {
  description = "Target tracking: average CPU percent and ALB requests per target per minute."
  type = object({
    cpu_target_percent = optional(number, 60)
    scale_in_cooldown  = optional(number, 120)
    scale_out_cooldown = optional(number, 60)
  })
  default = {}

  validation {
    condition     = var.autoscaling.cpu_target_percent > 10 && var.autoscaling.cpu_target_percent < 95
    error_message = "cpu_target_percent must be between 10 and 95."
  }
}

variable "scheduled_scale_in" {
  description = "Scale every service to zero outside working hours (dev). Cron expressions in the given time zone."
  type = object({
    enabled    = bool
    stop_cron  = optional(string, "cron(0 20 ? * MON-FRI *)")
    start_cron = optional(string, "cron(0 7 ? * MON-FRI *)")
    timezone   = optional(string, "UTC")
  })
  default = { enabled = false }

  validation {
    condition     = can(regex("^cron\\(.+\\)$", var.scheduled_scale_in.stop_cron)) && can(regex("^cron\\(.+\\)$", var.scheduled_scale_in.start_cron))
    error_message = "stop_cron and start_cron must be cron(...) expressions."
  }
}

variable "db_init" {
  description = "The one-off db-init task: PostgreSQL client image, database endpoint, the RDS-managed master secret and the two service-role password secrets."
  type = object({
    image                = optional(string, "public.ecr.aws/docker/library/postgres:16")
    db_host              = string
    db_name              = string
    master_secret_arn    = string
    catalog_password_arn = string
    orders_password_arn  = string
    bootstrap_sql        = string
  })
}

variable "alb_listener_arns" {
  description = "Listeners whose rules ECS blue/green may modify."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the secrets and parameters the execution roles read."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
