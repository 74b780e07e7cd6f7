"""start: NAT instances, then the database (waited for), then services (waited for)."""

import pytest

from conftest import DB_ID, NAT_ID, base_env
from scheduler.errors import ActionFailedError

START = {"action": "start", "environment": "dev"}
AAS = "application-autoscaling"


def test_start_restores_database_first_then_services_and_waits_for_health(aws, invoke):
    aws.cluster()
    aws.db_status("stopped")
    aws.start_db()
    aws.db_status("starting")
    aws.db_status("available")
    aws.untag_db()
    aws.list_services(["frontend", "product-service"])
    aws.describe_services({"frontend": (0, 0), "product-service": (0, 0)})
    aws.scalable_targets({"frontend": True, "product-service": True})
    aws.parameters({"frontend": 1, "product-service": 2})
    aws.update_service("frontend", 1)
    aws.untag_service("frontend")
    aws.suspend("frontend", False)
    aws.update_service("product-service", 2)
    aws.untag_service("product-service")
    aws.suspend("product-service", False)
    aws.describe_services({"frontend": (1, 0), "product-service": (2, 1)}, pending=1)
    aws.describe_services({"frontend": (1, 1), "product-service": (2, 2)})

    result = invoke(START)

    assert aws.calls == [
        ("ecs", "DescribeClusters"),
        ("rds", "DescribeDBInstances"), ("rds", "StartDBInstance"),
        ("rds", "DescribeDBInstances"), ("rds", "DescribeDBInstances"), ("rds", "RemoveTagsFromResource"),
        ("ecs", "ListServices"), ("ecs", "DescribeServices"), (AAS, "DescribeScalableTargets"),
        ("ssm", "GetParametersByPath"),
        ("ecs", "UpdateService"), ("ecs", "UntagResource"), (AAS, "RegisterScalableTarget"),
        ("ecs", "UpdateService"), ("ecs", "UntagResource"), (AAS, "RegisterScalableTarget"),
        ("ecs", "DescribeServices"), ("ecs", "DescribeServices"),
    ]
    aws.assert_all_used()
    assert invoke.clock.sleeps == [15, 15]
    assert result["healthy"] is True
    assert [(s["name"], s["outcome"]) for s in result["steps"]] == [
        (DB_ID, "starting"), (DB_ID, "available"),
        ("frontend", "restored"), ("product-service", "restored"),
        ("frontend", "healthy"), ("product-service", "healthy"),
    ]


def test_start_starts_nat_instances_before_the_database(aws, invoke):
    aws.cluster()
    aws.stubs["ec2"].add_response("start_instances", {"StartingInstances": []}, {"InstanceIds": [NAT_ID]})
    aws.untag_nat()
    aws.db_status("available")
    aws.untag_db()
    aws.list_services([])

    invoke(START, base_env(NAT_INSTANCE_IDS=NAT_ID))

    assert aws.calls == [("ecs", "DescribeClusters"), ("ec2", "StartInstances"), ("ec2", "DeleteTags"),
                         ("rds", "DescribeDBInstances"), ("rds", "RemoveTagsFromResource"), ("ecs", "ListServices")]
    aws.assert_all_used()


def test_start_when_already_running_changes_nothing(aws, invoke):
    aws.cluster()
    aws.db_status("available")
    aws.untag_db()
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (1, 1)})
    aws.scalable_targets({"frontend": False})
    aws.parameters({"frontend": 1})
    aws.describe_services({"frontend": (1, 1)})

    result = invoke(START)

    assert ("ecs", "UpdateService") not in aws.calls
    assert (AAS, "RegisterScalableTarget") not in aws.calls
    assert ("rds", "StartDBInstance") not in aws.calls
    assert invoke.clock.sleeps == []
    assert [s["outcome"] for s in result["steps"]] == ["already-available", "already-running", "healthy"]
    aws.assert_all_used()


def test_start_resumes_scaling_left_suspended_by_an_interrupted_start(aws, invoke):
    aws.cluster()
    aws.db_status("available")
    aws.untag_db()
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (1, 1)})
    aws.scalable_targets({"frontend": True})
    aws.parameters({"frontend": 1})
    aws.suspend("frontend", False)
    aws.describe_services({"frontend": (1, 1)})

    result = invoke(START)

    assert ("ecs", "UpdateService") not in aws.calls
    assert result["steps"][1]["scaling_resumed"] is True
    aws.assert_all_used()


def test_start_leaves_services_stopped_when_database_is_not_available_in_time(aws, invoke):
    aws.cluster()
    aws.db_status("stopped")
    aws.start_db()
    for _ in range(3):
        aws.db_status("starting")

    with pytest.raises(ActionFailedError, match="was not available within START_WAIT_SECONDS"):
        invoke(START, base_env(START_WAIT_SECONDS="30"))

    assert not any(service == "ecs" and op != "DescribeClusters" for service, op in aws.calls)
    assert invoke.clock.sleeps == [15, 15]
    aws.assert_all_used()


def test_start_leaves_a_service_without_remembered_count_at_zero(aws, invoke):
    aws.cluster()
    aws.db_status("available")
    aws.untag_db()
    aws.list_services(["frontend", "new-service"])
    aws.describe_services({"frontend": (0, 0), "new-service": (0, 0)})
    aws.scalable_targets({"frontend": True, "new-service": True})
    aws.parameters({"frontend": 1})
    aws.update_service("frontend", 1)
    aws.untag_service("frontend")
    aws.suspend("frontend", False)
    aws.describe_services({"frontend": (1, 1)})

    invoke(START)

    warning = next(line for line in invoke.log_lines() if line["level"] == "WARN")
    assert warning["name"] == "new-service" and warning["outcome"] == "no-remembered-count"
    aws.assert_all_used()


def test_start_reports_services_not_healthy_in_time_without_failing(aws, invoke):
    aws.cluster()
    aws.db_status("available")
    aws.untag_db()
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (0, 0)})
    aws.scalable_targets({}, asked=["frontend"])
    aws.parameters({"frontend": 1})
    aws.update_service("frontend", 1)
    aws.untag_service("frontend")
    aws.describe_services({"frontend": (1, 0)}, pending=1)
    aws.describe_services({"frontend": (1, 0)}, pending=1)

    result = invoke(START, base_env(START_WAIT_SECONDS="10"))

    assert result["healthy"] is False
    assert invoke.clock.sleeps == [10]
    assert any(line.get("outcome") == "not-yet-healthy" for line in invoke.log_lines())
    aws.assert_all_used()


def test_start_removes_the_tag_of_a_database_aws_started_on_its_own(aws, invoke):
    # Stopped and tagged, then started by AWS after 7 days: the start finds it available
    # and still removes the stale auto-stopped tag.
    aws.cluster()
    aws.db_status("available")
    aws.untag_db()
    aws.list_services([])

    result = invoke(START)

    assert ("rds", "StartDBInstance") not in aws.calls
    assert ("rds", "RemoveTagsFromResource") in aws.calls
    assert [s["outcome"] for s in result["steps"]] == ["already-available"]
    aws.assert_all_used()
