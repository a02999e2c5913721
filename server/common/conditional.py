"""Conditional requests: ETags, the `If-Match` check that refuses stale updates, `If-None-Match` for reads."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from server.common.exceptions import PreconditionFailed


def etag_for(revision: int) -> str:
    return f'"r{revision}"'


def etags(header: str) -> set[str]:
    """The entity tags an `If-Match` or `If-None-Match` header lists, weak ones compared as strong."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def if_match_check(header: str | None, revision: int, current: Callable[[], dict[str, Any]]) -> None:
    """Raise 412 with the current representation when `If-Match` names another revision.

    Without an `If-Match` header the update goes ahead (the contract makes it optional). Call it
    with the row locked, inside the writing transaction, so that two writers cannot both pass.
    """
    if not header or header.strip() == "*":
        return
    etag = etag_for(revision)
    if etag not in etags(header):
        raise PreconditionFailed(current=current(), etag=etag)


def not_modified(request: Request, etag: str) -> Response | None:
    """A 304 when the request's `If-None-Match` names `etag` (the client's copy is current), else None."""
    if etag in etags(request.headers.get("If-None-Match", "")):
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    return None
