"""Polls a condition until it holds or a deadline passes; the clock and sleep are injectable."""

from __future__ import annotations

from typing import Callable


class Deadline:
    def __init__(self, seconds: float, interval: float, clock: Callable[[], float],
                 sleep: Callable[[float], None]) -> None:
        self._end = clock() + seconds
        self._interval = interval
        self._clock = clock
        self._sleep = sleep

    def remaining(self) -> float:
        return max(0.0, self._end - self._clock())

    def wait_for(self, condition: Callable[[], bool]) -> bool:
        """True as soon as condition() holds; False once the deadline has passed."""
        while True:
            if condition():
                return True
            remaining = self.remaining()
            if remaining <= 0:
                return False
            self._sleep(min(self._interval, remaining))
