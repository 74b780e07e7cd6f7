"""Shared fixtures: real boto3 clients with botocore Stubbers and a recorder of the
order of every AWS call across all clients."""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from app import run_invocation  # noqa: E402
from scheduler.runner import Clients  # noqa: E402

CLUSTER = "ecom-dev"
CLUSTER_ARN = f"arn:aws:ecs:us-east-1:123456789012:cluster/{CLUSTER}"
DB_ID = "ecom-dev-postgres"
DB_ARN = f"arn:aws:rds:us-east-1:123456789012:db:{DB_ID}"
STOPPED_AT = "2026-12-07T23:00:00Z"  # 18:00 in New York (EST), when the stop schedule runs
NOW = datetime(2026, 12, 7, 23, 0, 0, tzinfo=timezone.utc)
TAG = "auto-stopped"
NAT_ID = "i-0123456789abcdef0"
PREFIX = "/ecommerce/dev/scheduler/desired-count"
CLIENT_NAMES = ("ecs", "rds", "ssm", "ec2", "application-autoscaling")
SUSPEND_FLAGS = ("DynamicScalingInSuspended", "DynamicScalingOutSuspended", "ScheduledScalingSuspended")


def service_arn(name: str) -> str:
    return f"arn:aws:ecs:us-east-1:123456789012:service/{CLUSTER}/{name}"


def base_env(**overrides: str) -> dict[str, str]:
    env = {
        "CLUSTER_NAME": CLUSTER,
        "ENVIRONMENT": "dev",
        "DB_INSTANCE_ID": DB_ID,
        "ALLOW_PRODUCTION": "false",
        "STATE_PARAMETER_PREFIX": PREFIX,
        "START_WAIT_SECONDS": "600",
        "POLL_INTERVAL_SECONDS": "15",
    }
    env.update(overrides)
    return env


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Aws:
    """Four stubbed clients; `calls` lists (service, operation) in the order they were made."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.clients = Clients(*(self._client(name) for name in CLIENT_NAMES))
        self.stubs = {field: Stubber(getattr(self.clients, field)) for field in ("ecs", "rds", "ssm", "ec2",
                                                                                "autoscaling")}
        for stub in self.stubs.values():
            stub.activate()

    def _client(self, name: str) -> Any:
        client = boto3.client(name, region_name="us-east-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
        client.meta.events.register("before-parameter-build", self._record)
        return client

    def _record(self, model: Any, **_: Any) -> None:
        self.calls.append((model.service_model.endpoint_prefix, model.name))

    # --- expected calls -------------------------------------------------------------
    def cluster(self, tags: dict[str, str] | None = None) -> None:
        tag_list = [{"key": k, "value": v} for k, v in (tags if tags is not None else {"Environment": "dev"}).items()]
        self.stubs["ecs"].add_response(
            "describe_clusters",
            {"clusters": [{"clusterName": CLUSTER, "clusterArn": CLUSTER_ARN, "tags": tag_list}], "failures": []},
            {"clusters": [CLUSTER], "include": ["TAGS"]})

    def list_services(self, names: list[str]) -> None:
        self.stubs["ecs"].add_response("list_services", {"serviceArns": [service_arn(n) for n in names]},
                                       {"cluster": CLUSTER})

    def describe_services(self, counts: dict[str, tuple[int, int]], pending: int = 0) -> None:
        """counts: name -> (desired, running)."""
        services = [{"serviceName": n, "serviceArn": service_arn(n), "desiredCount": d, "runningCount": r,
                     "pendingCount": pending} for n, (d, r) in counts.items()]
        self.stubs["ecs"].add_response("describe_services", {"services": services, "failures": []},
                                       {"cluster": CLUSTER, "services": [service_arn(n) for n in counts]})

    def update_service(self, name: str, count: int) -> None:
        self.stubs["ecs"].add_response("update_service", {"service": {"serviceName": name}},
                                       {"cluster": CLUSTER, "service": name, "desiredCount": count})

    def scalable_targets(self, services: dict[str, bool], asked: list[str] | None = None) -> None:
        """services: name -> suspended, for those with a scalable target; asked: every service looked up."""
        targets = [{"ServiceNamespace": "ecs", "ResourceId": f"service/{CLUSTER}/{n}",
                    "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 4,
                    "RoleARN": "arn:aws:iam::123456789012:role/aas", "CreationTime": "2026-01-01T00:00:00Z",
                    "SuspendedState": {flag: suspended for flag in SUSPEND_FLAGS}}
                   for n, suspended in services.items()]
        ids = [f"service/{CLUSTER}/{n}" for n in (asked if asked is not None else list(services))]
        self.stubs["autoscaling"].add_response(
            "describe_scalable_targets", {"ScalableTargets": targets},
            {"ServiceNamespace": "ecs", "ResourceIds": ids, "ScalableDimension": "ecs:service:DesiredCount"})

    def suspend(self, name: str, suspended: bool = True) -> None:
        self.stubs["autoscaling"].add_response(
            "register_scalable_target", {},
            {"ServiceNamespace": "ecs", "ResourceId": f"service/{CLUSTER}/{name}",
             "ScalableDimension": "ecs:service:DesiredCount",
             "SuspendedState": {flag: suspended for flag in SUSPEND_FLAGS}})

    def put_parameter(self, name: str, count: int) -> None:
        self.stubs["ssm"].add_response(
            "put_parameter", {"Version": 1},
            {"Name": f"{PREFIX}/{name}", "Value": str(count), "Type": "String", "Overwrite": True,
             "Description": f"Desired count of ECS service {name} before the scheduled stop"})

    def parameters(self, counts: dict[str, int]) -> None:
        params = [{"Name": f"{PREFIX}/{n}", "Value": str(c), "Type": "String"} for n, c in counts.items()]
        self.stubs["ssm"].add_response("get_parameters_by_path", {"Parameters": params},
                                       {"Path": PREFIX, "Recursive": False})

    def db_status(self, status: str) -> None:
        self.stubs["rds"].add_response(
            "describe_db_instances",
            {"DBInstances": [{"DBInstanceIdentifier": DB_ID, "DBInstanceArn": DB_ARN, "DBInstanceStatus": status}]},
            {"DBInstanceIdentifier": DB_ID})

    def stop_db(self) -> None:
        self.stubs["rds"].add_response("stop_db_instance", {"DBInstance": {"DBInstanceIdentifier": DB_ID}},
                                       {"DBInstanceIdentifier": DB_ID})

    def start_db(self) -> None:
        self.stubs["rds"].add_response("start_db_instance", {"DBInstance": {"DBInstanceIdentifier": DB_ID}},
                                       {"DBInstanceIdentifier": DB_ID})

    # --- the auto-stopped tag --------------------------------------------------------
    def tag_service(self, name: str) -> None:
        self.stubs["ecs"].add_response("tag_resource", {},
                                       {"resourceArn": service_arn(name), "tags": [{"key": TAG, "value": STOPPED_AT}]})

    def untag_service(self, name: str) -> None:
        self.stubs["ecs"].add_response("untag_resource", {}, {"resourceArn": service_arn(name), "tagKeys": [TAG]})

    def tag_db(self) -> None:
        self.stubs["rds"].add_response("add_tags_to_resource", {},
                                       {"ResourceName": DB_ARN, "Tags": [{"Key": TAG, "Value": STOPPED_AT}]})

    def untag_db(self) -> None:
        self.stubs["rds"].add_response("remove_tags_from_resource", {}, {"ResourceName": DB_ARN, "TagKeys": [TAG]})

    def tag_nat(self) -> None:
        self.stubs["ec2"].add_response("create_tags", {},
                                       {"Resources": [NAT_ID], "Tags": [{"Key": TAG, "Value": STOPPED_AT}]})

    def untag_nat(self) -> None:
        self.stubs["ec2"].add_response("delete_tags", {}, {"Resources": [NAT_ID], "Tags": [{"Key": TAG}]})

    def error(self, service: str, operation: str, code: str, message: str, params: dict[str, Any] | None,
              status: int = 400) -> None:
        self.stubs[service].add_client_error(operation, service_error_code=code, service_message=message,
                                             http_status_code=status, expected_params=params)

    def assert_all_used(self) -> None:
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()


class Invocation:
    def __init__(self, aws: Aws) -> None:
        self.aws = aws
        self.clock = FakeClock()
        self.stream = io.StringIO()
        self.client_factory_calls = 0

    def __call__(self, event: Any, env: dict[str, str] | None = None) -> dict[str, Any]:
        def factory() -> Clients:
            self.client_factory_calls += 1
            return self.aws.clients

        return run_invocation(event, env if env is not None else base_env(), factory,
                              clock=self.clock.clock, sleep=self.clock.sleep, stream=self.stream, now=lambda: NOW)

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


@pytest.fixture
def aws() -> Aws:
    return Aws()


@pytest.fixture
def invoke(aws: Aws) -> Invocation:
    return Invocation(aws)
