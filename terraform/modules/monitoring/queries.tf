# Saved CloudWatch Logs Insights queries that docs/runbook.md uses, on the
# services' log groups. Field names are those of the services' JSON lines
# (services/common/src/log.cpp: time, level, service, msg, plus fields; the
# request line of services/common/src/server.cpp: request_id, trace_id,
# listener, method, route, status, duration_ms, slow). Request lines are
# written for every failed (5xx) or slow (LOG_SLOW_MS, 500 ms) request and a
# LOG_SAMPLE_RATE share of the rest, so counts of errors and slow requests
# are complete and counts of successful ones are samples. EMF lines (the
# business metrics) have no msg field and are filtered out.
# Saved queries are free; running one costs $0.005 per GB scanned.

locals {
  queries = {
    "errors-by-route" = <<-EOT
      fields @timestamp, service, method, route, status, duration_ms, trace_id
      | filter msg = "request" and status >= 500
      | stats count(*) as errors, max(@timestamp) as last_seen by service, method, route, status
      | sort errors desc
    EOT

    "slow-requests" = <<-EOT
      fields @timestamp, service, method, route, status, duration_ms, trace_id, request_id
      | filter msg = "request" and duration_ms >= 300
      | sort duration_ms desc
      | limit 100
    EOT

    "slow-routes" = <<-EOT
      fields service, route, duration_ms
      | filter msg = "request" and duration_ms >= 300
      | stats count(*) as slow, avg(duration_ms) as avg_ms, max(duration_ms) as max_ms by service, method, route
      | sort slow desc
    EOT

    # Replace the id: the 32 hex digits of a trace (X-Ray shows
    # 1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy: drop "1-" and the dash).
    "trace-lines" = <<-EOT
      fields @timestamp, service, level, msg, method, route, status, duration_ms, request_id, @logStream
      | filter trace_id = "0123456789abcdef0123456789abcdef"
      | sort @timestamp asc
    EOT

    "checkout-outcomes" = <<-EOT
      fields @timestamp, order_id, status, response_status, reason
      | filter service = "order-service" and (msg = "order finished" or msg like /checkout paused/ or msg like /saga did not converge/)
      | stats count(*) as orders by msg, status, response_status, reason
      | sort orders desc
    EOT

    "reconciler-actions" = <<-EOT
      fields @timestamp, level, msg, order_id, status, order_status, reason, error
      | filter service = "order-service" and (msg like /^reconcil/)
      | sort @timestamp desc
      | limit 200
    EOT

    "exporter-failures" = <<-EOT
      fields @timestamp, service, level, msg, endpoint, error, @logStream, @message
      | filter msg like /trace export failed/ or msg like /ECS task metadata unavailable/ or @logStream like /aws-otel-collector/
      | sort @timestamp desc
      | limit 100
    EOT

    "starts-and-fatals" = <<-EOT
      fields @timestamp, service, level, msg, error, version, startup_ms, @logStream
      | filter msg in ["listening", "draining", "stopped", "signal received"] or level = "fatal"
      | sort @timestamp desc
      | limit 200
    EOT

    "database-errors" = <<-EOT
      fields @timestamp, service, level, msg, connection, route, error, sqlstate, request_id
      | filter msg like /database|statement|migration/ and level in ["warn", "error", "fatal"]
      | stats count(*) as lines, max(@timestamp) as last_seen by service, msg
      | sort lines desc
    EOT
  }
}

resource "aws_cloudwatch_query_definition" "this" {
  for_each = local.queries

  name            = "${var.name}/${each.key}"
  log_group_names = sort(values(local.service_log_groups))
  query_string    = trimspace(each.value)
}
