# Invalid inputs are refused by the variables' validation blocks.

mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["us-east-1a", "us-east-1b", "us-east-1c"]
    }
  }
}

variables {
  environment  = "dev"
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
  alert_emails             = ["ops@example.com"]
  github_repository        = "example-org/aws-devops-ecommerce"
  github_deploy_subjects   = ["environment:dev"]
  github_plan_subjects     = ["pull_request"]
  state_bucket             = "example-tfstate-123456789012"
}

run "unknown_nat_strategy" {
  command = plan

  variables {
    nat_strategy = "gateway"
  }

  expect_failures = [var.nat_strategy]
}

run "unknown_environment" {
  command = plan

  variables {
    environment = "production"
  }

  expect_failures = [var.environment]
}

run "log_retention_not_accepted_by_cloudwatch" {
  command = plan

  variables {
    log_retention_days = 10
  }

  expect_failures = [var.log_retention_days]
}

run "negative_budget" {
  command = plan

  variables {
    budget_alert_amounts_usd = [25, -1]
  }

  expect_failures = [var.budget_alert_amounts_usd]
}

run "wildcard_deploy_subject" {
  command = plan

  variables {
    github_deploy_subjects = ["ref:refs/heads/*"]
  }

  expect_failures = [var.github_deploy_subjects]
}

run "checkout_sampled_less_than_the_rest" {
  command = plan

  variables {
    trace_sampling = {
      default_ratio  = 0.5
      checkout_ratio = 0.1
    }
  }

  expect_failures = [var.trace_sampling]
}

run "negative_cost_spike_threshold" {
  command = plan

  variables {
    cost_spike_alarm_usd = -1
  }

  expect_failures = [var.cost_spike_alarm_usd]
}

run "a_domain_needs_its_hosted_zone" {
  command = plan

  variables {
    domain_name     = "shop.example.com"
    route53_zone_id = ""
  }

  expect_failures = [var.route53_zone_id]
}

run "the_state_bucket_is_required" {
  command = plan

  variables {
    state_bucket = ""
  }

  expect_failures = [var.state_bucket]
}
