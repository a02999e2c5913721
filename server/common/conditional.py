"""ETags from revision numbers, and the `If-Match` check that refuses stale updates."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.common.exceptions import PreconditionFailed


def etag_for(revision: int) -> str:
    return f'"r{revision}"'


def if_match_check(header: str | None, revision: int, current: Callable[[], dict[str, Any]]) -> None:
    """Raise 412 with the current representation when `If-Match` names another revision.

    Without an `If-Match` header the update goes ahead (the contract makes it optional). Call it
    with the row locked, inside the writing transaction, so that two writers cannot both pass.
    """
    if not header or header.strip() == "*":
        return
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    etag = etag_for(revision)
    if etag not in wanted:
        raise PreconditionFailed(current=current(), etag=etag)
