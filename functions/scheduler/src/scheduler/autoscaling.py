"""Suspends and resumes Application Auto Scaling on the services while they are stopped.

A service with a scalable target (min_count >= 1) would be scaled back up by its
target-tracking or scheduled actions after being set to zero; suspending dynamic
and scheduled scaling keeps it at zero until the start resumes them. The target's
min and max are left as Terraform set them.
"""

from __future__ import annotations

from typing import Any, Iterable

NAMESPACE = "ecs"
DIMENSION = "ecs:service:DesiredCount"
DESCRIBE_BATCH = 50  # DescribeScalableTargets accepts at most 50 resource ids per call.
SUSPEND_FLAGS = ("DynamicScalingInSuspended", "DynamicScalingOutSuspended", "ScheduledScalingSuspended")


def resource_id(cluster: str, service: str) -> str:
    return f"service/{cluster}/{service}"


def scaling_states(aas: Any, cluster: str, services: Iterable[str]) -> dict[str, bool]:
    """Service name -> whether its scaling is suspended, for services that have a scalable target."""
    names = list(services)
    states: dict[str, bool] = {}
    for start in range(0, len(names), DESCRIBE_BATCH):
        ids = [resource_id(cluster, name) for name in names[start:start + DESCRIBE_BATCH]]
        paginator = aas.get_paginator("describe_scalable_targets")
        for page in paginator.paginate(ServiceNamespace=NAMESPACE, ResourceIds=ids, ScalableDimension=DIMENSION):
            for target in page.get("ScalableTargets", []):
                name = target["ResourceId"].rsplit("/", 1)[-1]
                suspended = target.get("SuspendedState", {})
                states[name] = any(bool(suspended.get(flag)) for flag in SUSPEND_FLAGS)
    return states


def set_suspended(aas: Any, cluster: str, service: str, suspended: bool) -> None:
    aas.register_scalable_target(
        ServiceNamespace=NAMESPACE,
        ResourceId=resource_id(cluster, service),
        ScalableDimension=DIMENSION,
        SuspendedState={flag: suspended for flag in SUSPEND_FLAGS},
    )
