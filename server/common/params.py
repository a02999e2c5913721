"""Query parameters of the API: a bad value is a 400 in the field shape, never a silent default."""
from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def int_param(request: Request, name: str, *, default: int, low: int, high: int) -> int:
    """The whole number `name` of the query: `default` when absent or empty, at least `low`, at most `high`
    (a larger one is cut to `high`, as a page size is)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: ["A whole number is required."]}) from None
    if value < low:
        raise ValidationError({name: [f"Ensure this value is at least {low}."]})
    return min(value, high)
