"""Reads and changes the desired task count of the cluster's ECS services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

DESCRIBE_BATCH = 10  # DescribeServices accepts at most 10 services per call.


@dataclass(frozen=True)
class ServiceState:
    name: str
    arn: str
    desired: int
    running: int
    pending: int

    @property
    def steady(self) -> bool:
        return self.running == self.desired and self.pending == 0


def list_service_arns(ecs: Any, cluster: str) -> list[str]:
    arns: list[str] = []
    for page in ecs.get_paginator("list_services").paginate(cluster=cluster):
        arns.extend(page.get("serviceArns", []))
    return arns


def describe_services(ecs: Any, cluster: str, arns: Iterable[str]) -> list[ServiceState]:
    arns = list(arns)
    states: list[ServiceState] = []
    for start in range(0, len(arns), DESCRIBE_BATCH):
        response = ecs.describe_services(cluster=cluster, services=arns[start:start + DESCRIBE_BATCH])
        states.extend(_state(service) for service in response.get("services", []))
    return states


def set_desired_count(ecs: Any, cluster: str, service: str, count: int) -> None:
    ecs.update_service(cluster=cluster, service=service, desiredCount=count)


def _state(service: dict[str, Any]) -> ServiceState:
    return ServiceState(
        name=service["serviceName"],
        arn=service["serviceArn"],
        desired=int(service.get("desiredCount", 0)),
        running=int(service.get("runningCount", 0)),
        pending=int(service.get("pendingCount", 0)),
    )
