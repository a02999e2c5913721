"""Query parameters of the API: a bad value is a 400 in the field shape, never a silent default."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def uuid_param(request: Request, name: str) -> Any:
    """The UUID `name` of the query (None when absent or empty); 400 in the field shape when it is not one."""
    raw = request.query_params.get(name) or None
    if raw is None:
        return None
    try:
        return serializers.UUIDField().run_validation(raw)
    except ValidationError as error:
        raise ValidationError({name: error.detail}) from None


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
