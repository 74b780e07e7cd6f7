output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimension)."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "url" {
  description = "Public URL of the shop."
  value       = local.https ? "https://${var.domain_name}" : "http://${aws_lb.this.dns_name}"
}

output "https_enabled" {
  description = "Whether an HTTPS listener with an ACM certificate exists."
  value       = local.https
}

output "security_group_id" {
  description = "Security group of the load balancer (the tasks accept traffic from it)."
  value       = aws_security_group.this.id
}

output "listener_arns" {
  description = "ARNs of the listeners (http, and https when enabled)."
  value       = compact([aws_lb_listener.http.arn, local.https ? aws_lb_listener.https[0].arn : ""])
}

output "target_groups" {
  description = "Per service: blue and green target group ARNs and ARN suffixes."
  value = {
    for s in keys(var.routes.services) : s => {
      blue_arn          = aws_lb_target_group.this["${s}-blue"].arn
      green_arn         = aws_lb_target_group.this["${s}-green"].arn
      blue_arn_suffix   = aws_lb_target_group.this["${s}-blue"].arn_suffix
      green_arn_suffix  = aws_lb_target_group.this["${s}-green"].arn_suffix
      container_port    = var.routes.services[s].container_port
      health_check_path = var.routes.services[s].health_check_path
    }
  }
}

output "listener_rule_arns" {
  description = "Production listener rule ARN per service (ECS blue/green switches it)."
  value       = { for s, r in aws_lb_listener_rule.service : s => r.arn }
}

output "listener_rule_paths" {
  description = "Path patterns and priority per service, as generated from config/routes.json."
  value       = { for s, r in local.service_rules : s => r }
}

output "deregistration_delay_seconds" {
  description = "Deregistration delay of the target groups."
  value       = var.deregistration_delay_seconds
}

output "waf_enabled" {
  description = "Whether the WAF web ACL is attached."
  value       = var.enable_waf
}
