"""stop: services to zero (count remembered, auto scaling suspended), then RDS, then NAT instances."""

from conftest import DB_ID, NAT_ID, STOPPED_AT, base_env

STOP = {"action": "stop", "environment": "dev"}
AAS = "application-autoscaling"


def test_stop_remembers_counts_suspends_scaling_scales_to_zero_then_stops_database(aws, invoke):
    aws.cluster()
    aws.list_services(["frontend", "product-service", "order-service"])
    aws.describe_services({"frontend": (1, 1), "product-service": (2, 2), "order-service": (1, 1)})
    aws.scalable_targets({"frontend": False, "product-service": False, "order-service": False})
    for name, count in (("frontend", 1), ("product-service", 2), ("order-service", 1)):
        aws.put_parameter(name, count)
        aws.suspend(name)
        aws.update_service(name, 0)
        aws.tag_service(name)
    aws.db_status("available")
    aws.stop_db()
    aws.tag_db()

    result = invoke(STOP)

    per_service = [("ssm", "PutParameter"), (AAS, "RegisterScalableTarget"), ("ecs", "UpdateService"),
                   ("ecs", "TagResource")]
    assert aws.calls == [
        ("ecs", "DescribeClusters"), ("ecs", "ListServices"), ("ecs", "DescribeServices"),
        (AAS, "DescribeScalableTargets"),
        *per_service, *per_service, *per_service,
        ("rds", "DescribeDBInstances"), ("rds", "StopDBInstance"), ("rds", "AddTagsToResource"),
    ]
    aws.assert_all_used()
    assert [(s["name"], s["outcome"], s.get("auto_stopped")) for s in result["steps"]] == [
        ("frontend", "scaled-to-zero", STOPPED_AT), ("product-service", "scaled-to-zero", STOPPED_AT),
        ("order-service", "scaled-to-zero", STOPPED_AT), (DB_ID, "stopping", STOPPED_AT),
    ]


def test_stop_also_stops_nat_instances_last(aws, invoke):
    aws.cluster()
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (1, 1)})
    aws.scalable_targets({}, asked=["frontend"])  # a service without auto scaling
    aws.put_parameter("frontend", 1)
    aws.update_service("frontend", 0)
    aws.tag_service("frontend")
    aws.db_status("available")
    aws.stop_db()
    aws.tag_db()
    aws.stubs["ec2"].add_response("stop_instances", {"StoppingInstances": []}, {"InstanceIds": [NAT_ID]})
    aws.tag_nat()

    invoke(STOP, base_env(NAT_INSTANCE_IDS=NAT_ID))

    assert (AAS, "RegisterScalableTarget") not in aws.calls
    assert aws.calls[-5:] == [("rds", "DescribeDBInstances"), ("rds", "StopDBInstance"), ("rds", "AddTagsToResource"),
                              ("ec2", "StopInstances"), ("ec2", "CreateTags")]
    aws.assert_all_used()


def test_stop_when_already_stopped_changes_nothing(aws, invoke):
    aws.cluster()
    aws.list_services(["frontend", "product-service"])
    aws.describe_services({"frontend": (0, 0), "product-service": (0, 0)})
    aws.scalable_targets({"frontend": True, "product-service": True})
    aws.db_status("stopped")

    result = invoke(STOP)

    assert aws.calls == [("ecs", "DescribeClusters"), ("ecs", "ListServices"), ("ecs", "DescribeServices"),
                         (AAS, "DescribeScalableTargets"), ("rds", "DescribeDBInstances")]
    aws.assert_all_used()
    assert [s["outcome"] for s in result["steps"]] == ["already-stopped", "already-stopped", "already-stopped"]


def test_stop_suspends_scaling_of_a_service_already_at_zero(aws, invoke):
    aws.cluster()
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (0, 0)})
    aws.scalable_targets({"frontend": False})
    aws.suspend("frontend")
    aws.db_status("stopped")

    result = invoke(STOP)

    assert result["steps"][0] == {"target": "ecs-service", "name": "frontend", "outcome": "already-stopped",
                                  "scaling_suspended": True}
    aws.assert_all_used()


def test_stop_restops_database_that_aws_restarted_after_seven_days(aws, invoke):
    # Services were already at zero; AWS started the stopped instance on its own.
    aws.cluster()
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (0, 0)})
    aws.scalable_targets({"frontend": True})
    aws.db_status("available")
    aws.stop_db()
    aws.tag_db()

    result = invoke(STOP)

    assert aws.calls[-3:] == [("rds", "DescribeDBInstances"), ("rds", "StopDBInstance"), ("rds", "AddTagsToResource")]
    assert result["steps"][-1]["outcome"] == "stopping"
    assert result["steps"][-1]["auto_stopped"] == STOPPED_AT  # the new stop's time, not the first one's
    aws.assert_all_used()


def test_stop_describes_services_in_batches_of_ten(aws, invoke):
    names = [f"svc-{i:02d}" for i in range(12)]
    aws.cluster()
    aws.list_services(names)
    aws.describe_services({n: (0, 0) for n in names[:10]})
    aws.describe_services({n: (0, 0) for n in names[10:]})
    aws.scalable_targets({}, asked=names)

    invoke(STOP, base_env(DB_INSTANCE_ID=""))

    assert aws.calls.count(("ecs", "DescribeServices")) == 2
    aws.assert_all_used()


def test_stop_logs_one_json_line_per_action(aws, invoke):
    aws.cluster()
    aws.list_services(["frontend"])
    aws.describe_services({"frontend": (1, 1)})
    aws.scalable_targets({"frontend": False})
    aws.put_parameter("frontend", 1)
    aws.suspend("frontend")
    aws.update_service("frontend", 0)
    aws.tag_service("frontend")
    aws.db_status("stopped")

    invoke(STOP)

    lines = invoke.log_lines()
    assert all(line["action"] == "stop" and line["environment"] == "dev" for line in lines)
    by_target = [(line.get("target"), line.get("outcome")) for line in lines]
    assert ("ecs-service", "scaled-to-zero") in by_target
    assert ("rds-instance", "already-stopped") in by_target
    assert lines[-1]["outcome"] == "succeeded"
    scaled = next(line for line in lines if line.get("outcome") == "scaled-to-zero")
    assert scaled["previous_desired_count"] == 1 and scaled["level"] == "INFO" and scaled["scaling_suspended"]
