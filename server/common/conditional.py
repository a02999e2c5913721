"""ETags from revision numbers, and the `If-Match` check that refuses stale updates."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.request import Request

from server.common.exceptions import PreconditionFailed


def etag_for(revision: int) -> str:
    return f'"r{revision}"'


def if_match_check(request: Request, revision: int, current: Callable[[], dict[str, Any]]) -> None:
    """Raise 412 with the current representation when `If-Match` names another revision.

    Without an `If-Match` header the update goes ahead (the contract makes it optional).
    """
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    etag = etag_for(revision)
    if etag not in wanted:
        raise PreconditionFailed(current=current(), etag=etag)
