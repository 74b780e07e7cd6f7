output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_names" {
  description = "ECS service name per service."
  value       = { for k, s in aws_ecs_service.this : k => s.name }
}

output "service_arns" {
  description = "ECS service ARN per service."
  value       = { for k, s in aws_ecs_service.this : k => s.id }
}

output "task_definition_families" {
  description = "Task definition family per service (the deploy pipeline registers new revisions in it)."
  value       = { for k, t in aws_ecs_task_definition.this : k => t.family }
}

output "db_init_family" {
  description = "Task definition family of the db-init task."
  value       = aws_ecs_task_definition.db_init.family
}

output "scalable_target_arns" {
  description = "Application Auto Scaling target ARN per service (scaling is suspended while the environment is stopped)."
  value       = { for k, t in aws_appautoscaling_target.this : k => t.arn }
}

output "task_security_group_id" {
  description = "Security group of the tasks (RDS accepts connections from it)."
  value       = aws_security_group.tasks.id
}

output "execution_role_arns" {
  description = "Execution role ARN per service and db-init (the deploy role may pass only these and the task roles)."
  value       = { for k, r in aws_iam_role.execution : k => r.arn }
}

output "task_role_arns" {
  description = "Task role ARN per service and db-init."
  value       = { for k, r in aws_iam_role.task : k => r.arn }
}

output "capacity_provider_strategy" {
  description = "Default capacity provider strategy of the cluster (FARGATE base/weight, FARGATE_SPOT weight)."
  value       = { for p in local.capacity_providers : p.name => { base = p.base, weight = p.weight } }
}

output "cpu_architecture" {
  description = "CPU architecture of the task definitions."
  value       = var.cpu_architecture
}

output "stop_timeout_seconds" {
  description = "ECS stopTimeout of the application containers."
  value       = local.stop_timeout
}

output "deployment_strategy" {
  description = "Deployment strategy and bake time of the services."
  value       = { strategy = "BLUE_GREEN", bake_time_minutes = var.blue_green.bake_time_minutes }
}

output "scheduled_scale_in_enabled" {
  description = "Whether the services scale to zero outside working hours."
  value       = var.scheduled_scale_in.enabled
}

output "service_connect_namespace" {
  description = "Cloud Map HTTP namespace used by Service Connect."
  value       = aws_service_discovery_http_namespace.this.name
}

output "db_init_task_definition_arn" {
  description = "ARN of the db-init task definition (creates the per-service roles and schemas)."
  value       = aws_ecs_task_definition.db_init.arn
}

output "db_init_run_task_command" {
  description = "AWS CLI command that runs the db-init task once (setup script and deploy pipeline run it after RDS is up)."
  value = join(" ", [
    "aws ecs run-task --cluster ${aws_ecs_cluster.this.name}",
    "--task-definition ${aws_ecs_task_definition.db_init.family}",
    "--launch-type FARGATE",
    "--network-configuration 'awsvpcConfiguration={subnets=[${join(",", var.subnet_ids)}],securityGroups=[${aws_security_group.tasks.id}],assignPublicIp=DISABLED}'",
  ])
}

output "tracing" {
  description = "Tracing of the services: whether the ADOT sidecar runs, the SSM parameter with its configuration, and each service's sampling ratio for new traces."
  value = {
    adot_enabled          = var.enable_adot
    config_parameter_name = var.enable_adot ? aws_ssm_parameter.adot_config[0].name : null
    sample_ratios         = { for svc, s in var.services : svc => s.trace_sample_ratio }
  }
}

output "emf_interval_seconds" {
  description = "How often the services write their business metrics as CloudWatch EMF log lines (0: never)."
  value       = var.emf_interval_seconds
}
