"""Stops and starts the environment's RDS instance."""

from __future__ import annotations

from typing import Any, Callable

from .errors import SchedulerError

STOPPED_STATES = frozenset({"stopped", "stopping"})
STARTING_STATES = frozenset({"starting", "available"})


def describe_database(rds: Any, instance_id: str) -> tuple[str, str]:
    """(status, ARN) of the instance; the ARN is what tagging calls name."""
    response = rds.describe_db_instances(DBInstanceIdentifier=instance_id)
    instances = response.get("DBInstances", [])
    if not instances:
        raise SchedulerError(f"RDS instance {instance_id!r} was not returned by DescribeDBInstances")
    return str(instances[0]["DBInstanceStatus"]), str(instances[0].get("DBInstanceArn", ""))


def database_status(rds: Any, instance_id: str) -> str:
    return describe_database(rds, instance_id)[0]


def stop_database(rds: Any, instance_id: str) -> tuple[str, str]:
    """Stops an available instance; returns (outcome, ARN). This also re-stops an
    instance that AWS started by itself after seven days stopped: it is simply
    'available' again, and the daily stop schedule finds it so the same evening."""
    status, arn = describe_database(rds, instance_id)
    if status in STOPPED_STATES:
        return f"already-{status}", arn
    if status != "available":
        raise SchedulerError(f"RDS instance {instance_id!r} cannot be stopped while {status!r}; "
                             "the next scheduled stop will retry")
    rds.stop_db_instance(DBInstanceIdentifier=instance_id)
    return "stopping", arn


def start_database(rds: Any, instance_id: str) -> tuple[str, str]:
    """Starts a stopped instance; returns (outcome, ARN)."""
    status, arn = describe_database(rds, instance_id)
    if status in STARTING_STATES:
        return f"already-{status}", arn
    if status != "stopped":
        raise SchedulerError(f"RDS instance {instance_id!r} cannot be started while {status!r}; "
                             "the next scheduled start will retry")
    rds.start_db_instance(DBInstanceIdentifier=instance_id)
    return "starting", arn


def wait_until_available(rds: Any, instance_id: str, wait: Callable[[Callable[[], bool]], bool]) -> None:
    if not wait(lambda: database_status(rds, instance_id) == "available"):
        raise SchedulerError(f"RDS instance {instance_id!r} was not available within START_WAIT_SECONDS; "
                             "services were left stopped and the next start will continue")
