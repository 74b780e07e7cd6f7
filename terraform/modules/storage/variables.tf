variable "name" {
  description = "Name prefix of the buckets (project-environment); the account ID is appended for global uniqueness."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "allow_config_deliver" {
  description = "Let AWS Config of this account deliver to the logs bucket under config/ (enable_config)."
  type        = bool
  default     = false
}

variable "log_transition_ia_days" {
  description = "Days after which log objects move to S3 Standard-IA."
  type        = number
  default     = 30

  validation {
    condition     = var.log_transition_ia_days >= 30
    error_message = "S3 requires at least 30 days before a transition to Standard-IA."
  }
}

variable "log_transition_glacier_days" {
  description = "Days after which log objects move to Glacier Instant Retrieval."
  type        = number
  default     = 90

  validation {
    condition     = var.log_transition_glacier_days >= 60
    error_message = "log_transition_glacier_days must be at least 60 (30 days after Standard-IA)."
  }
}

variable "log_expiration_days" {
  description = "Days after which log objects are deleted."
  type        = number
  default     = 365

  validation {
    condition     = var.log_expiration_days >= 1 && var.log_expiration_days <= 3650
    error_message = "log_expiration_days must be between 1 and 3650."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which overwritten or deleted object versions are removed."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "force_destroy" {
  description = "Allow terraform destroy to delete non-empty buckets (dev only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
