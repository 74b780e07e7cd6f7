# The scheduler module on its own: business hours and a time zone by default,
# the events the function receives, its settings, and the variables' validation.
# Run with: terraform -chdir=terraform/modules/scheduler init && terraform -chdir=terraform/modules/scheduler test

mock_provider "aws" {
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
}

# archive_file is not mocked: the plan really packages functions/scheduler/src.

variables {
  name             = "ecommerce-dev"
  environment      = "dev"
  cluster_name     = "ecommerce-dev"
  db_instance_id   = "ecommerce-dev"
  nat_instance_ids = ["i-0123456789abcdef0"]
}

run "business_hours_in_a_time_zone_by_default" {
  command = plan

  assert {
    condition     = aws_scheduler_schedule.this["start"].schedule_expression == "cron(0 8 ? * MON-FRI *)" && aws_scheduler_schedule.this["stop"].schedule_expression == "cron(0 18 ? * * *)"
    error_message = "The default schedule must be 08:00-18:00 on weekdays, with a daily stop."
  }

  assert {
    condition     = alltrue([for s in values(aws_scheduler_schedule.this) : s.schedule_expression_timezone == "America/New_York" && s.state == "ENABLED"])
    error_message = "Both schedules must be enabled and evaluated in the configured time zone."
  }

  assert {
    condition     = jsondecode(aws_scheduler_schedule.this["stop"].target[0].input).action == "stop" && jsondecode(aws_scheduler_schedule.this["start"].target[0].input).environment == "dev"
    error_message = "Each schedule must send {action, environment} to the function."
  }
}

run "function_settings" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.12" && aws_lambda_function.this.handler == "app.handler"
    error_message = "The function runs app.handler on Python 3.12."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.ALLOW_PRODUCTION == "false" && aws_lambda_function.this.environment[0].variables.NAT_INSTANCE_IDS == "i-0123456789abcdef0"
    error_message = "Production stays refused by default and the NAT instance is passed on."
  }

  assert {
    condition     = aws_lambda_function.this.timeout == 660 && aws_cloudwatch_log_group.this.retention_in_days == 14
    error_message = "The timeout is start_wait_seconds + 60 and the log group keeps 14 days."
  }
}

run "schedules_can_be_disabled" {
  command = plan

  variables {
    enabled = false
  }

  assert {
    condition     = alltrue([for s in values(aws_scheduler_schedule.this) : s.state == "DISABLED"])
    error_message = "enabled = false must disable both schedules."
  }
}

run "no_database_no_rds_permission" {
  command = plan

  variables {
    db_instance_id = null
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.DB_INSTANCE_ID == ""
    error_message = "Without a database the function gets an empty DB_INSTANCE_ID."
  }
}

run "wait_longer_than_lambda_allows" {
  command = plan

  variables {
    start_wait_seconds = 900
  }

  expect_failures = [var.start_wait_seconds]
}

run "time_zone_not_iana" {
  command = plan

  variables {
    timezone = "utc+2"
  }

  expect_failures = [var.timezone]
}

run "schedule_not_cron_or_rate" {
  command = plan

  variables {
    stop_schedule = "every evening"
  }

  expect_failures = [var.stop_schedule]
}

run "nat_instance_id_malformed" {
  command = plan

  variables {
    nat_instance_ids = ["nat-1"]
  }

  expect_failures = [var.nat_instance_ids]
}

run "tags_what_it_stops_with_auto_stopped_only" {
  command = plan

  assert {
    condition     = toset([for s in data.aws_iam_policy_document.function.statement : s.sid if anytrue([for a in s.actions : can(regex("Tag", a))])]) == toset(["TagStoppedServices", "TagStoppedDatabase", "TagStoppedNatInstance"])
    error_message = "The function may tag and untag the services, the database and the NAT instance, and nothing else."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.function.statement : alltrue([for c in s.condition : c.variable == "aws:TagKeys" && toset(c.values) == toset(["auto-stopped"])]) if can(regex("^TagStopped", s.sid))])
    error_message = "Each tagging statement must allow the auto-stopped key only."
  }
}

run "no_database_no_database_tagging" {
  command = plan

  variables {
    db_instance_id   = null
    nat_instance_ids = []
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.function.statement : s.sid if can(regex("^TagStopped", s.sid))] == ["TagStoppedServices"]
    error_message = "Without a database or NAT instance the function may tag only the services."
  }
}
