variable "name_prefix" {
  description = "First part of every repository name (project-environment): repositories are <name_prefix>/<service>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]*$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits, '.', '_' or '-'."
  }
}

variable "services" {
  description = "The services, one repository each."
  type        = list(string)

  validation {
    condition     = length(var.services) > 0 && alltrue([for s in var.services : can(regex("^[a-z0-9][a-z0-9._-]*$", s))])
    error_message = "Each service name must be lowercase letters, digits, '.', '_' or '-'."
  }
}

variable "keep_images" {
  description = "How many tagged images each repository keeps; older ones are expired by the lifecycle policy."
  type        = number
  default     = 20

  validation {
    condition     = var.keep_images >= 1 && var.keep_images <= 1000
    error_message = "keep_images must be between 1 and 1000."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (build layers, superseded manifests) are expired."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_expiry_days >= 1
    error_message = "untagged_expiry_days must be at least 1."
  }
}

variable "force_delete" {
  description = "Allow terraform destroy to delete repositories that still hold images (dev only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
