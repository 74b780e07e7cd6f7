output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider."
  value       = local.provider_arn
}

output "deploy_role_arn" {
  description = "Role the build-deploy workflow assumes (AWS_DEPLOY_ROLE_ARN)."
  value       = aws_iam_role.deploy.arn
}

output "plan_role_arn" {
  description = "Read-only role the terraform workflow assumes for plans."
  value       = aws_iam_role.plan.arn
}

output "apply_role_arn" {
  description = "Role the terraform workflow assumes to apply (AWS_APPLY_ROLE_ARN)."
  value       = aws_iam_role.apply.arn
}

output "rotate_role_arn" {
  description = "Role the rotate-secrets workflow assumes (AWS_ROTATE_ROLE_ARN)."
  value       = aws_iam_role.rotate.arn
}
