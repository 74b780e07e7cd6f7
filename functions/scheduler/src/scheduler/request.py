"""Turns an invocation event into a stop or start request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .errors import RequestError


class Action(str, Enum):
    STOP = "stop"
    START = "start"


@dataclass(frozen=True)
class Request:
    action: Action
    environment: str


def parse_request(event: Any) -> Request:
    """Accepts {"action", "environment"} as sent by EventBridge Scheduler or by hand,
    the same object as a JSON string, or an EventBridge event carrying it in "detail"."""
    body = _unwrap(event)
    action = body.get("action")
    environment = body.get("environment")
    if not isinstance(action, str) or action.lower() not in (a.value for a in Action):
        raise RequestError(f"event field 'action' must be 'stop' or 'start', got {action!r}")
    if not isinstance(environment, str) or not environment.strip():
        raise RequestError("event field 'environment' is required (for example \"dev\")")
    return Request(Action(action.lower()), environment.strip())


def _unwrap(event: Any) -> dict[str, Any]:
    if isinstance(event, str):
        try:
            event = json.loads(event)
        except json.JSONDecodeError as error:
            raise RequestError(f"event is a string but not JSON: {error.msg}") from None
    if not isinstance(event, dict):
        raise RequestError(f"event must be a JSON object, got {type(event).__name__}")
    detail = event.get("detail")
    if "action" not in event and isinstance(detail, dict):
        return detail
    return event
