"""The production guard and the environment check run before any change."""

import pytest

from conftest import base_env
from scheduler.errors import ProductionGuardError, RequestError, SchedulerError

STOP = {"action": "stop", "environment": "dev"}


@pytest.mark.parametrize("tags", [{"Environment": "prod"}, {"environment": "Production"}])
def test_refuses_a_cluster_tagged_production(aws, invoke, tags):
    aws.cluster(tags)

    with pytest.raises(ProductionGuardError, match="ALLOW_PRODUCTION=true"):
        invoke(STOP)

    assert aws.calls == [("ecs", "DescribeClusters")]
    assert invoke.log_lines()[-1]["error_type"] == "ProductionGuardError"


def test_refuses_a_function_configured_for_production(aws, invoke):
    aws.cluster({})

    with pytest.raises(ProductionGuardError):
        invoke({"action": "stop", "environment": "prod"}, base_env(ENVIRONMENT="prod"))

    assert aws.calls == [("ecs", "DescribeClusters")]


def test_acts_on_production_when_allowed(aws, invoke):
    aws.cluster({"Environment": "prod"})
    aws.list_services([])
    aws.db_status("stopped")

    invoke({"action": "stop", "environment": "prod"}, base_env(ENVIRONMENT="prod", ALLOW_PRODUCTION="true"))

    assert aws.calls == [("ecs", "DescribeClusters"), ("ecs", "ListServices"), ("rds", "DescribeDBInstances")]
    aws.assert_all_used()


def test_refuses_an_event_for_another_environment_before_any_call(aws, invoke):
    with pytest.raises(RequestError, match="'staging' but this function manages 'dev'"):
        invoke({"action": "stop", "environment": "staging"})

    assert aws.calls == []


def test_reports_a_missing_cluster(aws, invoke):
    aws.stubs["ecs"].add_response(
        "describe_clusters",
        {"clusters": [], "failures": [{"arn": "arn:aws:ecs:us-east-1:123456789012:cluster/ecom-dev",
                                       "reason": "MISSING"}]},
        {"clusters": ["ecom-dev"], "include": ["TAGS"]})

    with pytest.raises(SchedulerError, match="'ecom-dev' was not found \\(MISSING\\)"):
        invoke(STOP)
