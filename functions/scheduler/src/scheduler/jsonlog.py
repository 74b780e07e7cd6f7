"""One JSON object per line on stdout, which Lambda sends to CloudWatch Logs."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from typing import Any, Callable, TextIO


class JsonLog:
    def __init__(self, environment: str, action: str, stream: TextIO | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        self._base = {"logger": "scheduler", "environment": environment, "action": action}
        self._stream = stream
        self._now = now or (lambda: datetime.now(timezone.utc))

    def info(self, message: str, **fields: Any) -> None:
        self._write("INFO", message, fields)

    def warning(self, message: str, **fields: Any) -> None:
        self._write("WARN", message, fields)

    def error(self, message: str, **fields: Any) -> None:
        self._write("ERROR", message, fields)

    def _write(self, level: str, message: str, fields: dict[str, Any]) -> None:
        line = {"time": self._now().isoformat(timespec="milliseconds"), "level": level,
                **self._base, "message": message, **fields}
        stream = self._stream or sys.stdout
        stream.write(json.dumps(line, sort_keys=False, default=str) + "\n")
        stream.flush()
