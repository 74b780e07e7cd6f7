"""Stops and starts the NAT instance(s) of an environment using nat_strategy = "instance"."""

from __future__ import annotations

from typing import Any, Sequence


def stop_instances(ec2: Any, instance_ids: Sequence[str]) -> None:
    ec2.stop_instances(InstanceIds=list(instance_ids))


def start_instances(ec2: Any, instance_ids: Sequence[str]) -> None:
    ec2.start_instances(InstanceIds=list(instance_ids))
