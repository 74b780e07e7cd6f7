"""API errors: each failed step is reported by name and code; the other steps still run,
except that services are never started without an available database."""

import pytest

from conftest import CLUSTER, DB_ID, PREFIX

AAS = "application-autoscaling"
from scheduler.errors import ActionFailedError

STOP = {"action": "stop", "environment": "dev"}
START = {"action": "start", "environment": "dev"}


def test_throttled_update_of_one_service_does_not_stop_the_others(aws, invoke):
    aws.cluster()
    aws.list_services(["frontend", "product-service"])
    aws.describe_services({"frontend": (1, 1), "product-service": (1, 1)})
    aws.scalable_targets({"frontend": False, "product-service": False})
    aws.put_parameter("frontend", 1)
    aws.suspend("frontend")
    aws.error("ecs", "update_service", "ThrottlingException", "Rate exceeded",
              {"cluster": CLUSTER, "service": "frontend", "desiredCount": 0})
    aws.put_parameter("product-service", 1)
    aws.suspend("product-service")
    aws.update_service("product-service", 0)
    aws.tag_service("product-service")
    aws.db_status("available")
    aws.stop_db()
    aws.tag_db()

    with pytest.raises(ActionFailedError) as raised:
        invoke(STOP)

    assert raised.value.failures == [
        "ecs-service frontend: UpdateService failed with ThrottlingException: Rate exceeded"]
    assert ("ecs", "TagResource") in aws.calls  # only product-service, which was stopped
    assert aws.calls[-3:] == [("rds", "DescribeDBInstances"), ("rds", "StopDBInstance"), ("rds", "AddTagsToResource")]
    aws.assert_all_used()


def test_a_count_that_cannot_be_remembered_keeps_the_service_running(aws, invoke):
    aws.cluster()
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (1, 1)})
    aws.scalable_targets({"frontend": False})
    aws.error("ssm", "put_parameter", "ThrottlingException", "Rate exceeded", None)
    aws.db_status("stopped")

    with pytest.raises(ActionFailedError, match="PutParameter failed with ThrottlingException"):
        invoke(STOP)

    assert ("ecs", "UpdateService") not in aws.calls
    assert (AAS, "RegisterScalableTarget") not in aws.calls
    aws.assert_all_used()


def test_invalid_db_state_on_stop_is_reported_after_services_are_stopped(aws, invoke):
    aws.cluster()
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (1, 1)})
    aws.scalable_targets({}, asked=["frontend"])
    aws.put_parameter("frontend", 1)
    aws.update_service("frontend", 0)
    aws.tag_service("frontend")
    aws.db_status("available")
    aws.error("rds", "stop_db_instance", "InvalidDBInstanceState",
              "Instance ecom-dev-postgres is not in available state.", {"DBInstanceIdentifier": DB_ID})

    with pytest.raises(ActionFailedError) as raised:
        invoke(STOP)

    assert raised.value.failures == [f"rds-instance {DB_ID}: StopDBInstance failed with InvalidDBInstanceState: "
                                     "Instance ecom-dev-postgres is not in available state."]
    assert ("ecs", "UpdateService") in aws.calls
    aws.assert_all_used()


def test_database_in_a_transitional_state_is_not_stopped(aws, invoke):
    aws.cluster()
    aws.list_services([])
    aws.db_status("backing-up")

    with pytest.raises(ActionFailedError, match="cannot be stopped while 'backing-up'"):
        invoke(STOP)

    assert ("rds", "StopDBInstance") not in aws.calls


def test_throttled_listing_still_stops_the_database(aws, invoke):
    aws.cluster()
    aws.error("ecs", "list_services", "ThrottlingException", "Rate exceeded", {"cluster": CLUSTER})
    aws.db_status("available")
    aws.stop_db()
    aws.tag_db()

    with pytest.raises(ActionFailedError) as raised:
        invoke(STOP)

    assert len(raised.value.failures) == 1 and "ListServices failed" in raised.value.failures[0]
    assert aws.calls[-2:] == [("rds", "StopDBInstance"), ("rds", "AddTagsToResource")]
    aws.assert_all_used()


def test_invalid_db_state_on_start_leaves_services_untouched(aws, invoke):
    aws.cluster()
    aws.db_status("stopped")
    aws.error("rds", "start_db_instance", "InvalidDBInstanceState", "Instance is being modified",
              {"DBInstanceIdentifier": DB_ID})

    with pytest.raises(ActionFailedError, match="StartDBInstance failed with InvalidDBInstanceState"):
        invoke(START)

    assert aws.calls == [("ecs", "DescribeClusters"), ("rds", "DescribeDBInstances"), ("rds", "StartDBInstance")]
    aws.assert_all_used()


def test_throttled_parameter_read_on_start_is_reported(aws, invoke):
    aws.cluster()
    aws.db_status("available")
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (0, 0)})
    aws.scalable_targets({"frontend": True})
    aws.error("ssm", "get_parameters_by_path", "ThrottlingException", "Rate exceeded",
              {"Path": PREFIX, "Recursive": False})

    with pytest.raises(ActionFailedError, match="GetParametersByPath failed with ThrottlingException"):
        invoke(START)

    assert ("ecs", "UpdateService") not in aws.calls


def test_unknown_auto_scaling_state_leaves_services_alone_but_stops_the_database(aws, invoke):
    aws.cluster()
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (1, 1)})
    aws.error("autoscaling", "describe_scalable_targets", "ThrottlingException", "Rate exceeded", None)
    aws.db_status("available")
    aws.stop_db()
    aws.tag_db()

    with pytest.raises(ActionFailedError) as raised:
        invoke(STOP)

    assert len(raised.value.failures) == 1 and "DescribeScalableTargets failed" in raised.value.failures[0]
    assert ("ecs", "UpdateService") not in aws.calls
    assert aws.calls[-2:] == [("rds", "StopDBInstance"), ("rds", "AddTagsToResource")]
    aws.assert_all_used()


def test_a_missing_tagging_permission_fails_the_run_after_the_stop(aws, invoke):
    # The service and the database are stopped all the same; the run fails so the alarm tells.
    aws.cluster()
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (1, 1)})
    aws.scalable_targets({}, asked=["frontend"])
    aws.put_parameter("frontend", 1)
    aws.update_service("frontend", 0)
    aws.error("ecs", "tag_resource", "AccessDeniedException", "not authorized to perform: ecs:TagResource", None)
    aws.db_status("available")
    aws.stop_db()
    aws.tag_db()

    with pytest.raises(ActionFailedError) as raised:
        invoke(STOP)

    assert raised.value.failures == ["ecs-service frontend: TagResource failed with AccessDeniedException: "
                                     "not authorized to perform: ecs:TagResource"]
    assert ("rds", "StopDBInstance") in aws.calls
    aws.assert_all_used()
