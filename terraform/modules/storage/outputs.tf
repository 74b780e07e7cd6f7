output "logs_bucket_id" {
  description = "Name of the logs bucket (ALB access logs under alb/, flow logs under vpc-flow-logs/)."
  value       = aws_s3_bucket.logs.id
}

output "logs_bucket_arn" {
  description = "ARN of the logs bucket."
  value       = aws_s3_bucket.logs.arn
}
