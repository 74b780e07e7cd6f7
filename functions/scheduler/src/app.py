"""Lambda entry point: app.handler.

Event: {"action": "stop" | "start", "environment": "<name>"} (what the EventBridge
Scheduler schedules send). Settings: see scheduler/config.py and the README.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, TextIO

import boto3
from botocore.config import Config as BotoConfig

from scheduler.config import Config
from scheduler.errors import SchedulerError
from scheduler.jsonlog import JsonLog
from scheduler.request import parse_request
from scheduler.runner import Clients, handle
from scheduler.waiting import Deadline

# Throttling and transient errors are retried by botocore (standard mode, with backoff)
# before the scheduler sees them; what still fails is reported as a failed step.
AWS_RETRIES = BotoConfig(retries={"mode": "standard", "max_attempts": 5})


def aws_clients() -> Clients:
    names = ("ecs", "rds", "ssm", "ec2", "application-autoscaling")
    return Clients(*(boto3.client(name, config=AWS_RETRIES) for name in names))


def run_invocation(event: Any, env: Mapping[str, str], clients: Callable[[], Clients],
                   clock: Callable[[], float] = time.monotonic,
                   sleep: Callable[[float], None] = time.sleep,
                   stream: TextIO | None = None,
                   now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> dict[str, Any]:
    log = JsonLog(env.get("ENVIRONMENT", "unknown"), _action_hint(event), stream)
    try:
        config = Config.from_env(env)
        request = parse_request(event)
        log = JsonLog(config.environment, request.action.value, stream)
        deadline = Deadline(config.start_wait_seconds, config.poll_interval_seconds, clock, sleep)
        result = handle(request, config, clients(), log, deadline, now())
    except SchedulerError as error:
        log.error(str(error), outcome="failed", error_type=type(error).__name__)
        raise
    extra = {"healthy": result["healthy"]} if "healthy" in result else {}
    log.info("finished", outcome="succeeded", **extra)
    return result


def handler(event: Any, context: Any) -> dict[str, Any]:
    return run_invocation(event, os.environ, aws_clients)


def _action_hint(event: Any) -> str:
    if isinstance(event, dict) and isinstance(event.get("action"), str):
        return event["action"]
    return "unknown"
