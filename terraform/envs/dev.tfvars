# dev: the cheap choices, under the $40/month it must stay within. Monthly
# costs are us-east-1 list prices, 730 h (docs/cost-optimization.md and the
# cost model have the full picture). With the FinOps scheduler stopping the
# tasks, the NAT instance and RDS outside 08:00-18:00 Mon-Fri the cost model
# gives $38.66/month ($39.94 if Fargate Spot is 50% off instead of 70%;
# $60.33 running 24/7): $47.58 at list prices less the always-free
# allowances ($8.92: CloudWatch's, its custom metrics included, and 26.28 GB
# of data transfer out within the free 100 GB; per account, so prod's
# estimate leaves them out). The always-on ALB is $23.96 of it ($16.43 +
# LCUs $0.23 + 2 public IPv4 x $3.65).

environment = "dev"
aws_region  = "us-east-1"

# 2 AZs are enough for dev (the ALB and RDS subnet groups need two).
availability_zone_count = 2
vpc_cidr                = "10.40.0.0/16"

# One t4g.nano NAT instance: $3.71/month with its volume + $3.65 public IPv4, instead of a
# NAT gateway at $32.85 each. Interface endpoints would cost $7.30 each per AZ
# ($73/month for 5 endpoints in 2 AZs), so dev does without.
nat_strategy               = "instance"
enable_interface_endpoints = false

# No domain: plain HTTP on the ALB DNS name (no ACM/Route 53 needed).
domain_name = ""

# WAF off: it would add $9/month (web ACL $5 + 4 rules x $1) + $0.60 per million requests.
enable_waf              = false
alb_deletion_protection = false

# Account security services off (modules/security-services): no customers
# here, and in an account shared with prod, prod's stack turns them on.
enable_guardduty   = false
enable_config      = false
enable_securityhub = false

# Three 0.25 vCPU / 0.5 GB Graviton tasks, one each: $7.21/month on-demand
# each, ~$2.2 on Spot. min = max = 1: no target tracking in dev, whose 6
# policies would make AWS create 12 untagged alarms (18 alarm metrics, $1.80
# a month beyond the account's free 10, which dev's own alarms already use).
services = {
  frontend          = { cpu = 256, memory = 512, desired_count = 1, min_count = 1, max_count = 1 }
  "product-service" = { cpu = 256, memory = 512, desired_count = 1, min_count = 1, max_count = 1 }
  "order-service"   = { cpu = 256, memory = 512, desired_count = 1, min_count = 1, max_count = 1 }
}
cpu_architecture = "ARM64"

# Spot-heavy: everything on FARGATE_SPOT (50-70% cheaper, the price varies:
# $6.49 to $10.81/month for the three tasks running 24/7 instead of $21.63);
# an interruption only restarts a task.
capacity_provider_strategy = {
  on_demand_base   = 0
  on_demand_weight = 0
  spot_weight      = 1
}

# Container Insights off ($0.30 per metric-month for each hour a metric has
# data: 74 metrics for 3 services, $22.20 a month in prod); ADOT sidecar off (its
# CPU/memory share and X-Ray traces cost money; turn on when debugging).
enable_container_insights = false
enable_adot               = false

# When ADOT is switched on to debug, trace every request (0.5 req/s for a
# whole month would be 1.3 M traces: $6 beyond X-Ray's 100,000 free).
trace_sampling = {
  default_ratio  = 1.0
  checkout_ratio = 1.0
}

# Observability alarms: the SLO burn-rate alarms judge too few requests to
# mean anything here ($3.00/month saved; the dashboard still shows the
# SLIs); a cost spike of $5 in 6 hours is worth an e-mail.
enable_slo_alarms    = false
cost_spike_alarm_usd = 5

# The business-metric alarms (payment declines, reconciler, refunds refused,
# reservations held, cache hit ratios: 10 alarm metrics, $1.00/month) would
# judge the team's own test traffic, declined test cards and caches emptied
# by every nightly stop; the dashboard still shows the metrics.
enable_business_alarms = false

# Each service's CPU, memory and restart alarms (9 alarm metrics, $0.90/month)
# watch tasks that run 50 of 168 hours a week, while the team that started
# them is using them; the dashboard still shows CPU, memory and starts, and
# a service with no healthy task still trips the load balancer's 5xx alarm.
# Without them Fargate Spot's high end ($39.94) stays under the $40 budget.
# The rollback (5xx), load balancer, database, cost-spike and scheduler
# alarms stay.
enable_task_alarms = false

log_level          = "debug"
log_sample_rate    = 0.1
log_retention_days = 7 # $0.03/GB-month stored; 7 days keeps dev logs near $0

blue_green_bake_minutes = 1

# Off-hours: the FinOps scheduler runs the services, RDS and the NAT
# instance 08:00-18:00 Mon-Fri US Eastern time (America/New_York, daylight
# saving time included: EventBridge Scheduler evaluates the cron in that
# zone; the defaults of the root and scheduler modules, 50 of 168 h) and
# stops them otherwise, every evening (an RDS instance AWS restarted after 7
# days stopped is stopped again that evening): tasks, RDS instance-hours and
# NAT instance-hours fall by ~70%. Each hour a week added costs
# $0.15/month (07:00-20:00, 65 h, was $2.22 more); set timezone to the
# team's, and start dev by hand for off-hours work (modules/scheduler
# README). What it stops is tagged auto-stopped=<UTC time> until the next
# start. The ECS-only scheduled_scale_in is the alternative when the
# scheduler is not deployed.
scheduler = {
  enabled        = true
  timezone       = "America/New_York"
  stop_schedule  = "cron(0 18 ? * * *)"
  start_schedule = "cron(0 8 ? * MON-FRI *)"
}
scheduled_scale_in = {
  enabled = false
}

# Single-AZ db.t4g.micro: $11.68/month + 20 GB gp3 ($2.30).
db_instance_class        = "db.t4g.micro"
db_multi_az              = false
db_backup_retention_days = 1
db_deletion_protection   = false
db_allocated_storage_gb  = 20

# AWS Budgets: free (budgets without actions cost nothing). The first e-mail
# at the $40 a month dev must stay under (the cost model's estimate is below
# it), then 45 and 50 (the budget's limit; its forecast alert is at 50). The
# first budget sees only what is tagged Environment=dev; the account budget
# sees the whole bill at the same levels (untagged charges too: Cost
# Explorer requests, data transfer). With dev and prod in one account, leave
# the account budget empty here and set it in prod at their sum.
alert_emails                     = ["ops@example.com"]
budget_alert_amounts_usd         = [40, 45, 50]
account_budget_alert_amounts_usd = [40, 45, 50]

# GitHub: deployed and applied from the `dev` environment; planned for
# pull requests of the repository and on main.
github_repository      = "example-org/aws-devops-ecommerce"
github_deploy_subjects = ["environment:dev"]
github_plan_subjects   = ["pull_request", "ref:refs/heads/main"]

# Empty buckets/repositories/secrets are deleted with the stack in dev.
dev_force_destroy = true
