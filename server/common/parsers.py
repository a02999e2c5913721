"""The JSON parser of the API: a body nested too deeply is a 400, never a RecursionError (500)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request of the API nests deeper than a few levels; anything past this is refused before a
# serializer (or an error message built from it) recurses through it.
MAX_JSON_DEPTH = 64
TOO_DEEP = "JSON parse error - the body is nested too deeply."


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when `value` nests lists and objects more than `limit` levels deep (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, Mapping) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, Mapping | list))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested beyond MAX_JSON_DEPTH with a ParseError."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
              ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if json_depth_exceeds(data):
            raise ParseError(TOO_DEEP)
        return data
