"""Stop and start of one environment, in the order that keeps it consistent.

stop:  ECS services to zero (each count remembered first, auto scaling suspended)
       -> RDS instance -> NAT instances; each one stopped is tagged auto-stopped=<time>
start: NAT instances -> RDS instance, waited until available -> ECS services restored
       (auto scaling resumed), waited until their running count matches the desired count;
       each one started loses its auto-stopped tag
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from . import autoscaling, database, ecs_services, guard, nat_instances, stop_tags
from .config import Config
from .desired_counts import DesiredCountStore
from .errors import ActionFailedError, RequestError, SchedulerError
from .jsonlog import JsonLog
from .request import Action, Request
from .waiting import Deadline

AWS_ERRORS = (ClientError, BotoCoreError, SchedulerError)


@dataclass(frozen=True)
class Clients:
    ecs: Any
    rds: Any
    ssm: Any
    ec2: Any
    autoscaling: Any


def describe_error(error: Exception) -> str:
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        operation = getattr(error, "operation_name", "AWS call")
        return f"{operation} failed with {details.get('Code', 'error')}: {details.get('Message', '')}".rstrip(": ")
    return str(error)


@dataclass
class Outcome:
    """Collects what was done and what failed, logging one JSON line per step."""

    action: Action
    environment: str
    log: JsonLog
    steps: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def done(self, target: str, name: str, outcome: str, **extra: Any) -> None:
        self.log.info(f"{target} {name}: {outcome}", target=target, name=name, outcome=outcome, **extra)
        self.steps.append({"target": target, "name": name, "outcome": outcome, **extra})

    def failed(self, target: str, name: str, error: Exception) -> None:
        reason = describe_error(error)
        self.log.error(f"{target} {name}: {reason}", target=target, name=name, outcome="failed", error=reason)
        self.failures.append(f"{target} {name}: {reason}")

    def finish(self, **summary: Any) -> dict[str, Any]:
        if self.failures:
            raise ActionFailedError(self.action.value, self.failures)
        return {"action": self.action.value, "environment": self.environment, "steps": self.steps, **summary}


def handle(request: Request, config: Config, clients: Clients, log: JsonLog, deadline: Deadline,
           now: datetime | None = None) -> dict[str, Any]:
    if request.environment != config.environment:
        raise RequestError(f"event is for environment {request.environment!r} but this function manages "
                           f"{config.environment!r}")
    tag = guard.ensure_allowed(clients.ecs, config)
    log.info("guard passed", target="ecs-cluster", name=config.cluster_name, environment_tag=tag,
             allow_production=config.allow_production)
    outcome = Outcome(request.action, config.environment, log)
    store = DesiredCountStore(clients.ssm, config.state_parameter_prefix)
    if request.action is Action.STOP:
        stopped_at = stop_tags.stamp(now if now is not None else datetime.now(timezone.utc))
        return stop_environment(config, clients, store, outcome, stopped_at)
    return start_environment(config, clients, store, outcome, deadline)


def stop_environment(config: Config, clients: Clients, store: DesiredCountStore,
                     outcome: Outcome, stopped_at: str) -> dict[str, Any]:
    services = _current_services(config, clients, outcome)
    scaling = _scaling_states(config, clients, services, outcome)
    if scaling is not None:
        for service in services:
            _stop_service(config, clients, store, service, scaling, outcome, stopped_at)
    if config.db_instance_id:
        _stop_database(config, clients, outcome, stopped_at)
    if config.nat_instance_ids:
        if _step(outcome, "ec2-instance", ",".join(config.nat_instance_ids),
                 lambda: _stopped_nat(clients, config)):
            _tag_step(outcome, "ec2-instance", ",".join(config.nat_instance_ids),
                      lambda: stop_tags.tag_instances(clients.ec2, config.nat_instance_ids, stopped_at))
    return outcome.finish()


def start_environment(config: Config, clients: Clients, store: DesiredCountStore, outcome: Outcome,
                      deadline: Deadline) -> dict[str, Any]:
    if config.nat_instance_ids:
        if _step(outcome, "ec2-instance", ",".join(config.nat_instance_ids), lambda: _started_nat(clients, config)):
            _tag_step(outcome, "ec2-instance", ",".join(config.nat_instance_ids),
                      lambda: stop_tags.untag_instances(clients.ec2, config.nat_instance_ids))
    if config.db_instance_id and not _database_ready(config, clients, outcome, deadline):
        return outcome.finish()
    services = _current_services(config, clients, outcome)
    scaling = _scaling_states(config, clients, services, outcome)
    remembered = _remembered_counts(store, outcome) if services and scaling is not None else None
    running: list[str] = []
    if scaling is not None and remembered is not None:
        running = [s.arn for s in services if _start_service(config, clients, s, remembered, scaling, outcome)]
    healthy = _wait_for_services(config, clients, running, outcome, deadline)
    return outcome.finish(healthy=healthy)


def _step(outcome: Outcome, target: str, name: str, action: Any) -> bool:
    try:
        outcome.done(target, name, action())
        return True
    except AWS_ERRORS as error:
        outcome.failed(target, name, error)
        return False


def _tag_step(outcome: Outcome, target: str, name: str, action: Any) -> bool:
    """Sets or removes the auto-stopped tag; a failure (e.g. a missing tagging
    permission) fails the run, after the resource itself was stopped or started."""
    try:
        action()
        return True
    except AWS_ERRORS as error:
        outcome.failed(target, name, error)
        return False


def _stop_database(config: Config, clients: Clients, outcome: Outcome, stopped_at: str) -> None:
    instance_id = config.db_instance_id or ""
    try:
        status, arn = database.stop_database(clients.rds, instance_id)
    except AWS_ERRORS as error:
        outcome.failed("rds-instance", instance_id, error)
        return
    if status != "stopping":
        outcome.done("rds-instance", instance_id, status)
        return
    if _tag_step(outcome, "rds-instance", instance_id,
                 lambda: stop_tags.tag_database(clients.rds, arn, stopped_at)):
        outcome.done("rds-instance", instance_id, status, auto_stopped=stopped_at)
    else:
        outcome.done("rds-instance", instance_id, status)


def _stopped_nat(clients: Clients, config: Config) -> str:
    nat_instances.stop_instances(clients.ec2, config.nat_instance_ids)
    return "stopping"


def _started_nat(clients: Clients, config: Config) -> str:
    nat_instances.start_instances(clients.ec2, config.nat_instance_ids)
    return "starting"


def _current_services(config: Config, clients: Clients, outcome: Outcome) -> list[ecs_services.ServiceState]:
    try:
        arns = ecs_services.list_service_arns(clients.ecs, config.cluster_name)
        return ecs_services.describe_services(clients.ecs, config.cluster_name, arns)
    except AWS_ERRORS as error:
        outcome.failed("ecs-cluster", config.cluster_name, error)
        return []


def _scaling_states(config: Config, clients: Clients, services: list[ecs_services.ServiceState],
                    outcome: Outcome) -> dict[str, bool] | None:
    """Which services have auto scaling and whether it is suspended; None when unknown
    (the services are then left alone: changing them could fight their auto scaling)."""
    if not services:
        return {}
    try:
        return autoscaling.scaling_states(clients.autoscaling, config.cluster_name, [s.name for s in services])
    except AWS_ERRORS as error:
        outcome.failed("ecs-cluster", config.cluster_name, error)
        return None


def _stop_service(config: Config, clients: Clients, store: DesiredCountStore, service: ecs_services.ServiceState,
                  scaling: dict[str, bool], outcome: Outcome, stopped_at: str) -> None:
    must_suspend = service.name in scaling and not scaling[service.name]
    try:
        if service.desired == 0:
            if must_suspend:
                autoscaling.set_suspended(clients.autoscaling, config.cluster_name, service.name, True)
            outcome.done("ecs-service", service.name, "already-stopped", scaling_suspended=must_suspend)
            return
        store.remember(service.name, service.desired)  # first: a count never remembered is lost
        if must_suspend:
            autoscaling.set_suspended(clients.autoscaling, config.cluster_name, service.name, True)
        ecs_services.set_desired_count(clients.ecs, config.cluster_name, service.name, 0)
    except AWS_ERRORS as error:
        outcome.failed("ecs-service", service.name, error)
        return
    tagged = _tag_step(outcome, "ecs-service", service.name,
                       lambda: stop_tags.tag_service(clients.ecs, service.arn, stopped_at))
    outcome.done("ecs-service", service.name, "scaled-to-zero", previous_desired_count=service.desired,
                 scaling_suspended=must_suspend, **({"auto_stopped": stopped_at} if tagged else {}))


def _database_ready(config: Config, clients: Clients, outcome: Outcome, deadline: Deadline) -> bool:
    instance_id = config.db_instance_id or ""
    try:
        status, arn = database.start_database(clients.rds, instance_id)
        outcome.done("rds-instance", instance_id, status)
        if status != "already-available":
            database.wait_until_available(clients.rds, instance_id, deadline.wait_for)
            outcome.done("rds-instance", instance_id, "available")
    except AWS_ERRORS as error:
        outcome.failed("rds-instance", instance_id, error)
        return False
    # Also when already available: AWS may have started it on its own after 7 days.
    _tag_step(outcome, "rds-instance", instance_id, lambda: stop_tags.untag_database(clients.rds, arn))
    return True


def _remembered_counts(store: DesiredCountStore, outcome: Outcome) -> dict[str, int] | None:
    try:
        return store.recall_all()
    except AWS_ERRORS as error:
        outcome.failed("ssm-parameters", store.parameter_name("*"), error)
        return None


def _start_service(config: Config, clients: Clients, service: ecs_services.ServiceState,
                   remembered: dict[str, int], scaling: dict[str, bool], outcome: Outcome) -> bool:
    """Restores one service (count first, then its auto scaling); True when it is now meant to run tasks."""
    must_resume = scaling.get(service.name, False)
    count = remembered.get(service.name, 0)
    if service.desired == 0 and count == 0:
        outcome.log.warning(f"ecs-service {service.name}: no remembered desired count, left at 0",
                            target="ecs-service", name=service.name, outcome="no-remembered-count")
        return False
    try:
        if service.desired == 0:
            ecs_services.set_desired_count(clients.ecs, config.cluster_name, service.name, count)
            stop_tags.untag_service(clients.ecs, service.arn)
        if must_resume:
            autoscaling.set_suspended(clients.autoscaling, config.cluster_name, service.name, False)
        if service.desired == 0:
            outcome.done("ecs-service", service.name, "restored", desired_count=count, scaling_resumed=must_resume)
        else:
            outcome.done("ecs-service", service.name, "already-running", desired_count=service.desired,
                         scaling_resumed=must_resume)
        return True
    except AWS_ERRORS as error:
        outcome.failed("ecs-service", service.name, error)
        return False


def _wait_for_services(config: Config, clients: Clients, arns: list[str], outcome: Outcome,
                       deadline: Deadline) -> bool:
    """Waits, within what is left of START_WAIT_SECONDS, until every service that should run
    has its desired number of tasks running (ECS counts a task behind the ALB only once its
    health check passes). Not being steady in time is a warning: ECS keeps going."""
    if not arns:
        return True
    last: list[ecs_services.ServiceState] = []

    def all_steady() -> bool:
        nonlocal last
        last = ecs_services.describe_services(clients.ecs, config.cluster_name, arns)
        return all(s.steady for s in last)

    try:
        steady = deadline.wait_for(all_steady)
    except AWS_ERRORS as error:
        outcome.failed("ecs-cluster", config.cluster_name, error)
        return False
    for service in last:
        if service.steady:
            outcome.done("ecs-service", service.name, "healthy", running_count=service.running)
        else:
            outcome.log.warning(f"ecs-service {service.name}: not steady within START_WAIT_SECONDS",
                                target="ecs-service", name=service.name, outcome="not-yet-healthy",
                                running_count=service.running, desired_count=service.desired)
    return steady
