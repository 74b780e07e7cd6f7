# aws-devops-ecommerce on AWS: VPC, ALB, ECS Fargate (three services),
# RDS PostgreSQL, secrets/config, logs/assets buckets, monitoring, cost
# guard rails and the GitHub OIDC deploy roles. See README.md for the
# bootstrap (state bucket) and apply steps, and docs/architecture.md for the
# diagram.

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  name = "${var.project}-${var.environment}"

  # The single routing table shared with the local nginx (config/routes.json).
  routes        = jsondecode(file("${path.module}/../config/routes.json"))
  service_names = sort(keys(local.routes.services))

  azs = slice(data.aws_availability_zones.available.names, 0, var.availability_zone_count)

  log_groups = merge(
    { for s in local.service_names : s => "/ecs/${local.name}/${s}" },
    { "db-init" = "/ecs/${local.name}/db-init" },
  )

  # Database role of each service that owns a schema (scripts/sql/bootstrap.sql).
  db_roles = {
    "product-service" = "catalog_svc"
    "order-service"   = "orders_svc"
  }

  # Secrets Manager secrets <name>/<owner>/<ENV> (modules/secrets; values
  # seeded at apply time, never in Terraform): each service with a database
  # role has its admin key and role password; order-service keys its card
  # fingerprints (idempotency) with CARD_FINGERPRINT_KEY; both share the
  # key of the internal inventory API (product-service checks it,
  # order-service sends it).
  generated_secrets = merge(
    { for s, role in local.db_roles : s => s == "order-service" ? ["ADMIN_API_KEY", "CARD_FINGERPRINT_KEY", "PGPASSWORD"] : ["ADMIN_API_KEY", "PGPASSWORD"] },
    { shared = ["INTERNAL_API_KEY"] },
  )

  # What each service's container gets from Secrets Manager: ENV => secret ARN.
  # During a rotation's grace window (scripts/rotate-secret.sh) the services
  # accept the previous key too: the secret's AWSPREVIOUS version stage
  # (valueFrom ARN:json-key:version-stage:version-id). The seed labels a
  # first value AWSPREVIOUS as well, so the stage always exists.
  injected_secrets = {
    for s, role in local.db_roles : s => merge(
      module.secrets.secret_arns[s],
      { INTERNAL_API_KEY = module.secrets.secret_arns["shared"]["INTERNAL_API_KEY"] },
      { ADMIN_API_KEY_PREVIOUS = "${module.secrets.secret_arns[s]["ADMIN_API_KEY"]}::AWSPREVIOUS:" },
      s == "product-service" ? { INTERNAL_API_KEY_PREVIOUS = "${module.secrets.secret_arns["shared"]["INTERNAL_API_KEY"]}::AWSPREVIOUS:" } : {},
    )
  }

  parameters = {
    for s in local.service_names : s => merge(
      {
        LOG_LEVEL       = var.log_level
        LOG_SAMPLE_RATE = tostring(var.log_sample_rate)
      },
      contains(keys(local.db_roles), s) ? {
        DATABASE_URL = "postgresql://${local.db_roles[s]}@${module.rds.address}:5432/${module.rds.db_name}?sslmode=require"
      } : {},
    )
  }

  product_service_url = "http://product-service:${local.routes.services["product-service"].container_port}"

  # The business metrics the services write as CloudWatch EMF lines (the
  # single source of truth, compiled into the services): the dashboard and
  # alarms of modules/monitoring show exactly these.
  emf_catalog = jsondecode(file("${path.module}/../config/emf_metrics.json"))

  tags = {
    Project     = var.project
    Environment = var.environment
  }

  # Where the FinOps scheduler (and scripts/teardown.sh, scripts/deploy.sh)
  # remember each service's desired count while the environment is stopped.
  scheduler_parameter_path = "/${local.name}/scheduler/desired-count"

  # The IAM service prefixes of every resource and data source type of the
  # stack: the plan role reads their configuration (tools/tfcheck rule
  # IAM_PLAN_READS_STACK keeps this list equal to what terraform/ uses).
  plan_read_services = [
    "acm", "application-autoscaling", "budgets", "ce", "cloudwatch", "config", "ec2", "ecr", "ecs",
    "elasticloadbalancing", "events", "guardduty", "iam", "kms", "lambda", "logs", "rds", "route53", "s3",
    "scheduler", "secretsmanager", "securityhub", "servicediscovery", "sns", "sqs", "ssm", "wafv2", "xray",
  ]
}

module "storage" {
  source = "./modules/storage"

  name                 = local.name
  force_destroy        = var.dev_force_destroy
  allow_config_deliver = var.enable_config
  tags                 = local.tags
}

module "networking" {
  source = "./modules/networking"

  name                        = local.name
  cidr_block                  = var.vpc_cidr
  availability_zones          = local.azs
  nat_strategy                = var.nat_strategy
  enable_interface_endpoints  = var.enable_interface_endpoints
  interface_endpoint_az_count = var.interface_endpoint_az_count
  flow_logs_bucket_arn        = module.storage.logs_bucket_arn
  tags                        = local.tags
}

module "ecr" {
  source = "./modules/ecr"

  name_prefix  = local.name
  services     = local.service_names
  force_delete = var.dev_force_destroy
  tags         = local.tags
}

module "secrets" {
  source = "./modules/secrets"

  name                 = local.name
  generated_secrets    = local.generated_secrets
  parameters           = local.parameters
  recovery_window_days = var.dev_force_destroy ? 0 : 7
  tags                 = local.tags
}

module "alb" {
  source = "./modules/alb"

  name              = local.name
  vpc_id            = module.networking.vpc_id
  vpc_cidr_block    = module.networking.vpc_cidr_block
  public_subnet_ids = module.networking.public_subnet_ids
  routes = {
    rules                 = local.routes.rules
    default_service       = local.routes.default_service
    services              = local.routes.services
    never_routed_prefixes = local.routes.never_routed_prefixes
  }
  deregistration_delay_seconds = 20
  domain_name                  = var.domain_name
  route53_zone_id              = var.route53_zone_id
  access_logs_bucket           = module.storage.logs_bucket_id
  enable_deletion_protection   = var.alb_deletion_protection
  enable_waf                   = var.enable_waf
  tags                         = local.tags
}

module "rds" {
  source = "./modules/rds"

  identifier                 = local.name
  vpc_id                     = module.networking.vpc_id
  subnet_ids                 = module.networking.db_subnet_ids
  allowed_security_group_ids = [module.ecs.task_security_group_id]
  instance_class             = var.db_instance_class
  allocated_storage_gb       = var.db_allocated_storage_gb
  multi_az                   = var.db_multi_az
  backup_retention_days      = var.db_backup_retention_days
  deletion_protection        = var.db_deletion_protection
  kms_key_arn                = module.secrets.kms_key_arn
  log_retention_days         = var.log_retention_days
  tags                       = local.tags
}

module "monitoring" {
  source = "./modules/monitoring"

  name               = local.name
  log_retention_days = var.log_retention_days
  log_groups         = local.log_groups
  kms_key_arn        = module.secrets.kms_key_arn
  alarm_emails       = var.alert_emails
  cluster_name       = local.name
  services = {
    for s in local.service_names : s => {
      service_name              = s
      blue_target_group_suffix  = module.alb.target_groups[s].blue_arn_suffix
      green_target_group_suffix = module.alb.target_groups[s].green_arn_suffix
      max_count                 = var.services[s].max_count
    }
  }
  alb_arn_suffix = module.alb.arn_suffix
  db_instance_id = module.rds.instance_id

  # Observability: dashboard, SLO burn-rate alarms, business and cost
  # alarms, Logs Insights queries, X-Ray sampling rules.
  environment = var.environment
  region      = var.aws_region
  emf_catalog = {
    namespace         = local.emf_catalog.namespace
    common_dimensions = local.emf_catalog.common_dimensions
    metrics = [for m in local.emf_catalog.metrics : {
      name      = m.name
      service   = m.service
      dimension = try(m.dimension, null)
      values    = try(m.values, [])
    }]
  }
  enable_slo_alarms      = var.enable_slo_alarms
  enable_business_alarms = var.enable_business_alarms
  enable_task_alarms     = var.enable_task_alarms
  trace_sampling         = var.trace_sampling
  cost_spike_alarm_usd   = var.cost_spike_alarm_usd
  allow_eventbridge      = var.enable_guardduty || var.enable_config || var.enable_securityhub
  tags                   = local.tags
}

# Account security services (off by default, on in prod): findings to the
# alarm topic. Account- and Region-wide: one stack per account turns them on.
module "security_services" {
  source = "./modules/security-services"

  name               = local.name
  enable_guardduty   = var.enable_guardduty
  enable_config      = var.enable_config
  config_bucket_name = module.storage.logs_bucket_id
  enable_securityhub = var.enable_securityhub
  alarm_topic_arn    = module.monitoring.sns_topic_arn
  tags               = local.tags
}

module "ecs" {
  source = "./modules/ecs"

  name                  = local.name
  environment           = var.environment
  vpc_id                = module.networking.vpc_id
  vpc_cidr_block        = module.networking.vpc_cidr_block
  subnet_ids            = module.networking.app_subnet_ids
  alb_security_group_id = module.alb.security_group_id
  alb_listener_arns     = module.alb.listener_arns
  kms_key_arn           = module.secrets.kms_key_arn
  log_group_names       = module.monitoring.log_group_names

  services = {
    for s in local.service_names : s => {
      image           = module.ecr.repository_urls[s]
      image_tag       = var.image_tag
      repository_arn  = module.ecr.repository_arns[s]
      cpu             = var.services[s].cpu
      memory          = var.services[s].memory
      desired_count   = var.services[s].desired_count
      min_count       = var.services[s].min_count
      max_count       = var.services[s].max_count
      container_port  = local.routes.services[s].container_port
      admin_port      = local.routes.services[s].admin_port
      service_connect = s == "product-service" ? "server" : "client"
      environment     = s == "product-service" ? {} : { PRODUCT_SERVICE_URL = local.product_service_url }
      secrets         = lookup(local.injected_secrets, s, {})
      parameters      = module.secrets.parameter_arns[s]
      # order-service's traffic is checkouts: it starts those traces.
      trace_sample_ratio = s == "order-service" ? var.trace_sampling.checkout_ratio : var.trace_sampling.default_ratio
      target_group = {
        blue_arn         = module.alb.target_groups[s].blue_arn
        green_arn        = module.alb.target_groups[s].green_arn
        blue_arn_suffix  = module.alb.target_groups[s].blue_arn_suffix
        green_arn_suffix = module.alb.target_groups[s].green_arn_suffix
        listener_rule    = module.alb.listener_rule_arns[s]
        alb_arn_suffix   = module.alb.arn_suffix
        requests_per_min = var.services[s].requests_per_min
      }
    }
  }

  cpu_architecture           = var.cpu_architecture
  capacity_provider_strategy = var.capacity_provider_strategy
  enable_container_insights  = var.enable_container_insights
  enable_adot                = var.enable_adot
  drain_timeout_seconds      = 20
  scheduled_scale_in         = var.scheduled_scale_in

  blue_green = {
    bake_time_minutes = var.blue_green_bake_minutes
    alarm_names       = module.monitoring.rollback_alarm_names
  }

  db_init = {
    db_host              = module.rds.address
    db_name              = module.rds.db_name
    master_secret_arn    = module.rds.master_user_secret_arn
    catalog_password_arn = module.secrets.secret_arns["product-service"]["PGPASSWORD"]
    orders_password_arn  = module.secrets.secret_arns["order-service"]["PGPASSWORD"]
    bootstrap_sql        = file("${path.module}/../scripts/sql/bootstrap.sql")
  }

  tags = local.tags
}

module "finops" {
  source = "./modules/finops"

  name                             = local.name
  environment                      = var.environment
  budget_alert_amounts_usd         = var.budget_alert_amounts_usd
  account_budget_alert_amounts_usd = var.account_budget_alert_amounts_usd
  alert_emails                     = var.alert_emails
  activate_cost_allocation_tags    = var.activate_cost_allocation_tags
  tags                             = local.tags
}

module "github_oidc" {
  source = "./modules/github-oidc"

  name                             = local.name
  repository                       = var.github_repository
  deploy_subjects                  = var.github_deploy_subjects
  plan_subjects                    = var.github_plan_subjects
  apply_subjects                   = ["environment:${var.environment}"]
  rotate_subjects                  = ["environment:${var.environment}"]
  rotated_secret_arns              = [module.secrets.secret_arns["product-service"]["ADMIN_API_KEY"], module.secrets.secret_arns["order-service"]["ADMIN_API_KEY"], module.secrets.secret_arns["shared"]["INTERNAL_API_KEY"]]
  secrets_kms_key_arn              = module.secrets.kms_key_arn
  rotated_service_arns             = [module.ecs.service_arns["product-service"], module.ecs.service_arns["order-service"]]
  db_init_role_arns                = [module.ecs.execution_role_arns["db-init"], module.ecs.task_role_arns["db-init"]]
  create_oidc_provider             = var.create_github_oidc_provider
  existing_oidc_provider_arn       = var.existing_github_oidc_provider_arn
  ecr_repository_arns              = values(module.ecr.repository_arns)
  ecs_cluster_arn                  = module.ecs.cluster_arn
  ecs_cluster_name                 = module.ecs.cluster_name
  ecs_service_arns                 = values(module.ecs.service_arns)
  service_task_definition_families = values(module.ecs.task_definition_families)
  db_init_family                   = module.ecs.db_init_family
  passable_role_arns               = concat(values(module.ecs.execution_role_arns), values(module.ecs.task_role_arns))
  db_instance_arn                  = module.rds.instance_arn
  nat_instance_name                = "${local.name}-nat-instance"
  scheduler_parameter_path         = local.scheduler_parameter_path
  scalable_target_arns             = values(module.ecs.scalable_target_arns)
  plan_read_services               = local.plan_read_services
  state_bucket                     = var.state_bucket
  state_key                        = "ecommerce/${var.environment}/terraform.tfstate"
  tags                             = local.tags
}

# FinOps scheduler (modules/scheduler, owned by the FinOps work): stops the
# ECS services, RDS and the NAT instance outside working hours. It replaces
# the ECS-only scheduled_scale_in; the check below warns when both are on.
module "scheduler" {
  source = "./modules/scheduler"
  count  = var.scheduler.enabled ? 1 : 0

  name               = local.name
  environment        = var.environment
  cluster_name       = module.ecs.cluster_name
  db_instance_id     = module.rds.instance_id
  nat_instance_ids   = module.networking.nat_instance_ids
  timezone           = var.scheduler.timezone
  stop_schedule      = var.scheduler.stop_schedule
  start_schedule     = var.scheduler.start_schedule
  alarm_topic_arn    = module.monitoring.sns_topic_arn
  log_retention_days = var.log_retention_days
  tags               = local.tags
}

check "one_off_hours_mechanism" {
  assert {
    condition     = !(var.scheduler.enabled && var.scheduled_scale_in.enabled)
    error_message = "Enable either the scheduler (services, RDS, NAT) or scheduled_scale_in (services only), not both."
  }
}
