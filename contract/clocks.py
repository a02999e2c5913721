"""The credentialing clocks (NCQA), declared once: recredentialing 36 months after the last verify decision,
with no grace; a verification's screening at most 120 days old (180 for decisions before 2025-07-01)."""
from __future__ import annotations

import calendar
from datetime import date

RECREDENTIAL_MONTHS = 36
SCREENING_MAX_DAYS = 120
SCREENING_MAX_DAYS_BEFORE = 180  # for decisions taken before SCREENING_RULE_FROM
SCREENING_RULE_FROM = date(2025, 7, 1)


def months_after(day: date, months: int) -> date:
    """`day` moved `months` months on; the 29th-31st of a shorter month is its last day (no grace beyond)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def recredential_due_on(verified_on: date) -> date:
    """The day recredentialing is due after a verify decision taken on `verified_on`."""
    return months_after(verified_on, RECREDENTIAL_MONTHS)


def screening_max_days(decided_on: date) -> int:
    """How old, in days, the last screening may be on the day of a credentialing decision."""
    return SCREENING_MAX_DAYS if decided_on >= SCREENING_RULE_FROM else SCREENING_MAX_DAYS_BEFORE
