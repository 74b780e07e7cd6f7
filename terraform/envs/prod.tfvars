# prod: the safe choices. Monthly costs are us-east-1 list prices, 730 h.

environment = "prod"
aws_region  = "us-east-1"

availability_zone_count = 3
vpc_cidr                = "10.50.0.0/16"

# One NAT gateway per AZ: 3 x $32.85 = $98.55/month + $0.045/GB, no single
# AZ takes egress down. Interface endpoints for ECR/Logs/Secrets
# Manager/SSM in 2 AZs: 5 x 2 x $7.30 = $73/month, justified by keeping
# image pulls and secret reads off the NAT data charge and the internet.
nat_strategy                = "per_az"
enable_interface_endpoints  = true
interface_endpoint_az_count = 2

# HTTPS with an ACM certificate (free) and HTTP -> HTTPS redirect.
domain_name     = "shop.example.com"
route53_zone_id = "Z0123456789EXAMPLE"

# WAF with AWS managed rules and a rate limit: $9/month (web ACL $5 + 4 rules x $1) + $0.60 per million requests.
enable_waf              = true
alb_deletion_protection = true

# Account security services, findings to the alarm topic
# (modules/security-services). Account-wide: in an account shared with dev,
# only this stack turns them on. Not yet priced by the cost model.
enable_guardduty   = true
enable_config      = true
enable_securityhub = true

# Two tasks per service, up to six: 6 x 0.5 vCPU / 1 GB Graviton tasks
# = 6 x $14.4175 = $86.505/month at the minimum.
services = {
  frontend          = { cpu = 512, memory = 1024, desired_count = 2, min_count = 2, max_count = 6 }
  "product-service" = { cpu = 512, memory = 1024, desired_count = 2, min_count = 2, max_count = 6 }
  "order-service"   = { cpu = 512, memory = 1024, desired_count = 2, min_count = 2, max_count = 6 }
}
cpu_architecture = "ARM64"

# On-demand base of 2 tasks per service, extra capacity 1:1 on Spot.
capacity_provider_strategy = {
  on_demand_base   = 2
  on_demand_weight = 1
  spot_weight      = 1
}

# Container Insights: 74 metrics x $0.30 = $22.20 a month (11 of the cluster,
# 21 per service), db-init's family $0.13 and 0.76 GB of performance logs
# $0.38: the largest monitoring line, priced by the cost model. Traces via
# ADOT.
enable_container_insights = true
enable_adot               = true

# At 5 requests/s (13.1 M a month), 5% of new traces plus a quarter of the
# checkouts (1% of the requests) is 0.68328 M traces: $3.42 a month of X-Ray
# at list prices (the cost model prices it; docs/observability.md).
trace_sampling = {
  default_ratio  = 0.05
  checkout_ratio = 0.25
}

# SLO burn-rate alarms (availability 99.9%, 99% within 300 ms) page through
# the alarm topic; the account's estimated charges growing by $20 in 6 hours
# is a cost spike.
enable_slo_alarms    = true
cost_spike_alarm_usd = 20

# Each service's CPU, memory and restart alarms (the default, stated here
# because dev turns them off).
enable_task_alarms = true

log_level          = "info"
log_sample_rate    = 0.01
log_retention_days = 30

blue_green_bake_minutes = 10

# Production is never stopped on a schedule.
scheduler = {
  enabled = false
}
scheduled_scale_in = {
  enabled = false
}

# Multi-AZ db.t4g.micro: $23.36/month + 50 GB gp3 x2 ($11.50).
db_instance_class        = "db.t4g.micro"
db_multi_az              = true
db_backup_retention_days = 14
db_deletion_protection   = true
db_allocated_storage_gb  = 50

# The cost model estimates $442.15/month at list prices (--no-free-tier:
# the always-free allowances count once per account, and dev counts them;
# GuardDuty, Config, Security Hub, Container Insights, X-Ray and the custom
# metrics included; docs/cost-optimization.md): the first alert about 24%
# above it, so that it fires when spend is really off and not with the
# variance of modelled volumes; the budget's limit (and forecast alert) at
# 750 USD. The account budget
# watches the whole bill at the same levels, untagged charges included (the
# Environment-tag budget cannot see them); in an account shared with dev,
# set it here at their sum and leave dev's empty.
alert_emails                     = ["ops@example.com"]
budget_alert_amounts_usd         = [550, 650, 750]
account_budget_alert_amounts_usd = [550, 650, 750]

# GitHub: prod is deployed and applied only from the `prod` environment
# (required reviewers) and planned only from main, never from a pull request.
github_repository      = "example-org/aws-devops-ecommerce"
github_deploy_subjects = ["environment:prod"]
github_plan_subjects   = ["ref:refs/heads/main"]

# Account layout (docs/ci-cd.md, "Account layouts"): with one account per
# environment (recommended) prod's stack creates its account's GitHub OIDC
# provider. In an account shared with dev, dev's stack owns it: set
#   create_github_oidc_provider = false
# and prod's stack looks it up (scripts/setup.sh says so when it finds one).

dev_force_destroy = false
