"""The change feed: every provider write after a cursor, exactly once, oldest first.

The cursor is the revision of the last change delivered. Revisions are unique and become
visible in increasing order (see models.RevisionCounter), so "revision > cursor" never skips a
change that commits later, and never repeats one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework.exceptions import ValidationError

from server.directory.models import Provider, ProviderTombstone
from server.directory.selectors import provider_rows

CURSOR_PREFIX = "r"


@dataclass(frozen=True)
class ChangesPage:
    results: list[dict[str, Any]]
    deleted: list[str]
    cursor: str
    has_more: bool


def cursor_parse(raw: str | None) -> int:
    if not raw:
        return 0
    if not raw.startswith(CURSOR_PREFIX) or not raw[1:].isdigit() or len(raw) > 20:
        raise ValidationError({"since": ["This cursor is not one this server gave out."]})
    return int(raw[1:])


def changes_page(*, since: int, limit: int) -> ChangesPage:
    """At most `limit` changes after revision `since`, providers and erasures merged by revision."""
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
        return ChangesPage([], [], f"{CURSOR_PREFIX}{since}", False)
    results = []
    for _, item in page:
        if isinstance(item, dict):
            del item["_revision"]
            results.append(item)
    return ChangesPage(
        results=results,
        deleted=[item for _, item in page if isinstance(item, str)],
        cursor=f"{CURSOR_PREFIX}{page[-1][0]}",
        has_more=has_more,
    )
