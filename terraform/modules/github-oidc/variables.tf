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
  description = "OIDC subjects (after repo:<owner>/<name>:) that may assume the deploy role: the GitHub environment of the deploy job, e.g. environment:dev."
  type        = list(string)

  validation {
    condition     = length(var.deploy_subjects) > 0 && alltrue([for s in var.deploy_subjects : can(regex("^(environment:[A-Za-z0-9_.-]+|ref:refs/heads/[A-Za-z0-9_./-]+|ref:refs/tags/[A-Za-z0-9_./-]+)$", s))])
    error_message = "Each subject must be environment:<name>, ref:refs/heads/<branch> or ref:refs/tags/<tag> (no wildcards)."
  }
}

variable "plan_subjects" {
  description = "OIDC subjects that may assume the read-only plan role: pull_request (pull requests of the repository) and/or ref:refs/heads/main. Prod: main only."
  type        = list(string)

  validation {
    condition     = length(var.plan_subjects) > 0 && alltrue([for s in var.plan_subjects : can(regex("^(pull_request|environment:[A-Za-z0-9_.-]+|ref:refs/heads/[A-Za-z0-9_./-]+)$", s))])
    error_message = "Each plan subject must be pull_request, environment:<name> or ref:refs/heads/<branch> (no wildcards)."
  }
}

variable "apply_subjects" {
  description = "OIDC subjects that may assume the apply role: the GitHub environment of the apply job, e.g. environment:prod (whose required reviewers approve)."
  type        = list(string)

  validation {
    condition     = length(var.apply_subjects) > 0 && alltrue([for s in var.apply_subjects : can(regex("^environment:[A-Za-z0-9_.-]+$", s))])
    error_message = "Apply subjects must be GitHub environments (environment:<name>): an apply never runs outside one."
  }
}

variable "rotate_subjects" {
  description = "OIDC subjects that may assume the rotate role (the scheduled secret rotation): the GitHub environment of the rotation job, e.g. environment:dev."
  type        = list(string)

  validation {
    condition     = length(var.rotate_subjects) > 0 && alltrue([for s in var.rotate_subjects : can(regex("^environment:[A-Za-z0-9_.-]+$", s))])
    error_message = "Rotate subjects must be GitHub environments (environment:<name>)."
  }
}

variable "rotated_secret_arns" {
  description = "ARNs of the secrets the rotate role may give new versions (the API keys; never a database password)."
  type        = list(string)
}

variable "secrets_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the rotated secrets (PutSecretValue needs kms:GenerateDataKey on it)."
  type        = string
}

variable "rotated_service_arns" {
  description = "ARNs of the ECS services the rotate role may redeploy (those that read a rotated secret)."
  type        = list(string)
}

variable "db_init_role_arns" {
  description = "Execution and task role ARNs of the db-init task (the rotate role may pass only these)."
  type        = list(string)
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (only one may exist per account): true for the account's first stack, false for the others, which look it up."
  type        = bool
  default     = true
}

variable "existing_oidc_provider_arn" {
  description = "ARN of the account's GitHub OIDC provider when create_oidc_provider is false; empty: looked up by its URL."
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

variable "ecs_cluster_name" {
  description = "Name of that cluster (service deployment and task ARNs carry it)."
  type        = string
}

variable "ecs_service_arns" {
  description = "Services the deploy role may update."
  type        = list(string)
}

variable "service_task_definition_families" {
  description = "Task definition families of the services: the deploy role registers revisions in them."
  type        = list(string)
}

variable "db_init_family" {
  description = "Task definition family of the db-init task, the only task the deploy role may run."
  type        = string
}

variable "passable_role_arns" {
  description = "Execution and task roles the deploy role may pass to ECS (nothing else)."
  type        = list(string)
}

variable "db_instance_arn" {
  description = "RDS instance the deploy role may start and stop (an off-hours deploy of an environment the scheduler stopped)."
  type        = string
}

variable "nat_instance_name" {
  description = "Name tag of the environment's NAT instance, which the deploy role may start and stop."
  type        = string
}

variable "scheduler_parameter_path" {
  description = "SSM path where the scheduler and scripts/teardown.sh remember each service's desired count (/<name>/scheduler/desired-count)."
  type        = string

  validation {
    condition     = can(regex("^/[A-Za-z0-9_./-]+[^/]$", var.scheduler_parameter_path))
    error_message = "scheduler_parameter_path must start with / and not end with /."
  }
}

variable "scalable_target_arns" {
  description = "Application Auto Scaling targets of the services (their scaling is suspended while the environment is stopped)."
  type        = list(string)
}

variable "plan_read_services" {
  description = "IAM service prefixes the plan role may Describe/List/Get: the services of the stack's resources and data sources (tools/tfcheck checks the list against terraform/)."
  type        = list(string)

  validation {
    condition     = alltrue([for s in var.plan_read_services : can(regex("^[a-z0-9-]+$", s))])
    error_message = "Each entry is an IAM service prefix such as ecs or elasticloadbalancing."
  }
}

variable "state_bucket" {
  description = "Name of the Terraform state bucket (scripts/setup.sh creates it and passes it)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be the name of the Terraform state bucket (pass -var state_bucket=..., as scripts/setup.sh and the terraform workflow do)."
  }
}

variable "state_key" {
  description = "Key of this environment's state in the bucket (ecommerce/<env>/terraform.tfstate): the only object the plan and apply roles may read."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
