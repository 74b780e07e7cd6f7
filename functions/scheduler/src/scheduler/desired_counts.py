"""Remembers each service's desired count in SSM Parameter Store while it is stopped."""

from __future__ import annotations

from typing import Any


class DesiredCountStore:
    def __init__(self, ssm: Any, prefix: str) -> None:
        self._ssm = ssm
        self._prefix = prefix.rstrip("/")

    def parameter_name(self, service: str) -> str:
        return f"{self._prefix}/{service}"

    def remember(self, service: str, count: int) -> None:
        self._ssm.put_parameter(
            Name=self.parameter_name(service),
            Value=str(count),
            Type="String",
            Overwrite=True,
            Description=f"Desired count of ECS service {service} before the scheduled stop",
        )

    def recall_all(self) -> dict[str, int]:
        """Service name -> remembered count; values that are not integers are skipped."""
        counts: dict[str, int] = {}
        paginator = self._ssm.get_paginator("get_parameters_by_path")
        for page in paginator.paginate(Path=self._prefix, Recursive=False):
            for parameter in page.get("Parameters", []):
                name = parameter["Name"].rsplit("/", 1)[-1]
                value = parameter.get("Value", "")
                if value.isdigit():
                    counts[name] = int(value)
        return counts
