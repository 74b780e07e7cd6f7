variable "identifier" {
  description = "RDS instance identifier (project-environment)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,62}$", var.identifier))
    error_message = "identifier must start with a letter and contain only lowercase letters, digits and hyphens."
  }
}

variable "vpc_id" {
  description = "VPC of the database security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private database subnets (at least two AZs, as RDS requires)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "RDS needs subnets in at least two availability zones."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups (the ECS tasks') allowed to connect on 5432. Nothing else is."
  type        = list(string)
}

variable "instance_class" {
  description = "Instance class; db.t4g.micro is $11.68/month single-AZ, $23.36 Multi-AZ."
  type        = string
  default     = "db.t4g.micro"

  validation {
    condition     = can(regex("^db\\.", var.instance_class))
    error_message = "instance_class must be an RDS class such as db.t4g.micro."
  }
}

variable "engine_version" {
  description = "PostgreSQL major (or major.minor) version."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^16(\\.[0-9]+)?$", var.engine_version))
    error_message = "The services are built and tested against PostgreSQL 16."
  }
}

variable "allocated_storage_gb" {
  description = "Initial gp3 storage in GB ($0.115/GB-month single-AZ)."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage_gb >= 20 && var.allocated_storage_gb <= 1000
    error_message = "allocated_storage_gb must be between 20 and 1000."
  }
}

variable "max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling in GB (0 turns autoscaling off)."
  type        = number
  default     = 100

  validation {
    condition     = var.max_allocated_storage_gb == 0 || var.max_allocated_storage_gb >= 20
    error_message = "max_allocated_storage_gb must be 0 or at least 20."
  }
}

variable "multi_az" {
  description = "Standby replica in a second AZ (doubles the instance cost)."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35."
  }
}

variable "deletion_protection" {
  description = "Refuse deletion of the instance; also keeps a final snapshot on destroy."
  type        = bool
  default     = true
}

variable "slow_query_ms" {
  description = "Statements slower than this many milliseconds are logged (log_min_duration_statement)."
  type        = number
  default     = 500

  validation {
    condition     = var.slow_query_ms >= 0
    error_message = "slow_query_ms must be 0 or more."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the storage and the RDS-managed master secret."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the exported PostgreSQL log group."
  type        = number
  default     = 7

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ...)."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
