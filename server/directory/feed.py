"""The change feed: every provider write after a cursor, exactly once, oldest first.

The cursor is the revision of the last change delivered. Revisions are unique and become
visible in increasing order (see models.RevisionCounter), so "revision > cursor" never skips a
change that commits later, and never repeats one.

A reader who may not see every provider (visibility.py) gets a change that takes a provider out
of its view as an erasure, in `deleted`. In a first walk (no cursor given) nothing has been seen
yet, so such changes are left out instead, up to the revision that was the newest when the walk
began (its horizon, carried in the cursor until the walk passes it): each row is delivered once,
at its newest revision, so a row hidden at a revision below the horizon was never delivered by
this walk, while one hidden later may have been.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rest_framework.exceptions import ValidationError

from server.directory.models import Provider, ProviderTombstone, RevisionCounter
from server.directory.selectors import provider_rows
from server.directory.visibility import STAFF, Audience, can_see, shown_to

CURSOR_PREFIX = "r"
_CURSOR = re.compile(r"r(\d{1,18})(?:\.(\d{1,18}))?")


@dataclass(frozen=True)
class Cursor:
    since: int
    horizon: int | None = None  # set during a first walk: see the module's docstring


@dataclass(frozen=True)
class ChangesPage:
    results: list[dict[str, Any]]
    deleted: list[str]
    cursor: str
    has_more: bool


def cursor_parse(raw: str | None) -> Cursor | None:
    """The cursor a client sent back; None for a first walk."""
    if not raw:
        return None
    match = _CURSOR.fullmatch(raw)
    if match is None:
        raise ValidationError({"since": ["This cursor is not one this server gave out."]})
    return Cursor(int(match[1]), int(match[2]) if match[2] else None)


def _cursor_text(since: int, horizon: int | None) -> str:
    if horizon is not None and since < horizon:
        return f"{CURSOR_PREFIX}{since}.{horizon}"
    return f"{CURSOR_PREFIX}{since}"


def _head_revision() -> int:
    return int(RevisionCounter.objects.filter(pk=1).values_list("value", flat=True).first() or 0)


def changes_page(*, cursor: Cursor | None, limit: int, audience: Audience = STAFF) -> ChangesPage:
    """At most `limit` changes after `cursor`, providers and erasures merged by revision, as `audience` sees them."""
    if cursor is None:
        cursor = Cursor(0, None if audience.staff else _head_revision())
    since, horizon = cursor.since, cursor.horizon
    changed = provider_rows(
        Provider.objects.filter(revision__gt=since).order_by("revision"),
        detail=True, limit=limit + 1, with_revision=True,
    )
    erased = list(
        ProviderTombstone.objects.filter(revision__gt=since)
        .order_by("revision")
        .values_list("revision", "provider_id")[: limit + 1]
    )
    merged: list[tuple[int, Any]] = [(row["_revision"], row) for row in changed]
    if erased:  # rare: erasures are few, and both lists are already in revision order
        merged = sorted(merged + [(rev, str(pk)) for rev, pk in erased], key=lambda pair: pair[0])
    page, has_more = merged[:limit], len(merged) > limit
    if not page:
        return ChangesPage([], [], _cursor_text(since, horizon), False)
    results, deleted = [], []
    for revision, item in page:
        if isinstance(item, str):
            deleted.append(item)
        elif can_see(audience, item):
            del item["_revision"]
            results.append(shown_to(audience, item))
        elif horizon is None or revision > horizon:
            deleted.append(item["id"])
    return ChangesPage(
        results=results,
        deleted=deleted,
        cursor=_cursor_text(page[-1][0], horizon),
        has_more=has_more,
    )
