"""The function's settings, read once from its environment variables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .errors import ConfigError

MAX_START_WAIT_SECONDS = 840  # Lambda's 15-minute limit minus a margin for the rest of the work.


@dataclass(frozen=True)
class Config:
    cluster_name: str
    environment: str
    db_instance_id: str | None
    nat_instance_ids: tuple[str, ...]
    allow_production: bool
    state_parameter_prefix: str
    start_wait_seconds: int
    poll_interval_seconds: int

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Config":
        environment = _required(env, "ENVIRONMENT")
        return cls(
            cluster_name=_required(env, "CLUSTER_NAME"),
            environment=environment,
            db_instance_id=env.get("DB_INSTANCE_ID", "").strip() or None,
            nat_instance_ids=_id_list(env.get("NAT_INSTANCE_IDS", "")),
            allow_production=_boolean(env, "ALLOW_PRODUCTION", default=False),
            state_parameter_prefix=_parameter_prefix(env, environment),
            start_wait_seconds=_integer(env, "START_WAIT_SECONDS", 600, 0, MAX_START_WAIT_SECONDS),
            poll_interval_seconds=_integer(env, "POLL_INTERVAL_SECONDS", 15, 1, 300),
        )


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment variable {name} is required and is empty or unset")
    return value


def _boolean(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("true", "false"):
        return raw == "true"
    raise ConfigError(f"environment variable {name} must be 'true' or 'false', got {raw!r}")


def _integer(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"environment variable {name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"environment variable {name} must be between {low} and {high}, got {value}")
    return value


def _id_list(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _parameter_prefix(env: Mapping[str, str], environment: str) -> str:
    prefix = env.get("STATE_PARAMETER_PREFIX", "").strip() or f"/ecommerce/{environment}/scheduler/desired-count"
    if not prefix.startswith("/"):
        raise ConfigError(f"environment variable STATE_PARAMETER_PREFIX must start with '/', got {prefix!r}")
    return prefix.rstrip("/")
