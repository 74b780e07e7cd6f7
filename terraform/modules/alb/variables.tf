variable "name" {
  description = "Name prefix (project-environment), at most 20 characters (the load balancer's name; target group names longer than 32 characters are shortened with a hash)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.name))
    error_message = "name must be 2-20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "vpc_id" {
  description = "VPC of the load balancer and its target groups."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR of the VPC; the ALB may only send traffic into it (to the tasks)."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets of the ALB (two or more AZs)."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An ALB needs subnets in at least two availability zones."
  }
}

variable "routes" {
  description = "The project's routing table (config/routes.json, decoded): rules, default_service, services, never_routed_prefixes."
  type = object({
    rules = list(object({
      name          = string
      priority      = number
      path_patterns = list(string)
      service       = string
    }))
    default_service = string
    services = map(object({
      container_port    = number
      admin_port        = number
      health_check_path = string
    }))
    never_routed_prefixes = list(string)
  })

  validation {
    condition     = alltrue([for r in var.routes.rules : contains(keys(var.routes.services), r.service)]) && contains(keys(var.routes.services), var.routes.default_service)
    error_message = "Every rule (and the default) must route to a service listed in routes.services."
  }

  validation {
    condition     = alltrue([for r in var.routes.rules : r.priority > 1 && r.priority < 50000])
    error_message = "Rule priorities must be between 2 and 49999 (1 blocks never-routed prefixes, 50000 is the default route)."
  }
}

variable "deregistration_delay_seconds" {
  description = "Target group deregistration delay; matches the services' drain deadline (DRAIN_TIMEOUT_SECONDS)."
  type        = number
  default     = 20

  validation {
    condition     = var.deregistration_delay_seconds >= 0 && var.deregistration_delay_seconds <= 3600
    error_message = "deregistration_delay_seconds must be between 0 and 3600."
  }
}

variable "domain_name" {
  description = "Public host name (e.g. shop.example.com). When set, an ACM certificate is issued and HTTP redirects to HTTPS; when empty the ALB serves HTTP only."
  type        = string
  default     = ""

  validation {
    condition     = var.domain_name == "" || can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be empty or a lowercase DNS name."
  }
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of domain_name, for the certificate's DNS validation and the alias record; required when domain_name is set."
  type        = string
  default     = ""
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener (TLS 1.2+ only)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)", var.ssl_policy))
    error_message = "ssl_policy must be a TLS 1.2+ policy (ELBSecurityPolicy-TLS13-1-2-..., -TLS-1-2-..., -FS-1-2-...)."
  }
}

variable "access_logs_bucket" {
  description = "S3 bucket for the access logs (written under the alb/ prefix)."
  type        = string
}

variable "enable_deletion_protection" {
  description = "Refuse deletion of the load balancer (prod)."
  type        = bool
  default     = false
}

variable "idle_timeout_seconds" {
  description = "Connection idle timeout."
  type        = number
  default     = 60

  validation {
    condition     = var.idle_timeout_seconds >= 1 && var.idle_timeout_seconds <= 4000
    error_message = "idle_timeout_seconds must be between 1 and 4000."
  }
}

variable "enable_waf" {
  description = "Attach a WAF web ACL with AWS managed rule groups ($5 + 4 rules x $1 = $9 per month: 3 managed rule groups and the per-IP rate limit, plus $0.60 per million requests)."
  type        = bool
  default     = false
}

variable "waf_rate_limit_per_5min" {
  description = "Requests per 5 minutes from one IP before the WAF blocks it (when enabled)."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit_per_5min >= 100
    error_message = "waf_rate_limit_per_5min must be at least 100 (the WAF minimum)."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
