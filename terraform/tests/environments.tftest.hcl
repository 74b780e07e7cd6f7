# Plans dev and prod against a mocked AWS provider (no credentials, no
# resources) and asserts the choices that make each environment what it is.
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

run "dev" {
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
    scheduler = {
      enabled = true
    }
    account_budget_alert_amounts_usd = [40, 45, 50]
  }

  assert {
    condition     = module.networking.nat_gateway_count == 0 && module.networking.nat_instance_count == 1
    error_message = "dev egress must be one NAT instance and no NAT gateway."
  }

  assert {
    condition     = length(module.networking.interface_endpoint_services) == 0
    error_message = "dev must not pay for interface endpoints."
  }

  assert {
    condition     = module.rds.multi_az == false && module.rds.deletion_protection == false
    error_message = "dev RDS is single-AZ without deletion protection."
  }

  assert {
    condition     = module.ecs.capacity_provider_strategy["FARGATE_SPOT"].weight == 1 && module.ecs.capacity_provider_strategy["FARGATE"].weight == 0 && module.ecs.capacity_provider_strategy["FARGATE"].base == 0
    error_message = "dev tasks must run on Fargate Spot only."
  }

  assert {
    condition     = module.monitoring.log_retention_days == 7
    error_message = "dev keeps logs for 7 days."
  }

  assert {
    condition     = length(module.scheduler) == 1 && module.ecs.scheduled_scale_in_enabled == false
    error_message = "dev is stopped outside working hours by the FinOps scheduler (and only by it)."
  }

  assert {
    condition     = module.finops.account_budget_name == "${var.project}-dev-account-monthly" && module.finops.budget_name == "${var.project}-dev-monthly"
    error_message = "dev has its Environment-tag budget and, beside it, a budget over the whole account (untagged charges included)."
  }

  assert {
    condition     = module.scheduler[0].schedules.stop.expression == "cron(0 18 ? * * *)" && module.scheduler[0].schedules.start.expression == "cron(0 8 ? * MON-FRI *)" && alltrue([for s in values(module.scheduler[0].schedules) : s.timezone == "America/New_York"])
    error_message = "By default dev stops at 18:00 every day and starts at 08:00 on weekdays, US Eastern time (DST-aware), as the scheduler module's defaults."
  }

  assert {
    condition     = module.alb.https_enabled == false
    error_message = "Without a domain the ALB serves HTTP only."
  }

  assert {
    condition     = module.ecs.cpu_architecture == "ARM64"
    error_message = "Tasks run on Graviton by default."
  }

  assert {
    condition     = length(module.security_services.event_rule_names) == 0 && length(module.security_services.config_rule_names) == 0 && module.security_services.securityhub_standard_arn == null
    error_message = "dev turns on no account security service (GuardDuty, Config, Security Hub) by default."
  }
}

run "prod" {
  command = plan

  variables {
    environment                 = "prod"
    availability_zone_count     = 3
    nat_strategy                = "per_az"
    enable_interface_endpoints  = true
    interface_endpoint_az_count = 2
    domain_name                 = "shop.example.com"
    route53_zone_id             = "Z0123456789EXAMPLE"
    enable_waf                  = true
    capacity_provider_strategy = {
      on_demand_base   = 2
      on_demand_weight = 1
      spot_weight      = 1
    }
    log_retention_days       = 30
    db_multi_az              = true
    db_backup_retention_days = 14
    db_deletion_protection   = true
    enable_guardduty         = true
    enable_config            = true
    enable_securityhub       = true
  }

  assert {
    condition     = module.networking.nat_gateway_count == 3 && module.networking.nat_instance_count == 0
    error_message = "prod needs one NAT gateway per AZ."
  }

  assert {
    condition     = length(module.networking.interface_endpoint_services) == 5 && module.networking.interface_endpoint_az_count == 2
    error_message = "prod has the five interface endpoints in two AZs."
  }

  assert {
    condition     = module.rds.multi_az && module.rds.deletion_protection && module.rds.backup_retention_days == 14
    error_message = "prod RDS is Multi-AZ, deletion-protected, with 14 days of backups."
  }

  assert {
    condition     = module.ecs.capacity_provider_strategy["FARGATE"].base == 2 && module.ecs.capacity_provider_strategy["FARGATE"].weight == 1 && module.ecs.capacity_provider_strategy["FARGATE_SPOT"].weight == 1
    error_message = "prod keeps an on-demand base of two tasks."
  }

  assert {
    condition     = module.monitoring.log_retention_days == 30
    error_message = "prod keeps logs for 30 days."
  }

  assert {
    condition     = module.alb.https_enabled && module.alb.waf_enabled
    error_message = "prod serves HTTPS behind the WAF."
  }

  assert {
    condition     = module.ecs.scheduled_scale_in_enabled == false && length(module.scheduler) == 0
    error_message = "prod never scales to zero on a schedule."
  }

  assert {
    condition     = module.finops.account_budget_name == null
    error_message = "Without account_budget_alert_amounts_usd there is no account-wide budget (one stack per account sets it)."
  }

  assert {
    condition     = length(module.security_services.event_rule_names) == 3 && length(module.security_services.config_rule_names) == 6
    error_message = "prod sends GuardDuty, Config and Security Hub findings to the alarm topic and evaluates the six Config rules."
  }

  assert {
    condition     = module.security_services.securityhub_standard_arn == "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
    error_message = "prod's Security Hub runs the AWS Foundational Security Best Practices standard."
  }
}

run "routing_and_drain" {
  command = plan

  variables {
    environment  = "dev"
    nat_strategy = "single"
    capacity_provider_strategy = {
      on_demand_base   = 1
      on_demand_weight = 1
      spot_weight      = 0
    }
    log_retention_days       = 7
    db_multi_az              = false
    db_backup_retention_days = 1
    db_deletion_protection   = false
  }

  assert {
    condition     = module.networking.nat_gateway_count == 1
    error_message = "nat_strategy single creates exactly one NAT gateway."
  }

  assert {
    condition     = contains(module.alb.listener_rule_paths["product-service"].paths, "/api/products*") && contains(module.alb.listener_rule_paths["order-service"].paths, "/api/orders*") && module.alb.listener_rule_paths["frontend"].priority == 50000
    error_message = "Listener rules must follow config/routes.json."
  }

  assert {
    condition     = module.alb.deregistration_delay_seconds == 20 && module.ecs.stop_timeout_seconds == 30
    error_message = "Deregistration delay matches the 20 s drain deadline and stopTimeout leaves 10 s more."
  }

  assert {
    condition     = module.ecs.deployment_strategy.strategy == "BLUE_GREEN"
    error_message = "Services deploy blue/green."
  }
}
