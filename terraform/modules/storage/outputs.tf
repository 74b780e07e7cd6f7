output "logs_bucket_id" {
  description = "Name of the logs bucket (ALB access logs under alb/, flow logs under vpc-flow-logs/)."
  value       = aws_s3_bucket.this["logs"].id
}

output "logs_bucket_arn" {
  description = "ARN of the logs bucket."
  value       = aws_s3_bucket.this["logs"].arn
}

output "assets_bucket_id" {
  description = "Name of the static assets bucket (product images)."
  value       = aws_s3_bucket.this["assets"].id
}

output "assets_bucket_arn" {
  description = "ARN of the static assets bucket."
  value       = aws_s3_bucket.this["assets"].arn
}
