variable "name" {
  description = "Name prefix (project-environment); secrets are named <name>/<service>/<KEY>, parameters /<name>/<service>/<KEY>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "generated_secrets" {
  description = "Secrets whose value Terraform generates once (random, 40 characters): service name => list of environment variable names. Rotate them with the procedure in the module README."
  type        = map(list(string))

  validation {
    condition     = alltrue(flatten([for s, names in var.generated_secrets : [for n in names : can(regex("^[A-Z][A-Z0-9_]*$", n))]]))
    error_message = "Secret names must be environment variable names (A-Z, 0-9, _)."
  }
}

variable "parameters" {
  description = "Non-secret settings stored in SSM Parameter Store: service name => { ENV_NAME = value }."
  type        = map(map(string))
  default     = {}

  validation {
    condition     = alltrue(flatten([for s, kv in var.parameters : [for k, v in kv : can(regex("^[A-Z][A-Z0-9_]*$", k))]]))
    error_message = "Parameter names must be environment variable names (A-Z, 0-9, _)."
  }
}

variable "recovery_window_days" {
  description = "Days a deleted secret can still be restored (0 deletes at once; dev only)."
  type        = number
  default     = 7

  validation {
    condition     = var.recovery_window_days == 0 || (var.recovery_window_days >= 7 && var.recovery_window_days <= 30)
    error_message = "recovery_window_days must be 0 or between 7 and 30."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the KMS key is deleted after terraform destroy."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
