"""The worklist's pieces without a server: registration times that sort as text, effective status, alert words."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from app.credentialing.worklist import LicenseAlert, days_left
from app.directory.query import ProviderRow
from app.directory.schema import sortable_time

times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.replace(tzinfo=UTC))


offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
precisions = st.sampled_from(["auto", "seconds", "milliseconds", "microseconds"])


def server_text(when: datetime, offset: timezone = UTC, precision: str = "auto") -> str:
    """A time as a server may write it: any offset, any precision, "Z" for UTC."""
    return when.astimezone(offset).isoformat(timespec=precision).replace("+00:00", "Z")


@given(times, times, offsets, offsets, precisions)
def test_registration_times_sort_as_text_like_the_times_themselves(
    a: datetime, b: datetime, a_offset: timezone, b_offset: timezone, precision: str
) -> None:
    a, b = (t.replace(microsecond=0) if precision == "seconds" else t for t in (a, b))
    if precision == "milliseconds":
        a, b = (t.replace(microsecond=t.microsecond // 1000 * 1000) for t in (a, b))
    left, right = sortable_time(server_text(a, a_offset, precision)), sortable_time(server_text(b, b_offset, precision))
    assert (left < right) == (a < b)
    assert (left == right) == (a == b)


def test_times_are_written_one_way() -> None:
    assert sortable_time("2026-11-25T10:00:00Z") == "2026-11-25T10:00:00.000000Z"
    assert sortable_time("2026-11-25T10:00:00.5Z") == "2026-11-25T10:00:00.500000Z"
    assert sortable_time("2026-11-25T12:00:00+02:00") == "2026-11-25T10:00:00.000000Z"
    assert sortable_time("not a time") == "not a time"


def test_days_left_counts_down_and_goes_negative() -> None:
    today = date(2026, 11, 25)
    assert days_left(today + timedelta(days=17), today) == 17
    assert days_left(today - timedelta(days=3), today) == -3
    assert days_left(None, today) is None


def row(name: str, expiry: str) -> ProviderRow:
    return ProviderRow("id-" + name, name, "Dr.", "Physician", "", "Clinic", "L-1", "verified", expiry, "a@b.c", True)


def test_alert_words() -> None:
    alert = LicenseAlert(expiring=5, soonest=(row("Ann Lee", "2026-12-01"), row("Bo Ng", "2026-12-03")),
                         pending=9, newly_pending=1)
    assert alert.text() == ("5 licenses expire within 30 days: Ann Lee (2026-12-01), Bo Ng (2026-12-03) and 3 more. "
                            "1 new license is waiting for verification (9 pending in all).")
    assert LicenseAlert(expiring=0, soonest=(), pending=4, newly_pending=0).empty
    one = LicenseAlert(expiring=1, soonest=(row("Ann Lee", "2026-12-01"),), pending=0, newly_pending=0)
    assert one.text() == "1 license expires within 30 days: Ann Lee (2026-12-01)."
