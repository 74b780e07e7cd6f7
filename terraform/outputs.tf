output "url" {
  description = "Public URL of the shop."
  value       = module.alb.url
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = module.alb.dns_name
}

output "ecr_repository_urls" {
  description = "ECR repository URL per service."
  value       = module.ecr.repository_urls
}

output "ecr_repository_names" {
  description = "ECR repository name per service (<project>-<environment>/<service>; scripts/deploy.sh pushes there)."
  value       = module.ecr.repository_names
}

output "admin_api_key_secret_arn" {
  description = "Secrets Manager ARN of product-service's admin API key (scripts/setup.sh reads it to load the catalog)."
  value       = module.secrets.secret_arns["product-service"]["ADMIN_API_KEY"]
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = module.networking.vpc_id
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (the load balancer, NAT)."
  value       = module.networking.public_subnet_ids
}

output "app_subnet_ids" {
  description = "IDs of the private subnets of the ECS tasks."
  value       = module.networking.app_subnet_ids
}

output "db_subnet_ids" {
  description = "IDs of the private subnets of the database."
  value       = module.networking.db_subnet_ids
}

output "task_security_group_id" {
  description = "Security group of the ECS tasks."
  value       = module.ecs.task_security_group_id
}

output "alb_security_group_id" {
  description = "Security group of the load balancer."
  value       = module.alb.security_group_id
}

output "db_security_group_id" {
  description = "Security group of the PostgreSQL instance."
  value       = module.rds.security_group_id
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.ecs.cluster_name
}

output "ecs_service_names" {
  description = "ECS service name per service."
  value       = module.ecs.service_names
}

output "ecs_task_definition_families" {
  description = "Task definition family per service (the deploy pipeline registers new revisions in them)."
  value       = module.ecs.task_definition_families
}

output "db_init_run_task_command" {
  description = "Command that runs the db-init task (creates the service database roles and schemas)."
  value       = module.ecs.db_init_run_task_command
}

output "rds_address" {
  description = "Host name of the PostgreSQL instance."
  value       = module.rds.address
}

output "rds_master_secret_arn" {
  description = "Secrets Manager ARN of the RDS-managed master credentials."
  value       = module.rds.master_user_secret_arn
}

output "dashboard_url" {
  description = "Console URL of the environment's CloudWatch dashboard."
  value       = module.monitoring.dashboard_url
}

output "alarm_topic_arn" {
  description = "SNS topic that receives the alarms."
  value       = module.monitoring.sns_topic_arn
}

output "logs_bucket" {
  description = "Bucket of the ALB access logs and VPC flow logs."
  value       = module.storage.logs_bucket_id
}


output "github_deploy_role_arn" {
  description = "Role the build-deploy workflow assumes."
  value       = module.github_oidc.deploy_role_arn
}

output "github_plan_role_arn" {
  description = "Read-only role the terraform workflow assumes for plans (its own state, no secret values)."
  value       = module.github_oidc.plan_role_arn
}

output "github_apply_role_arn" {
  description = "Role the terraform workflow assumes to apply this environment (trusted only for the GitHub environment of the same name)."
  value       = module.github_oidc.apply_role_arn
}

output "github_rotate_role_arn" {
  description = "Role the rotate-secrets workflow assumes (repository variable AWS_ROTATE_ROLE_ARN_<ENV>)."
  value       = module.github_oidc.rotate_role_arn
}

output "github_oidc_provider_arn" {
  description = "The account's GitHub OIDC provider (created by this stack, or the one another stack of the account created)."
  value       = module.github_oidc.oidc_provider_arn
}

output "scheduler_targets" {
  description = "What the FinOps scheduler stops and starts: cluster, RDS instance, NAT instances."
  value = {
    cluster_name     = module.ecs.cluster_name
    db_instance_id   = module.rds.instance_id
    nat_instance_ids = module.networking.nat_instance_ids
  }
}
