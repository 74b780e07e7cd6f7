# Public Application Load Balancer. Listener rules are generated from the
# project's single routing table (config/routes.json), the same file the
# local nginx configuration is generated from. Each service has a blue and a
# green target group for ECS-native blue/green deployments: ECS moves the
# production listener rule between them, so Terraform ignores the rules'
# actions after creating them.

locals {
  https = var.domain_name != ""
  short = { for s in keys(var.routes.services) : s => substr(replace(s, "-service", ""), 0, 8) }

  target_groups = merge([
    for s, cfg in var.routes.services : {
      for color in ["blue", "green"] : "${s}-${color}" => {
        service = s
        color   = color
        port    = cfg.container_port
        health  = cfg.health_check_path
        # A target group name has at most 32 characters: a longer one keeps
        # its first 23 and ends with 8 of its SHA-1 (unique, stable).
        full_name = "${var.name}-${local.short[s]}-${color}"
      }
    }
  ]...)
  target_group_names = {
    for k, tg in local.target_groups : k => length(tg.full_name) <= 32 ? tg.full_name : "${substr(tg.full_name, 0, 23)}-${substr(sha1(tg.full_name), 0, 8)}"
  }

  # Service rules from the routing table plus a catch-all for the default
  # service (ECS blue/green needs a listener rule, not a default action).
  service_rules = merge(
    { for r in var.routes.rules : r.service => { priority = r.priority, paths = r.path_patterns } },
    { (var.routes.default_service) = { priority = 50000, paths = ["/*"] } },
  )

  serving_listener_arn = local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn
}

resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "Public ALB: HTTP/HTTPS from the internet, to the tasks in the VPC"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-alb" })
}

# Accepted (AVD-AWS-0107, SG_NO_PUBLIC_INGRESS): the load balancer is the shop's public entry point; only 80 (redirected to HTTPS when there is a certificate) and 443 are open to the internet.
#trivy:ignore:AVD-AWS-0107
resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id = aws_security_group.this.id
  description       = "HTTP from the internet (redirected to HTTPS when a certificate is set)"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

# Accepted (AVD-AWS-0107, SG_NO_PUBLIC_INGRESS): HTTPS is the shop's public entry point.
#trivy:ignore:AVD-AWS-0107
resource "aws_vpc_security_group_ingress_rule" "https" {
  count = local.https ? 1 : 0

  security_group_id = aws_security_group.this.id
  description       = "HTTPS from the internet"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "to_tasks" {
  for_each = toset([for s in values(var.routes.services) : tostring(s.container_port)])

  security_group_id = aws_security_group.this.id
  description       = "To the service containers"
  cidr_ipv4         = var.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = tonumber(each.value)
  to_port           = tonumber(each.value)
}

# Accepted (AVD-AWS-0053, ALB_INTERNET_FACING): the shop's public entry point; it drops invalid headers, redirects HTTP to HTTPS when a certificate is set, uses a TLS 1.2+ policy and has WAF in prod.
#trivy:ignore:AVD-AWS-0053
resource "aws_lb" "this" {
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.this.id]
  subnets                    = var.public_subnet_ids
  drop_invalid_header_fields = true
  desync_mitigation_mode     = "defensive"
  idle_timeout               = var.idle_timeout_seconds
  enable_deletion_protection = var.enable_deletion_protection

  access_logs {
    bucket  = var.access_logs_bucket
    prefix  = "alb"
    enabled = true
  }

  tags = var.tags
}

resource "aws_lb_target_group" "this" {
  for_each = local.target_groups

  name                 = local.target_group_names[each.key]
  port                 = each.value.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay_seconds

  health_check {
    path                = each.value.health
    port                = "traffic-port"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = merge(var.tags, { Service = each.value.service, Color = each.value.color })
}

# ---- TLS certificate (when a domain is given) ----------------------------------

resource "aws_acm_certificate" "this" {
  count = local.https ? 1 : 0

  domain_name       = var.domain_name
  validation_method = "DNS"

  tags = var.tags

  lifecycle {
    create_before_destroy = true

    # An HTTPS listener refuses a certificate that is not issued yet, and
    # only the zone's validation record gets it issued during the apply.
    precondition {
      condition     = var.route53_zone_id != ""
      error_message = "domain_name is set but route53_zone_id is empty: the certificate could not be validated, so the HTTPS listener would fail. Set route53_zone_id to the hosted zone of ${var.domain_name}, or leave domain_name empty for HTTP on the ALB's DNS name."
    }
  }
}

resource "aws_route53_record" "validation" {
  for_each = local.https ? { for o in aws_acm_certificate.this[0].domain_validation_options : o.domain_name => o } : {}

  zone_id         = var.route53_zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  count = local.https ? 1 : 0

  certificate_arn         = aws_acm_certificate.this[0].arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

resource "aws_route53_record" "alias" {
  count = local.https ? 1 : 0

  zone_id = var.route53_zone_id
  name    = var.domain_name
  type    = "A"

  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }
}

# ---- listeners ---------------------------------------------------------------

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = local.https ? "redirect" : "fixed-response"

    dynamic "redirect" {
      for_each = local.https ? [1] : []
      content {
        protocol    = "HTTPS"
        port        = "443"
        status_code = "HTTP_301"
      }
    }

    dynamic "fixed_response" {
      for_each = local.https ? [] : [1]
      content {
        content_type = "application/json"
        message_body = "{\"error\":{\"code\":\"not_found\",\"message\":\"no route\"}}"
        status_code  = "404"
      }
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = aws_acm_certificate_validation.this[0].certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      message_body = "{\"error\":{\"code\":\"not_found\",\"message\":\"no route\"}}"
      status_code  = "404"
    }
  }

  tags = var.tags
}

# Internal APIs (/internal/*) are never routed by the ALB.
resource "aws_lb_listener_rule" "never_routed" {
  listener_arn = local.serving_listener_arn
  priority     = 1

  action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      message_body = "{\"error\":{\"code\":\"not_found\",\"message\":\"no route\"}}"
      status_code  = "404"
    }
  }

  condition {
    path_pattern {
      values = [for p in var.routes.never_routed_prefixes : "${p}*"]
    }
  }

  tags = var.tags
}

resource "aws_lb_listener_rule" "service" {
  for_each = local.service_rules

  listener_arn = local.serving_listener_arn
  priority     = each.value.priority

  action {
    type = "forward"

    forward {
      target_group {
        arn    = aws_lb_target_group.this["${each.key}-blue"].arn
        weight = 100
      }

      target_group {
        arn    = aws_lb_target_group.this["${each.key}-green"].arn
        weight = 0
      }
    }
  }

  condition {
    path_pattern {
      values = each.value.paths
    }
  }

  tags = merge(var.tags, { Service = each.key })

  # ECS blue/green deployments shift the weights between blue and green.
  lifecycle {
    ignore_changes = [action]
  }
}

# ---- optional WAF ----------------------------------------------------------------

resource "aws_wafv2_web_acl" "this" {
  count = var.enable_waf ? 1 : 0

  name  = var.name
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  dynamic "rule" {
    for_each = {
      AWSManagedRulesCommonRuleSet          = 10
      AWSManagedRulesKnownBadInputsRuleSet  = 20
      AWSManagedRulesAmazonIpReputationList = 30
    }
    content {
      name     = rule.key
      priority = rule.value

      override_action {
        none {}
      }

      statement {
        managed_rule_group_statement {
          name        = rule.key
          vendor_name = "AWS"
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = rule.key
        sampled_requests_enabled   = true
      }
    }
  }

  rule {
    name     = "rate-limit"
    priority = 40

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.waf_rate_limit_per_5min
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "rate-limit"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.enable_waf ? 1 : 0

  resource_arn = aws_lb.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this[0].arn
}
