# ECS on Fargate: cluster with FARGATE/FARGATE_SPOT capacity providers,
# one task definition and service per application, ECS Service Connect for
# service-to-service calls (order-service -> http://product-service:8080),
# ECS-native blue/green deployments with bake time, alarm rollback and the
# circuit breaker, target-tracking autoscaling, and the one-off db-init task.
#
# Hand-off with the deploy pipeline: Terraform owns the cluster, the services'
# network/load-balancer/deployment settings and a task definition revision
# per family (the template). The pipeline registers new revisions from the
# latest ACTIVE one (changing only the image digest) and updates the service,
# and App Auto Scaling owns desired_count; so aws_ecs_service ignores
# task_definition and desired_count, and Terraform never rolls back a
# deployment. A Terraform change to a task definition registers a new
# revision that the next pipeline deploy picks up as its template.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  region    = data.aws_region.current.region
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition

  stop_timeout = var.drain_timeout_seconds + 10

  capacity_providers = [
    { name = "FARGATE", base = var.capacity_provider_strategy.on_demand_base, weight = var.capacity_provider_strategy.on_demand_weight },
    { name = "FARGATE_SPOT", base = 0, weight = var.capacity_provider_strategy.spot_weight },
  ]

  environment = {
    for svc, s in var.services : svc => merge(
      {
        PORT                   = tostring(s.container_port)
        ADMIN_PORT             = tostring(s.admin_port)
        DEPLOYMENT_ENVIRONMENT = var.environment
        DRAIN_TIMEOUT_SECONDS  = tostring(var.drain_timeout_seconds)
      },
      # Business metrics as CloudWatch EMF lines in the service's log (no agent).
      var.emf_interval_seconds > 0 ? { METRICS_EMF_INTERVAL_SECONDS = tostring(var.emf_interval_seconds) } : {},
      # Traces to the ADOT sidecar, parent-based ratio sampling: a request
      # that arrives with a sampled trace context is always traced.
      var.enable_adot ? {
        OTEL_EXPORTER_OTLP_ENDPOINT = "http://localhost:4318"
        OTEL_SERVICE_NAME           = svc
        OTEL_TRACES_SAMPLER         = "parentbased_traceidratio"
        OTEL_TRACES_SAMPLER_ARG     = tostring(s.trace_sample_ratio)
      } : {},
      s.environment,
    )
  }

  injected = { for svc, s in var.services : svc => merge(s.secrets, s.parameters) }

  log_configuration = {
    for svc in concat(keys(var.services), ["db-init"]) : svc => {
      logDriver = "awslogs"
      options = {
        awslogs-group         = var.log_group_names[svc]
        awslogs-region        = local.region
        awslogs-stream-prefix = svc
        mode                  = "non-blocking"
        max-buffer-size       = "4m"
      }
    }
  }

  app_containers = {
    for svc, s in var.services : svc => {
      name                   = svc
      image                  = "${s.image}:${s.image_tag}"
      essential              = true
      user                   = "65532"
      readonlyRootFilesystem = true
      privileged             = false
      stopTimeout            = local.stop_timeout
      linuxParameters        = { initProcessEnabled = true }
      ulimits                = [{ name = "nofile", softLimit = 65536, hardLimit = 65536 }]
      portMappings = [
        { name = "http", containerPort = s.container_port, protocol = "tcp", appProtocol = "http" },
        { name = "admin", containerPort = s.admin_port, protocol = "tcp" },
      ]
      environment      = [for k in sort(keys(local.environment[svc])) : { name = k, value = local.environment[svc][k] }]
      secrets          = [for k in sort(keys(local.injected[svc])) : { name = k, valueFrom = local.injected[svc][k] }]
      mountPoints      = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      logConfiguration = local.log_configuration[svc]
    }
  }

  # The collector sidecar: small, not essential (the services drop spans
  # and carry on when it is gone), configured by files/adot-collector.yaml
  # through an SSM parameter, healthy when its health_check extension
  # answers (the image's /healthcheck binary; the image has no shell).
  adot_container = {
    for svc, s in var.services : svc => {
      name                   = "aws-otel-collector"
      image                  = var.adot_image
      essential              = false
      user                   = "10001"
      readonlyRootFilesystem = true
      privileged             = false
      cpu                    = var.adot_resources.cpu
      memory                 = var.adot_resources.memory
      memoryReservation      = var.adot_resources.memory_reservation
      command                = ["--config=env:AOT_CONFIG_CONTENT"]
      environment            = [{ name = "AWS_REGION", value = local.region }]
      secrets                = var.enable_adot ? [{ name = "AOT_CONFIG_CONTENT", valueFrom = aws_ssm_parameter.adot_config[0].arn }] : []
      healthCheck = {
        command     = ["CMD", "/healthcheck"]
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = 10
      }
      logConfiguration = merge(local.log_configuration[svc], { options = merge(local.log_configuration[svc].options, { awslogs-stream-prefix = "${svc}-otel" }) })
    }
  }
}

# ---- ADOT collector configuration -----------------------------------------------

resource "aws_ssm_parameter" "adot_config" {
  count = var.enable_adot ? 1 : 0

  name        = "/${var.name}/adot/collector-config"
  description = "ADOT collector sidecar configuration (OTLP/HTTP in, X-Ray out): terraform/modules/ecs/files/adot-collector.yaml"
  type        = "String"
  tier        = "Standard"
  value       = file("${path.module}/files/adot-collector.yaml")

  tags = var.tags
}

# ---- cluster -------------------------------------------------------------------

resource "aws_service_discovery_http_namespace" "this" {
  name        = var.name
  description = "Service Connect namespace of ${var.name}"

  tags = var.tags
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.enable_container_insights ? "enabled" : "disabled"
  }

  service_connect_defaults {
    namespace = aws_service_discovery_http_namespace.this.arn
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  dynamic "default_capacity_provider_strategy" {
    for_each = local.capacity_providers
    content {
      capacity_provider = default_capacity_provider_strategy.value.name
      base              = default_capacity_provider_strategy.value.base
      weight            = default_capacity_provider_strategy.value.weight
    }
  }
}

# ---- network -------------------------------------------------------------------

resource "aws_security_group" "tasks" {
  name        = "${var.name}-tasks"
  description = "ECS tasks: API port from the ALB and from each other (Service Connect)"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-tasks" })
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  for_each = toset([for s in values(var.services) : tostring(s.container_port)])

  security_group_id            = aws_security_group.tasks.id
  description                  = "API from the load balancer"
  referenced_security_group_id = var.alb_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
}

resource "aws_vpc_security_group_ingress_rule" "from_tasks" {
  for_each = toset([for s in values(var.services) : tostring(s.container_port)])

  security_group_id            = aws_security_group.tasks.id
  description                  = "API from the other services (Service Connect)"
  referenced_security_group_id = aws_security_group.tasks.id
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
}

# Accepted (AVD-AWS-0104, SG_NO_PUBLIC_EGRESS): tasks reach AWS's public HTTPS endpoints that have no VPC endpoint here (X-Ray, ECS; in dev also ECR, Logs, Secrets Manager and SSM through the NAT instance); tcp/443 only, no public IP, ingress only from the load balancer and each other.
#trivy:ignore:AVD-AWS-0104
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to AWS APIs (ECR, Logs, Secrets Manager, SSM, X-Ray) via NAT or endpoints"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "in_vpc" {
  for_each = toset(distinct(concat(["5432"], [for s in values(var.services) : tostring(s.container_port)])))

  security_group_id = aws_security_group.tasks.id
  description       = "PostgreSQL and the other services inside the VPC"
  cidr_ipv4         = var.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = tonumber(each.value)
  to_port           = tonumber(each.value)
}

# ---- IAM -------------------------------------------------------------------------

data "aws_iam_policy_document" "tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${local.region}:${local.account}:*"]
    }
  }
}

# Execution role: what ECS needs to start the task (pull the image, write
# logs, read this service's own secrets and parameters). Nothing else.
resource "aws_iam_role" "execution" {
  for_each = toset(concat(keys(var.services), ["db-init"]))

  name               = "${var.name}-${each.key}-execution"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json

  tags = merge(var.tags, { Service = each.key })
}

data "aws_iam_policy_document" "execution" {
  for_each = var.services

  statement {
    sid       = "EcrAuthToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullOwnImage"
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
    resources = [each.value.repository_arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:${var.log_group_names[each.key]}:*"]
  }

  dynamic "statement" {
    for_each = length(each.value.secrets) > 0 ? [1] : []
    content {
      sid     = "ReadOwnSecrets"
      actions = ["secretsmanager:GetSecretValue"]
      # A valueFrom may name a version stage after the ARN ("ARN::AWSPREVIOUS:"); the policy names the secret.
      resources = sort(distinct([for v in values(each.value.secrets) : split("::", v)[0]]))
    }
  }

  dynamic "statement" {
    for_each = length(each.value.parameters) > 0 ? [1] : []
    content {
      sid       = "ReadOwnParameters"
      actions   = ["ssm:GetParameters"]
      resources = sort(values(each.value.parameters))
    }
  }

  dynamic "statement" {
    for_each = var.enable_adot ? [1] : []
    content {
      sid       = "ReadCollectorConfig"
      actions   = ["ssm:GetParameters"]
      resources = [aws_ssm_parameter.adot_config[0].arn]
    }
  }

  statement {
    sid       = "DecryptOwnSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com", "ssm.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  for_each = var.services

  name   = "execution"
  role   = aws_iam_role.execution[each.key].id
  policy = data.aws_iam_policy_document.execution[each.key].json
}

data "aws_iam_policy_document" "db_init_execution" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:${var.log_group_names["db-init"]}:*"]
  }

  statement {
    sid       = "ReadDatabaseSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.db_init.master_secret_arn, var.db_init.catalog_password_arn, var.db_init.orders_password_arn]
  }

  statement {
    sid       = "DecryptDatabaseSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "db_init_execution" {
  name   = "execution"
  role   = aws_iam_role.execution["db-init"].id
  policy = data.aws_iam_policy_document.db_init_execution.json
}

# Task role: what the application itself may call. The services need no AWS
# API; the ADOT sidecar sends traces to X-Ray when it is enabled.
resource "aws_iam_role" "task" {
  for_each = toset(concat(keys(var.services), ["db-init"]))

  name               = "${var.name}-${each.key}-task"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json

  tags = merge(var.tags, { Service = each.key })
}

data "aws_iam_policy_document" "adot" {
  statement {
    sid = "XRayWrite"
    actions = [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "xray:GetSamplingStatisticSummaries",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "adot" {
  for_each = var.enable_adot ? var.services : {}

  name   = "adot-xray"
  role   = aws_iam_role.task[each.key].id
  policy = data.aws_iam_policy_document.adot.json
}

# Infrastructure role: ECS blue/green moves the production listener rule
# between the blue and green target groups.
data "aws_iam_policy_document" "ecs_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "blue_green" {
  name               = "${var.name}-ecs-blue-green"
  assume_role_policy = data.aws_iam_policy_document.ecs_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "blue_green" {
  statement {
    sid = "DescribeLoadBalancing"
    actions = [
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "ShiftProductionTraffic"
    actions   = ["elasticloadbalancing:ModifyRule", "elasticloadbalancing:ModifyListener"]
    resources = concat(sort([for s in values(var.services) : s.target_group.listener_rule]), var.alb_listener_arns)
  }

  statement {
    sid       = "RegisterTasks"
    actions   = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]
    resources = sort(flatten([for s in values(var.services) : [s.target_group.blue_arn, s.target_group.green_arn]]))
  }
}

resource "aws_iam_role_policy" "blue_green" {
  name   = "blue-green"
  role   = aws_iam_role.blue_green.id
  policy = data.aws_iam_policy_document.blue_green.json
}

# ---- task definitions ------------------------------------------------------------

resource "aws_ecs_task_definition" "this" {
  for_each = var.services

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(each.value.cpu)
  memory                   = tostring(each.value.memory)
  execution_role_arn       = aws_iam_role.execution[each.key].arn
  task_role_arn            = aws_iam_role.task[each.key].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode(concat(
    [local.app_containers[each.key]],
    var.enable_adot ? [local.adot_container[each.key]] : [],
  ))

  tags = merge(var.tags, { Service = each.key })
}

resource "aws_ecs_task_definition" "db_init" {
  family                   = "${var.name}-db-init"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.execution["db-init"].arn
  task_role_arn            = aws_iam_role.task["db-init"].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  # psql reads scripts/sql/bootstrap.sql from an environment variable on
  # stdin; the passwords come from Secrets Manager, never from the image.
  container_definitions = jsonencode([{
    name                   = "db-init"
    image                  = var.db_init.image
    essential              = true
    user                   = "999"
    readonlyRootFilesystem = true
    privileged             = false
    linuxParameters        = { initProcessEnabled = true }
    entryPoint             = ["sh", "-c"]
    command = [join(" ", [
      "printf '%s' \"$BOOTSTRAP_SQL\" |",
      "psql -X -v ON_ERROR_STOP=1 -v dbname=\"$PGDATABASE\"",
      "-v catalog_password=\"$CATALOG_PASSWORD\" -v orders_password=\"$ORDERS_PASSWORD\" -f -",
    ])]
    environment = [
      { name = "BOOTSTRAP_SQL", value = var.db_init.bootstrap_sql },
      { name = "HOME", value = "/tmp" },
      { name = "PGDATABASE", value = var.db_init.db_name },
      { name = "PGHOST", value = var.db_init.db_host },
      { name = "PGPORT", value = "5432" },
      { name = "PGSSLMODE", value = "require" },
      { name = "PSQL_HISTORY", value = "/dev/null" },
    ]
    secrets = [
      { name = "CATALOG_PASSWORD", valueFrom = var.db_init.catalog_password_arn },
      { name = "ORDERS_PASSWORD", valueFrom = var.db_init.orders_password_arn },
      { name = "PGPASSWORD", valueFrom = "${var.db_init.master_secret_arn}:password::" },
      { name = "PGUSER", valueFrom = "${var.db_init.master_secret_arn}:username::" },
    ]
    mountPoints      = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    logConfiguration = local.log_configuration["db-init"]
  }])

  tags = merge(var.tags, { Service = "db-init" })
}

# ---- services ----------------------------------------------------------------------

resource "aws_ecs_service" "this" {
  for_each = var.services

  name                               = each.key
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.this[each.key].arn
  desired_count                      = each.value.desired_count
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 30
  enable_execute_command             = false
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  availability_zone_rebalancing      = "ENABLED"
  wait_for_steady_state              = false

  dynamic "capacity_provider_strategy" {
    for_each = local.capacity_providers
    content {
      capacity_provider = capacity_provider_strategy.value.name
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  deployment_controller {
    type = "ECS"
  }

  deployment_configuration {
    strategy             = "BLUE_GREEN"
    bake_time_in_minutes = tostring(var.blue_green.bake_time_minutes)
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "alarms" {
    for_each = length(lookup(var.blue_green.alarm_names, each.key, [])) > 0 ? [1] : []
    content {
      alarm_names = var.blue_green.alarm_names[each.key]
      enable      = true
      rollback    = true
    }
  }

  load_balancer {
    target_group_arn = each.value.target_group.blue_arn
    container_name   = each.key
    container_port   = each.value.container_port

    advanced_configuration {
      alternate_target_group_arn = each.value.target_group.green_arn
      production_listener_rule   = each.value.target_group.listener_rule
      role_arn                   = aws_iam_role.blue_green.arn
    }
  }

  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_http_namespace.this.arn

    dynamic "service" {
      for_each = each.value.service_connect == "server" ? [1] : []
      content {
        port_name      = "http"
        discovery_name = each.key

        client_alias {
          port     = each.value.container_port
          dns_name = each.key
        }
      }
    }
  }

  tags = merge(var.tags, { Service = each.key })

  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }

  depends_on = [aws_iam_role_policy.blue_green, aws_ecs_cluster_capacity_providers.this]
}

# ---- autoscaling -------------------------------------------------------------------

resource "aws_appautoscaling_target" "this" {
  for_each = var.services

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this[each.key].name}"
  min_capacity       = each.value.min_count
  max_capacity       = each.value.max_count

  tags = merge(var.tags, { Service = each.key })
}

# Target tracking only where there is room to scale (max_count > min_count):
# each policy makes AWS create two CloudWatch alarms ($0.10 per alarm metric a
# month, untagged, so invisible to tag-filtered budgets), which a service pinned
# at min = max would pay for nothing.
resource "aws_appautoscaling_policy" "cpu" {
  for_each = { for name, service in var.services : name => service if service.max_count > service.min_count }

  name               = "${each.key}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling.cpu_target_percent
    scale_in_cooldown  = var.autoscaling.scale_in_cooldown
    scale_out_cooldown = var.autoscaling.scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# Requests per target of the target group that serves production. ECS
# blue/green moves production between the blue and the green target group at
# every deployment, so the policy tracks the sum of both groups'
# RequestCountPerTarget (metric math; the idle group reports nothing, hence
# FILL with 0): after a swap it still sees the real load and never votes to
# scale in under it.
resource "aws_appautoscaling_policy" "requests" {
  for_each = { for name, service in var.services : name => service if service.max_count > service.min_count }

  name               = "${each.key}-alb-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.target_group.requests_per_min
    scale_in_cooldown  = var.autoscaling.scale_in_cooldown
    scale_out_cooldown = var.autoscaling.scale_out_cooldown

    customized_metric_specification {
      dynamic "metrics" {
        for_each = {
          blue  = each.value.target_group.blue_arn_suffix
          green = each.value.target_group.green_arn_suffix
        }
        content {
          id          = metrics.key
          return_data = false

          metric_stat {
            stat = "Sum"

            metric {
              namespace   = "AWS/ApplicationELB"
              metric_name = "RequestCountPerTarget"

              dimensions {
                name  = "TargetGroup"
                value = metrics.value
              }
            }
          }
        }
      }

      metrics {
        id          = "production"
        label       = "Requests per target, blue and green target groups"
        expression  = "FILL(blue, 0) + FILL(green, 0)"
        return_data = true
      }
    }
  }
}

resource "aws_appautoscaling_scheduled_action" "stop" {
  for_each = var.scheduled_scale_in.enabled ? var.services : {}

  name               = "${var.name}-${each.key}-stop"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id
  schedule           = var.scheduled_scale_in.stop_cron
  timezone           = var.scheduled_scale_in.timezone

  scalable_target_action {
    min_capacity = "0"
    max_capacity = "0"
  }
}

resource "aws_appautoscaling_scheduled_action" "start" {
  for_each = var.scheduled_scale_in.enabled ? var.services : {}

  name               = "${var.name}-${each.key}-start"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id
  schedule           = var.scheduled_scale_in.start_cron
  timezone           = var.scheduled_scale_in.timezone

  scalable_target_action {
    min_capacity = tostring(each.value.min_count)
    max_capacity = tostring(each.value.max_count)
  }

  depends_on = [aws_appautoscaling_scheduled_action.stop]
}
