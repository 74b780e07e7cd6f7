"""Errors the scheduler raises; each message names what is wrong."""


class SchedulerError(Exception):
    """Base class: the invocation failed and nothing more will be done by it."""


class ConfigError(SchedulerError):
    """An environment variable of the function is missing or malformed."""


class RequestError(SchedulerError):
    """The invocation event is not a valid stop/start request."""


class ProductionGuardError(SchedulerError):
    """The target is a production environment and ALLOW_PRODUCTION is not true."""


class ActionFailedError(SchedulerError):
    """One or more steps of a stop or start failed; the others were still carried out."""

    def __init__(self, action: str, failures: list[str]) -> None:
        self.failures = list(failures)
        super().__init__(f"{action} finished with {len(failures)} failure(s): " + "; ".join(failures))
