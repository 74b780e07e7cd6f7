# X-Ray sampling rules: the environment's tracing policy for X-Ray-aware
# samplers (X-Ray SDKs, OpenTelemetry's X-Ray remote sampler): health probes
# never, checkouts (POST /api/orders*) at checkout_ratio, everything else at
# default_ratio. The C++ services sample locally with the same ratios
# (OTEL_TRACES_SAMPLER=parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG
# set per service by modules/ecs) and never trace health probes, so the
# rules and the services agree. Rules are per account and region, hence the
# environment in their names (at most 32 characters). A reservoir of 1 keeps
# at least one trace per second of each kind before the ratio applies.

locals {
  rule_prefix = substr(var.name, 0, 22)

  sampling_rules = {
    health = {
      priority = 10, method = "GET", path = "/health", rate = 0, reservoir = 0
    }
    ready = {
      priority = 11, method = "GET", path = "/ready", rate = 0, reservoir = 0
    }
    checkout = {
      priority = 100, method = "POST", path = "/api/orders*", rate = var.trace_sampling.checkout_ratio, reservoir = 1
    }
    default = {
      priority = 9000, method = "*", path = "*", rate = var.trace_sampling.default_ratio, reservoir = 1
    }
  }
}

resource "aws_xray_sampling_rule" "this" {
  for_each = local.sampling_rules

  rule_name      = "${local.rule_prefix}-${each.key}"
  priority       = each.value.priority
  version        = 1
  reservoir_size = each.value.reservoir
  fixed_rate     = each.value.rate
  url_path       = each.value.path
  host           = "*"
  http_method    = each.value.method
  service_type   = "*"
  service_name   = "*"
  resource_arn   = "*"

  tags = var.tags
}
