variable "project" {
  description = "Project name: the first part of every resource name and the Project cost-allocation tag."
  type        = string
  default     = "ecommerce"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.project))
    error_message = "project must be 2-12 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name: dev or prod (envs/<environment>.tfvars)."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "aws_region" {
  description = "AWS region of the whole stack."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region name such as us-east-1."
  }
}

variable "availability_zone_count" {
  description = "Number of AZs for the subnets (the first N the region offers)."
  type        = number
  default     = 3

  validation {
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 3
    error_message = "availability_zone_count must be 2 or 3."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR block."
  }
}

variable "nat_strategy" {
  description = "Egress of the private subnets: none (interface endpoints), single NAT gateway, per_az NAT gateways, or instance (t4g.nano NAT instance)."
  type        = string

  validation {
    condition     = contains(["none", "single", "per_az", "instance"], var.nat_strategy)
    error_message = "nat_strategy must be one of none, single, per_az, instance."
  }
}

variable "enable_interface_endpoints" {
  description = "Interface endpoints for ECR, Logs, Secrets Manager and SSM (forced on when nat_strategy is none)."
  type        = bool
  default     = false
}

variable "interface_endpoint_az_count" {
  description = "AZs the interface endpoints are placed in."
  type        = number
  default     = 2

  validation {
    condition     = var.interface_endpoint_az_count >= 1 && var.interface_endpoint_az_count <= 3
    error_message = "interface_endpoint_az_count must be between 1 and 3."
  }
}

variable "domain_name" {
  description = "Public host name of the shop; empty serves plain HTTP on the ALB's DNS name."
  type        = string
  default     = ""

  validation {
    condition     = var.domain_name == "" || can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be empty or a lowercase DNS name."
  }
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of domain_name (certificate validation and alias record); required when domain_name is set."
  type        = string
  default     = ""

  validation {
    condition     = var.domain_name == "" || var.route53_zone_id != ""
    error_message = "domain_name is set but route53_zone_id is empty: the certificate could not be validated during the apply and the HTTPS listener would refuse it. Set route53_zone_id to the domain's hosted zone, or leave domain_name empty (HTTP on the ALB's DNS name)."
  }
}

variable "enable_waf" {
  description = "Attach a WAF web ACL with AWS managed rules to the ALB."
  type        = bool
  default     = false
}

variable "enable_guardduty" {
  description = "Turn on GuardDuty for the account and Region, findings of medium severity or more to the alarm topic (modules/security-services). One stack per account."
  type        = bool
  default     = false
}

variable "enable_config" {
  description = "Turn on AWS Config with the stack's managed rules (encrypted volumes, restricted SSH, public S3 blocked, RDS not public, no admin IAM policies), delivering to the logs bucket, NON_COMPLIANT changes to the alarm topic. One stack per account."
  type        = bool
  default     = false
}

variable "enable_securityhub" {
  description = "Turn on Security Hub with the AWS Foundational Security Best Practices standard, CRITICAL and HIGH findings to the alarm topic. One stack per account."
  type        = bool
  default     = false
}

variable "alb_deletion_protection" {
  description = "Deletion protection of the load balancer."
  type        = bool
  default     = false
}

variable "services" {
  description = "Sizing per service (keys: frontend, product-service, order-service). cpu in CPU units, memory in MiB."
  type = map(object({
    cpu              = optional(number, 256)
    memory           = optional(number, 512)
    desired_count    = optional(number, 1)
    min_count        = optional(number, 1)
    max_count        = optional(number, 2)
    requests_per_min = optional(number, 600)
  }))
  default = {
    frontend          = {}
    "product-service" = {}
    "order-service"   = {}
  }

  validation {
    condition     = length(setsubtract(["frontend", "product-service", "order-service"], keys(var.services))) == 0 && length(var.services) == 3
    error_message = "services must have exactly the keys frontend, product-service and order-service."
  }
}

variable "image_tag" {
  description = "Image tag of the first task definition revisions; afterwards the deploy pipeline sets image digests (Terraform ignores them)."
  type        = string
  default     = "bootstrap"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a valid Docker tag."
  }
}

variable "cpu_architecture" {
  description = "ARM64 (Graviton, $7.21/month per 0.25 vCPU/0.5 GB task) or X86_64 ($9.01)."
  type        = string
  default     = "ARM64"

  validation {
    condition     = contains(["ARM64", "X86_64"], var.cpu_architecture)
    error_message = "cpu_architecture must be ARM64 or X86_64."
  }
}

variable "capacity_provider_strategy" {
  description = "FARGATE base and weight, FARGATE_SPOT weight."
  type = object({
    on_demand_base   = number
    on_demand_weight = number
    spot_weight      = number
  })
}

variable "enable_container_insights" {
  description = "CloudWatch Container Insights on the cluster."
  type        = bool
  default     = false
}

variable "enable_adot" {
  description = "ADOT collector sidecar in every task (traces to X-Ray)."
  type        = bool
  default     = false
}

variable "trace_sampling" {
  description = "Share of new traces sampled when enable_adot is on: OTEL_TRACES_SAMPLER_ARG of the services (parentbased_traceidratio: a request arriving with a sampled trace context is always traced) and the fixed rates of the X-Ray sampling rules. checkout_ratio for order-service, whose traffic is checkouts (POST /api/orders*), default_ratio for the others. X-Ray: $5 per million traces recorded beyond 100,000 a month."
  type = object({
    default_ratio  = number
    checkout_ratio = number
  })
  default = {
    default_ratio  = 0.05
    checkout_ratio = 0.25
  }

  validation {
    condition     = var.trace_sampling.default_ratio >= 0 && var.trace_sampling.default_ratio <= 1 && var.trace_sampling.checkout_ratio >= var.trace_sampling.default_ratio && var.trace_sampling.checkout_ratio <= 1
    error_message = "trace_sampling ratios must be between 0 and 1, checkout_ratio at least default_ratio."
  }
}

variable "enable_slo_alarms" {
  description = "Multi-window burn-rate alarms of the availability and latency SLOs (20 alarm metrics and 2 composite alarms, about $3.00/month); off where traffic is too thin to judge."
  type        = bool
  default     = true
}

variable "enable_business_alarms" {
  description = "Alarms on the business metrics: payment declines, reconciler deferring and orphans, refunds refused, reservations held, cache hit ratios (10 alarm metrics, $1.00/month at list prices); off where the only traffic is the team's own tests. The dashboard shows the metrics either way."
  type        = bool
  default     = true
}

variable "enable_task_alarms" {
  description = "Each service's CPU, memory and restart alarms (3 alarm metrics per service, $0.90/month for three at list prices); off where the tasks run a few hours a week and a person is watching when they do. The 5xx (blue/green rollback), load balancer, database, cost-spike and scheduler alarms stay either way."
  type        = bool
  default     = true
}

variable "cost_spike_alarm_usd" {
  description = "Alarm when the account's estimated charges grow by more than this many USD in 6 hours (AWS/Billing, us-east-1 stacks only, needs billing alerts enabled in the account); 0 disables it."
  type        = number
  default     = 10

  validation {
    condition     = var.cost_spike_alarm_usd >= 0
    error_message = "cost_spike_alarm_usd must be 0 (off) or positive."
  }
}

variable "log_level" {
  description = "LOG_LEVEL of the services."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be debug, info, warn or error."
  }
}

variable "log_sample_rate" {
  description = "LOG_SAMPLE_RATE: share of successful fast requests that are logged (failed and slow ones always are)."
  type        = number
  default     = 0.01

  validation {
    condition     = var.log_sample_rate >= 0 && var.log_sample_rate <= 1
    error_message = "log_sample_rate must be between 0 and 1."
  }
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365."
  }
}

variable "blue_green_bake_minutes" {
  description = "Minutes ECS keeps the old revision ready after shifting traffic, rolling back on alarm."
  type        = number
  default     = 5

  validation {
    condition     = var.blue_green_bake_minutes >= 0 && var.blue_green_bake_minutes <= 1440
    error_message = "blue_green_bake_minutes must be between 0 and 1440."
  }
}

variable "scheduled_scale_in" {
  description = "Scale the services to zero outside working hours (cron in the given time zone)."
  type = object({
    enabled    = bool
    stop_cron  = optional(string, "cron(0 20 ? * MON-FRI *)")
    start_cron = optional(string, "cron(0 7 ? * MON-FRI *)")
    timezone   = optional(string, "UTC")
  })
  default = { enabled = false }
}

variable "scheduler" {
  description = "FinOps scheduler (modules/scheduler): a Lambda run by EventBridge Scheduler that stops the services, RDS and the NAT instance outside working hours and starts them again. Defaults as the module's: stop 18:00 every day (so an RDS instance AWS restarted after 7 days stopped is stopped again that evening), start 08:00 Monday to Friday, in America/New_York (daylight saving time included). Use it or scheduled_scale_in, not both."
  type = object({
    enabled        = bool
    timezone       = optional(string, "America/New_York")
    stop_schedule  = optional(string, "cron(0 18 ? * * *)")
    start_schedule = optional(string, "cron(0 8 ? * MON-FRI *)")
  })
  default = { enabled = false }

  validation {
    condition     = can(regex("^(cron|rate)\\(.+\\)$", var.scheduler.stop_schedule)) && can(regex("^(cron|rate)\\(.+\\)$", var.scheduler.start_schedule))
    error_message = "stop_schedule and start_schedule must be cron(...) or rate(...) expressions."
  }
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"

  validation {
    condition     = can(regex("^db\\.", var.db_instance_class))
    error_message = "db_instance_class must be an RDS class such as db.t4g.micro."
  }
}

variable "db_multi_az" {
  description = "RDS Multi-AZ standby."
  type        = bool
}

variable "db_backup_retention_days" {
  description = "Days of automated RDS backups."
  type        = number

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 1 and 35."
  }
}

variable "db_deletion_protection" {
  description = "RDS deletion protection (and a final snapshot on destroy)."
  type        = bool
}

variable "db_allocated_storage_gb" {
  description = "Initial RDS storage in GB."
  type        = number
  default     = 20

  validation {
    condition     = var.db_allocated_storage_gb >= 20
    error_message = "db_allocated_storage_gb must be at least 20."
  }
}

variable "alert_emails" {
  description = "E-mail addresses for alarms, budget and cost-anomaly alerts."
  type        = list(string)

  validation {
    condition     = length(var.alert_emails) >= 1 && alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Give at least one e-mail address."
  }
}

variable "budget_alert_amounts_usd" {
  description = "Monthly cost levels (USD) that e-mail an alert."
  type        = list(number)
  default     = [25, 35, 50]

  validation {
    condition     = length(var.budget_alert_amounts_usd) >= 1 && alltrue([for a in var.budget_alert_amounts_usd : a > 0])
    error_message = "Give at least one positive amount."
  }
}

variable "account_budget_alert_amounts_usd" {
  description = "Monthly cost levels (USD) of a budget over the whole account, without the Environment tag filter, so it sees untagged charges too (target-tracking alarms, Cost Explorer requests, data transfer); empty for none. Set it in one stack per account (at the sum of its environments)."
  type        = list(number)
  default     = []

  validation {
    condition     = alltrue([for a in var.account_budget_alert_amounts_usd : a > 0])
    error_message = "Every account budget amount must be positive."
  }
}

variable "activate_cost_allocation_tags" {
  description = "Activate the Project/Environment/Service cost-allocation tags from this stack. Off by default: Cost Explorer refuses tag keys it has not yet seen in billing data (a new account) and refuses member accounts of an AWS Organization (the payer account activates them); docs/cost-optimization.md says how."
  type        = bool
  default     = false
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may deploy this environment."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "github_plan_subjects" {
  description = "OIDC subjects that may assume the read-only plan role: [\"pull_request\", \"ref:refs/heads/main\"] in dev (pull-request plans), [\"ref:refs/heads/main\"] in prod (planned only from main)."
  type        = list(string)
}

variable "github_deploy_subjects" {
  description = "OIDC subjects allowed to deploy, e.g. environment:dev (GitHub environment) or ref:refs/heads/main."
  type        = list(string)

  validation {
    condition     = length(var.github_deploy_subjects) > 0 && alltrue([for s in var.github_deploy_subjects : can(regex("^(environment:[A-Za-z0-9_.-]+|ref:refs/heads/[A-Za-z0-9_./-]+|ref:refs/tags/[A-Za-z0-9_./-]+)$", s))])
    error_message = "Each subject must be environment:<name>, ref:refs/heads/<branch> or ref:refs/tags/<tag> (no wildcards)."
  }
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (false when another stack of the account already did)."
  type        = bool
  default     = true
}

variable "existing_github_oidc_provider_arn" {
  description = "ARN of the account's GitHub OIDC provider when create_github_oidc_provider is false; empty: looked up by its URL."
  type        = string
  default     = ""
}

variable "state_bucket" {
  description = "Name of the Terraform state bucket (scripts/setup.sh creates it and passes -var state_bucket=...; so does the terraform workflow): the plan and apply roles may use this environment's state in it and nothing else."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be an S3 bucket name: pass -var state_bucket=<the state bucket> (scripts/setup.sh prints it as TF_STATE_BUCKET_<ENV>)."
  }
}

variable "dev_force_destroy" {
  description = "Let terraform destroy delete non-empty buckets, repositories and secrets at once (dev only)."
  type        = bool
  default     = false
}
