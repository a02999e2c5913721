"""Answers computed from the whole directory, kept until the directory changes: cached by its revision.

Every provider write takes a new revision in its own transaction (models.RevisionCounter), and so
does everything an aggregate of the directory shows: an audit event or a notification is written
in the transaction of the provider write it belongs to, hospital links and renames take revisions
of their own (signals.py). So a value cached under revision R was computed from a state at least
as new as R (the revision is read first, the value after), and a reader who has seen its own write
committed reads a revision at least as new as that write's, and takes only a value stamped with
exactly that revision: no one is shown an answer from before their own change, on any process or
machine. The stamp also names the day (licenses expire at midnight), and the key the database (one
Redis may serve several, as the tests' servers share one).

The cache is Django's default: Redis when REDIS_URL is set, so what one process computed serves
every other; else this process's memory.
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from server.directory.models import RevisionCounter
from server.directory.selectors import today

KEEP_SECONDS = 300  # an entry unused this long goes
T = TypeVar("T")


def _database() -> str:
    database = settings.DATABASES["default"]
    where = f"{database['ENGINE']}|{database.get('HOST', '')}|{database.get('PORT', '')}|{database['NAME']}"
    return hashlib.sha256(where.encode()).hexdigest()[:12]


DATABASE = _database()


@functools.cache
def _revision_sql() -> str:
    quote = connection.ops.quote_name
    return f"SELECT {quote('value')} FROM {quote(RevisionCounter._meta.db_table)} WHERE {quote('id')} = 1"


def directory_revision() -> int:
    """The revision of the newest committed provider write (0 before the first).

    Plain SQL written once: asked at every cached read, the ORM's query cost more to compile than to run.
    """
    with connection.cursor() as cursor:
        cursor.execute(_revision_sql())
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def cached(name: str, build: Callable[[], T], *parts: str) -> T:
    """`build()`'s value for the directory as it is now, computed once per revision, day and `parts`.

    One entry per `name` and `parts`, stamped with the revision and day it was computed for: a new
    revision replaces the entry instead of adding one beside it, so what the cache holds grows with
    the questions asked, not with the writes made (17 a second under `bench load`).
    """
    slot = f"directory:{DATABASE}:{name}:{':'.join(parts)}"
    stamp = (directory_revision(), today().isoformat())
    found = cache.get(slot)
    if found is not None and found[0] == stamp:
        return found[1]
    value = build()
    cache.set(slot, (stamp, value), KEEP_SECONDS)
    return value


def query_key(params: object, leave_out: tuple[str, ...] = ("page", "page_size")) -> str:
    """A request's query parameters as a key part (in a fixed order), without `leave_out`."""
    items = sorted((key, value) for key, values in params.lists() for value in values
                   if key not in leave_out)
    return hashlib.sha256(repr(items).encode()).hexdigest()[:16]
