"""Rows as the database driver returns them, and their values in the forms the API writes.

Django's per-value converters (UUID objects, aware datetimes, decimals) took two thirds of the
change feed's time; the readers of many rows take them raw and convert the few columns they send.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def raw_rows(queryset: QuerySet[Any, Any], fields: tuple[str, ...]) -> tuple[list[tuple[Any, ...]], tzinfo]:
    """`queryset`'s `fields` as the database driver returns them, and the time zone of naive times."""
    values = queryset.values_list(*fields)
    connection = connections[values.db]
    tz = connection.timezone or UTC
    try:
        sql, params = values.query.sql_with_params()
    except EmptyResultSet:
        return [], tz
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall(), tz


def iso_datetime(value: datetime) -> str:
    """An aware time in ISO form, UTC written "Z" (as DRF writes it)."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def stored_time(value: datetime, tz: tzinfo) -> str:
    """A time as the driver returns it, in ISO form; SQLite's are naive, in the connection's time zone (`tz`)."""
    if value.tzinfo is None:
        if tz is UTC:
            return value.isoformat() + "Z"
        value = value.replace(tzinfo=tz)
    return iso_datetime(value)


def uuid_text(value: Any) -> str:
    """An id as the API writes it: SQLite hands back 32 hex digits, PostgreSQL a UUID."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


def money_text(value: Any) -> str:
    """An amount with two decimals, from a Decimal, a number or the driver's text."""
    return f"{value if isinstance(value, Decimal | int | float) else Decimal(value):.2f}"
