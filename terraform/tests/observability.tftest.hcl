# Observability per environment, planned against a mocked AWS provider: the
# dashboard, the alarms (and that dev does without the SLO burn-rate and
# business-metric alarms), the X-Ray sampling rules, the saved Logs Insights
# queries, and the tracing and EMF settings the task definitions get.
# Run in GitHub Actions: terraform init -backend=false && terraform test

mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["us-east-1a", "us-east-1b", "us-east-1c"]
    }
  }

  mock_data "aws_region" {
    defaults = {
      region = "us-east-1"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_elb_service_account" {
    defaults = {
      arn = "arn:aws:iam::127311923021:root"
    }
  }

  mock_data "aws_ssm_parameter" {
    defaults = {
      value = "ami-0123456789abcdef0"
    }
  }
}

variables {
  alert_emails           = ["ops@example.com"]
  github_repository      = "example-org/aws-devops-ecommerce"
  github_deploy_subjects = ["environment:test"]
  github_plan_subjects   = ["pull_request"]
  state_bucket           = "example-tfstate-123456789012"
}

run "prod_observability" {
  command = plan

  variables {
    environment                 = "prod"
    availability_zone_count     = 3
    nat_strategy                = "per_az"
    enable_interface_endpoints  = true
    interface_endpoint_az_count = 2
    capacity_provider_strategy = {
      on_demand_base   = 2
      on_demand_weight = 1
      spot_weight      = 1
    }
    log_retention_days       = 30
    db_multi_az              = true
    db_backup_retention_days = 14
    db_deletion_protection   = true
    enable_adot              = true
    trace_sampling = {
      default_ratio  = 0.05
      checkout_ratio = 0.25
    }
    enable_slo_alarms    = true
    cost_spike_alarm_usd = 20
  }

  assert {
    condition     = module.monitoring.dashboard_name == "ecommerce-prod-overview"
    error_message = "prod has its own dashboard."
  }

  # 14 infrastructure alarms (3 services x CPU, memory, 5xx; ALB 5xx and
  # p95; RDS CPU, storage, connections), 8 SLO window alarms and 2 SLO
  # composites, 8 business alarms (declines, reconciler x2, refunds refused,
  # reservations, 3 caches), 3 restart alarms and the cost-spike alarm.
  assert {
    condition     = length(module.monitoring.alarm_names) == 36
    error_message = "prod has 36 alarms."
  }

  assert {
    condition     = toset(module.monitoring.slo_alarm_names) == toset(["ecommerce-prod-slo-availability", "ecommerce-prod-slo-latency"])
    error_message = "prod pages on both SLOs through composite alarms."
  }

  assert {
    condition     = contains(module.monitoring.alarm_names, "ecommerce-prod-estimated-charges-spike") && contains(module.monitoring.alarm_names, "ecommerce-prod-order-service-restarting") && contains(module.monitoring.alarm_names, "ecommerce-prod-frontend-cpu-high") && contains(module.monitoring.alarm_names, "ecommerce-prod-product-service-memory-high")
    error_message = "prod alarms on cost spikes, restart loops, and each service's CPU and memory."
  }

  assert {
    condition     = module.monitoring.sampling_rules["health"].fixed_rate == 0 && module.monitoring.sampling_rules["ready"].fixed_rate == 0 && module.monitoring.sampling_rules["health"].url_path == "/health"
    error_message = "Health probes are never sampled."
  }

  assert {
    condition     = module.monitoring.sampling_rules["checkout"].fixed_rate == 0.25 && module.monitoring.sampling_rules["checkout"].http_method == "POST" && module.monitoring.sampling_rules["checkout"].url_path == "/api/orders*"
    error_message = "Checkouts are sampled at checkout_ratio."
  }

  assert {
    condition     = module.monitoring.sampling_rules["default"].fixed_rate == 0.05 && module.monitoring.sampling_rules["default"].priority > module.monitoring.sampling_rules["checkout"].priority && module.monitoring.sampling_rules["checkout"].priority > module.monitoring.sampling_rules["health"].priority
    error_message = "Everything else is sampled at default_ratio, after the specific rules."
  }

  assert {
    condition     = length(module.monitoring.query_names) == 9 && contains(module.monitoring.query_names, "ecommerce-prod/trace-lines") && contains(module.monitoring.query_names, "ecommerce-prod/errors-by-route")
    error_message = "The runbook's Logs Insights queries are saved."
  }

  assert {
    condition     = module.ecs.tracing.adot_enabled && module.ecs.tracing.config_parameter_name == "/ecommerce-prod/adot/collector-config"
    error_message = "prod tasks run the ADOT sidecar configured from SSM."
  }

  assert {
    condition     = module.ecs.tracing.sample_ratios["order-service"] == 0.25 && module.ecs.tracing.sample_ratios["product-service"] == 0.05 && module.ecs.tracing.sample_ratios["frontend"] == 0.05
    error_message = "order-service starts the checkout traces at checkout_ratio, the others at default_ratio."
  }

  assert {
    condition     = module.ecs.emf_interval_seconds == 60
    error_message = "The services write their EMF business metrics every minute."
  }
}

run "dev_observability" {
  command = plan

  variables {
    environment             = "dev"
    availability_zone_count = 2
    nat_strategy            = "instance"
    capacity_provider_strategy = {
      on_demand_base   = 0
      on_demand_weight = 0
      spot_weight      = 1
    }
    log_retention_days       = 7
    db_multi_az              = false
    db_backup_retention_days = 1
    db_deletion_protection   = false
    enable_adot              = false
    trace_sampling = {
      default_ratio  = 1
      checkout_ratio = 1
    }
    enable_slo_alarms      = false
    enable_business_alarms = false
    enable_task_alarms     = false
    cost_spike_alarm_usd   = 5
  }

  assert {
    condition     = module.monitoring.dashboard_name == "ecommerce-dev-overview"
    error_message = "dev has its own dashboard."
  }

  assert {
    condition     = length(module.monitoring.alarm_names) == 9 && length(module.monitoring.slo_alarm_names) == 0
    error_message = "dev has 9 alarms (3 services x 5xx; ALB 5xx and p95; RDS CPU, storage, connections; the cost spike), without the SLO burn-rate, business-metric and per-task (CPU, memory, restart) ones."
  }

  assert {
    condition     = !contains(module.monitoring.alarm_names, "ecommerce-dev-frontend-cpu-high") && !contains(module.monitoring.alarm_names, "ecommerce-dev-order-service-restarting") && contains(module.monitoring.alarm_names, "ecommerce-dev-order-service-5xx")
    error_message = "enable_task_alarms = false leaves out the CPU, memory and restart alarms but keeps the 5xx (rollback) alarms."
  }

  assert {
    condition     = module.monitoring.sampling_rules["health"].fixed_rate == 0 && module.monitoring.sampling_rules["default"].fixed_rate == 1
    error_message = "dev traces everything but health probes when ADOT is on."
  }

  assert {
    condition     = module.ecs.tracing.adot_enabled == false && module.ecs.tracing.config_parameter_name == null && module.ecs.emf_interval_seconds == 60
    error_message = "dev runs no sidecar, but still writes EMF metrics."
  }
}

run "cost_alarm_only_in_us_east_1" {
  command = plan

  variables {
    environment  = "dev"
    aws_region   = "eu-west-1"
    nat_strategy = "instance"
    capacity_provider_strategy = {
      on_demand_base   = 0
      on_demand_weight = 0
      spot_weight      = 1
    }
    log_retention_days       = 7
    db_multi_az              = false
    db_backup_retention_days = 1
    db_deletion_protection   = false
  }

  assert {
    condition     = !contains(module.monitoring.alarm_names, "ecommerce-dev-estimated-charges-spike")
    error_message = "AWS/Billing metrics and the alarm topic meet only in us-east-1."
  }
}
