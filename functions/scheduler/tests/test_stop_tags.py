"""The auto-stopped tag's value: the stop time in UTC, ISO 8601."""

from datetime import datetime, timedelta, timezone

import pytest

from scheduler.stop_tags import stamp


def test_stamp_is_utc_iso_8601_whatever_the_zone_of_the_clock():
    new_york_winter = timezone(timedelta(hours=-5))
    assert stamp(datetime(2026, 12, 7, 18, 0, 0, tzinfo=new_york_winter)) == "2026-12-07T23:00:00Z"
    assert stamp(datetime(2026, 7, 6, 22, 0, 5, 999, tzinfo=timezone.utc)) == "2026-07-06T22:00:05Z"


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        stamp(datetime(2026, 12, 7, 18, 0, 0))
