output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key."
  value       = aws_kms_key.this.arn
}

output "secret_arns" {
  description = "Secret ARN per owner and environment variable name: { owner = { ENV = arn } }. Each secret has its first value once these are known (the seed ran)."
  value = {
    for svc, names in var.generated_secrets : svc => {
      for n in names : n => aws_secretsmanager_secret.this["${svc}/${n}"].arn
    }
  }

  depends_on = [terraform_data.seed]
}

output "parameter_arns" {
  description = "SSM parameter ARN per service and environment variable name: { service = { ENV = arn } }."
  value = {
    for svc, kv in var.parameters : svc => {
      for k, v in kv : k => aws_ssm_parameter.this["${svc}/${k}"].arn
    }
  }
}

output "parameter_names" {
  description = "SSM parameter name per service and environment variable name."
  value = {
    for svc, kv in var.parameters : svc => {
      for k, v in kv : k => aws_ssm_parameter.this["${svc}/${k}"].name
    }
  }
}
