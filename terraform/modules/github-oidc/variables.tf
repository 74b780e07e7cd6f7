variable "name" {
  description = "Name prefix (project-environment) of the roles."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "repository" {
  description = "GitHub repository allowed to assume the roles, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.repository))
    error_message = "repository must be owner/name."
  }
}

variable "deploy_subjects" {
  description = "OIDC subjects (after repo:<owner>/<name>:) that may assume the deploy role, e.g. environment:dev or ref:refs/heads/main."
  type        = list(string)

  validation {
    condition     = length(var.deploy_subjects) > 0 && alltrue([for s in var.deploy_subjects : can(regex("^(environment:[A-Za-z0-9_.-]+|ref:refs/heads/[A-Za-z0-9_./-]+|ref:refs/tags/[A-Za-z0-9_./-]+)$", s))])
    error_message = "Each subject must be environment:<name>, ref:refs/heads/<branch> or ref:refs/tags/<tag> (no wildcards)."
  }
}

variable "plan_subjects" {
  description = "OIDC subjects that may assume the read-only plan role (pull requests, the main branch)."
  type        = list(string)
  default     = ["pull_request", "ref:refs/heads/main"]

  validation {
    condition     = alltrue([for s in var.plan_subjects : !strcontains(s, "*")])
    error_message = "plan_subjects may not contain wildcards."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (only one may exist per account; otherwise pass existing_oidc_provider_arn)."
  type        = bool
  default     = true
}

variable "existing_oidc_provider_arn" {
  description = "ARN of an existing token.actions.githubusercontent.com OIDC provider, when create_oidc_provider is false."
  type        = string
  default     = ""
}

variable "ecr_repository_arns" {
  description = "Repositories the deploy role may push to."
  type        = list(string)
}

variable "ecs_cluster_arn" {
  description = "Cluster whose services the deploy role may update."
  type        = string
}

variable "ecs_service_arns" {
  description = "Services the deploy role may update."
  type        = list(string)
}

variable "task_definition_families" {
  description = "Task definition families the deploy role may run (db-init) and read."
  type        = list(string)
}

variable "passable_role_arns" {
  description = "Execution and task roles the deploy role may pass to ECS (nothing else)."
  type        = list(string)
}

variable "state_bucket" {
  description = "Name of the Terraform state bucket (the plan role reads state and writes its lock file). Empty: no state access."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
