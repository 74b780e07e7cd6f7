"""The `auto-stopped` tag: what the scheduler stopped, and when.

A stop tags each resource it stopped `auto-stopped=<UTC time, ISO 8601>` (an ECS
service it scaled to zero, the RDS instance, the NAT instances), so that the
console, Cost Explorer and a person wondering why dev is down can tell a
scheduled stop from a broken or forgotten resource. A start removes the tag
from what it starts again. Terraform ignores the key (provider `ignore_tags`),
so the tag causes no drift.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Sequence

TAG_KEY = "auto-stopped"


def stamp(now: datetime) -> str:
    """2026-12-05T23:00:00Z: ISO 8601 in UTC, characters every service accepts in a tag value."""
    if now.tzinfo is None:
        raise ValueError("the stop time must be timezone-aware")
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def tag_service(ecs: Any, service_arn: str, value: str) -> None:
    ecs.tag_resource(resourceArn=service_arn, tags=[{"key": TAG_KEY, "value": value}])


def untag_service(ecs: Any, service_arn: str) -> None:
    ecs.untag_resource(resourceArn=service_arn, tagKeys=[TAG_KEY])


def tag_database(rds: Any, instance_arn: str, value: str) -> None:
    rds.add_tags_to_resource(ResourceName=instance_arn, Tags=[{"Key": TAG_KEY, "Value": value}])


def untag_database(rds: Any, instance_arn: str) -> None:
    rds.remove_tags_from_resource(ResourceName=instance_arn, TagKeys=[TAG_KEY])


def tag_instances(ec2: Any, instance_ids: Sequence[str], value: str) -> None:
    ec2.create_tags(Resources=list(instance_ids), Tags=[{"Key": TAG_KEY, "Value": value}])


def untag_instances(ec2: Any, instance_ids: Sequence[str]) -> None:
    ec2.delete_tags(Resources=list(instance_ids), Tags=[{"Key": TAG_KEY}])
