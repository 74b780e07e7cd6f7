"""Refuses to act on a production environment unless explicitly allowed."""

from __future__ import annotations

from typing import Any

from .config import Config
from .errors import ProductionGuardError, SchedulerError

PRODUCTION_NAMES = frozenset({"prod", "production"})
ENVIRONMENT_TAG = "environment"


def cluster_environment_tag(ecs: Any, cluster_name: str) -> str | None:
    """The cluster's Environment tag (key compared case-insensitively), or None."""
    response = ecs.describe_clusters(clusters=[cluster_name], include=["TAGS"])
    clusters = response.get("clusters", [])
    if not clusters:
        reasons = ", ".join(f.get("reason", "unknown") for f in response.get("failures", []))
        raise SchedulerError(f"ECS cluster {cluster_name!r} was not found ({reasons or 'no cluster returned'})")
    for tag in clusters[0].get("tags", []):
        if tag.get("key", "").lower() == ENVIRONMENT_TAG:
            return tag.get("value")
    return None


def is_production(name: str | None) -> bool:
    return name is not None and name.strip().lower() in PRODUCTION_NAMES


def ensure_allowed(ecs: Any, config: Config) -> str | None:
    """Raises ProductionGuardError when the cluster or the configured environment is
    production and ALLOW_PRODUCTION is false. Returns the cluster's Environment tag."""
    tag = cluster_environment_tag(ecs, config.cluster_name)
    production = is_production(tag) or is_production(config.environment)
    if production and not config.allow_production:
        raise ProductionGuardError(
            f"refusing to act on production: cluster {config.cluster_name!r} is tagged "
            f"Environment={tag!r} (function environment {config.environment!r}); "
            "set ALLOW_PRODUCTION=true to allow it")
    return tag
