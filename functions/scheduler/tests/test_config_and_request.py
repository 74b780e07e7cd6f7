"""Settings and event parsing: clear errors, no AWS call on bad input."""

import pytest

from conftest import base_env
from scheduler.config import Config
from scheduler.errors import ConfigError, RequestError
from scheduler.request import Action, parse_request


def test_defaults():
    config = Config.from_env({"CLUSTER_NAME": "c", "ENVIRONMENT": "dev"})
    assert config.db_instance_id is None
    assert config.nat_instance_ids == ()
    assert config.allow_production is False
    assert config.state_parameter_prefix == "/ecommerce/dev/scheduler/desired-count"
    assert config.start_wait_seconds == 600


def test_nat_instance_ids_are_a_comma_separated_list():
    config = Config.from_env({"CLUSTER_NAME": "c", "ENVIRONMENT": "dev", "NAT_INSTANCE_IDS": "i-1, i-2,"})
    assert config.nat_instance_ids == ("i-1", "i-2")


@pytest.mark.parametrize("env, message", [
    ({"ENVIRONMENT": "dev"}, "CLUSTER_NAME is required"),
    ({"CLUSTER_NAME": "c"}, "ENVIRONMENT is required"),
    ({"CLUSTER_NAME": "c", "ENVIRONMENT": "dev", "ALLOW_PRODUCTION": "yes"}, "ALLOW_PRODUCTION must be"),
    ({"CLUSTER_NAME": "c", "ENVIRONMENT": "dev", "START_WAIT_SECONDS": "ten"}, "must be an integer"),
    ({"CLUSTER_NAME": "c", "ENVIRONMENT": "dev", "START_WAIT_SECONDS": "900"}, "between 0 and 840"),
    ({"CLUSTER_NAME": "c", "ENVIRONMENT": "dev", "STATE_PARAMETER_PREFIX": "x/y"}, "must start with '/'"),
])
def test_bad_settings_name_the_variable(env, message):
    with pytest.raises(ConfigError, match=message):
        Config.from_env(env)


@pytest.mark.parametrize("event", [
    {"action": "stop", "environment": "dev"},
    '{"action": "STOP", "environment": "dev"}',
    {"source": "aws.scheduler", "detail": {"action": "stop", "environment": "dev"}},
])
def test_accepts_the_request_shapes(event):
    assert parse_request(event).action is Action.STOP


@pytest.mark.parametrize("event, message", [
    ({"action": "pause", "environment": "dev"}, "'action' must be 'stop' or 'start'"),
    ({"action": "stop"}, "'environment' is required"),
    ("not json", "not JSON"),
    (["stop"], "must be a JSON object"),
])
def test_rejects_bad_events(event, message):
    with pytest.raises(RequestError, match=message):
        parse_request(event)


def test_bad_settings_fail_before_any_client_is_made(invoke):
    with pytest.raises(ConfigError):
        invoke({"action": "stop", "environment": "dev"}, base_env(CLUSTER_NAME=""))
    assert invoke.client_factory_calls == 0
    line = invoke.log_lines()[-1]
    assert line["level"] == "ERROR" and "CLUSTER_NAME" in line["message"]
