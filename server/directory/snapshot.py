"""The directory snapshot: every provider a reader may see, at one revision, streamed as NDJSON.

A first fill walked the whole change feed before (100,000 providers: 20 pages of 5,000, each
built, rendered and parsed as objects with their keys). The snapshot sends the same values in a
fixed field order, one line per provider, from one streaming query, and a cursor the change feed
continues from (docs/api.md, "The directory snapshot").

Consistency: every read of a snapshot runs in one database transaction that sees one state of
the database. On SQLite (WAL) that is a deferred read transaction (`BEGIN`, not the IMMEDIATE
that writes use, so writers go on); on PostgreSQL REPEATABLE READ, READ ONLY. The revision
counter is read in it too, so the cursor names exactly the revision the rows are at: a write
committed later has a higher revision (models.RevisionCounter) and reaches the feed after it.

Memory: rows come `CHUNK_ROWS` at a time from a cursor that the database steps (SQLite) or a
server-side cursor (PostgreSQL); each chunk's hospitals and documents are read for its ids only,
and only a few snapshots build a chunk at the same moment (bodies.heavy, taken per chunk: a client
that reads slowly holds no place while its lines wait to be sent).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from django.db import connection, transaction
from django.db.models import F, Func, OuterRef, QuerySet, Subquery, TextField, UUIDField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from contract.choices import LicenseStatus
from server.common.bodies import heavy
from server.common.rows import money_text, raw_rows, stored_time, uuid_text
from server.credentialing.models import LicenseDocument
from server.directory.choices import full_name
from server.directory.feed import CURSOR_PREFIX
from server.directory.models import Hospital, Provider, RevisionCounter
from server.directory.outputs import PROVIDER_FIELDS, PUBLIC_FIELDS
from server.directory.selectors import PROVIDER_COLUMNS, provider_rows, today
from server.directory.visibility import Audience, shown_to, visible_providers

FORMAT = 1
CONTENT_TYPE = "application/x-ndjson"
CHUNK_ROWS = 1000
ORDER = ("sort_name", "id")
_VERIFIED = str(LicenseStatus.VERIFIED.value)
_EXPIRED = str(LicenseStatus.EXPIRED.value)
_TIMES = ("license_expiry_date", "updated_at", "created_at")
# the columns read, in the order _lines unpacks them (then "linked" and "document_id")
_COLUMNS = PROVIDER_COLUMNS
_COLUMNS_SQLITE = tuple(f"{name}_text" if name in _TIMES else name for name in _COLUMNS)
# PostgreSQL writes the values the API sends as text itself: psycopg's and Django's loading of
# 200,000 times, then isoformat(), took 1.5 s of the 3.5 s of a snapshot of 100,000 providers
_TEXT_POSTGRESQL = ("id", "license_expiry_date", "consultation_fee")
_COLUMNS_POSTGRESQL = tuple(f"{name}_text" if name in (*_TIMES, *_TEXT_POSTGRESQL) else name for name in _COLUMNS)
# a time as iso_datetime() writes it: UTC, "Z", microseconds only when there are some
_API_TIME_POSTGRESQL = (
    "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
    "to_char(%(expressions)s, 'US') = '000000' THEN '' ELSE '.' || to_char(%(expressions)s, 'US') END || 'Z'"
)


def fields_for(audience: Audience) -> tuple[str, ...]:
    """The fields of every row the audience gets, in the Provider's declared order (outputs.py); its own
    record's private ones go in the header."""
    return PROVIDER_FIELDS if audience.staff else PUBLIC_FIELDS


@contextmanager
def read_snapshot() -> Iterator[None]:
    """One transaction that sees one state of the database, for reads only (the snapshot; FHIR's $export)."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                # compiling this query took 0.5 s of its 0.9 s (its cost looks high to the planner)
                cursor.execute("SET LOCAL jit = off")
            yield
        return
    # SQLite: Django's atomic() would BEGIN IMMEDIATE (the write lock, settings.py) and stop every
    # writer for as long as the stream lasts; a deferred BEGIN is a read transaction from its
    # first SELECT on, and in WAL mode writers go on beside it.
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise RuntimeError("a snapshot needs a transaction of its own")
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")  # nothing was written: this only ends the read transaction


def _hospital_lists() -> Callable[[str | None], list[dict[str, str]]]:
    """A function from a row's linked hospital ids (text, comma-separated) to its hospitals, sorted by name.

    Hospitals are few (the table is read whole); one list is shared by every row with the same links.
    """
    rows, _ = raw_rows(Hospital.objects.all(), ("id", "name", "city"))
    by_id = {uuid_text(str(pk)): {"id": uuid_text(str(pk)), "name": name, "city": city} for pk, name, city in rows}
    known: dict[str, list[dict[str, str]]] = {}

    def lists(linked: str | None) -> list[dict[str, str]]:
        if linked is None:
            return []
        found = known.get(linked)
        if found is None:
            found = sorted((by_id[uuid_text(part)] for part in linked.split(",")),
                           key=lambda hospital: hospital["name"])
            known[linked] = found
        return found

    return lists


def _linked_hospitals_sql() -> RawSQL:
    """A provider's hospital ids, comma-separated, as a correlated subquery (an index seek per provider)."""
    quote = connection.ops.quote_name
    links, provider = quote(Provider.hospitals.through._meta.db_table), quote(Provider._meta.db_table)
    ids = "string_agg(hospital_id::text, ',')" if connection.vendor == "postgresql" else "group_concat(hospital_id)"
    return RawSQL(f"SELECT {ids} FROM {links} WHERE provider_id = {provider}.{quote('id')}", [])


def _documents(ids: list[Any]) -> dict[Any, dict[str, Any]]:
    """The facts of the license documents of `ids` (their primary keys, as the database gave them), by id."""
    if not ids:
        return {}
    rows, tz = raw_rows(LicenseDocument.objects.filter(pk__in=ids),
                        ("id", "content_type", "size", "sha256", "uploaded_at"))
    return {pk: {"content_type": content_type, "size": size, "sha256": sha256,
                 "uploaded_at": stored_time(uploaded_at, tz)}
            for pk, content_type, size, sha256, uploaded_at in rows}


def _sqlite_time(text: str) -> str:
    """A time as SQLite holds it (text, UTC: "2025-07-11 17:52:26.606980") in the API's form."""
    return f"{text[:10]}T{text[11:]}Z"


def _query(audience: Audience) -> QuerySet[Any, Any]:
    """The visible providers in the cache's order: _COLUMNS, their hospitals' ids and newest document's id."""
    queryset = visible_providers(audience).order_by(*ORDER).annotate(linked=_linked_hospitals_sql())
    if audience.staff:
        newest = LicenseDocument.objects.filter(provider=OuterRef("pk")).order_by("-uploaded_at")
        queryset = queryset.annotate(document_id=Subquery(newest.values("id")[:1]))
    else:
        queryset = queryset.annotate(document_id=Value(None, output_field=UUIDField()))
    if connection.vendor == "sqlite":
        # the text as stored, past sqlite3's converters (parsing every date and time took a third of the time)
        queryset = queryset.annotate(**{f"{name}_text": Cast(name, TextField()) for name in _TIMES})
        return queryset.values_list(*_COLUMNS_SQLITE, "linked", "document_id")
    queryset = queryset.annotate(
        **{f"{name}_text": Cast(name, TextField()) for name in ("license_expiry_date", *_TEXT_POSTGRESQL)},
        **{f"{name}_text": Func(F(name), template=_API_TIME_POSTGRESQL, output_field=TextField())
           for name in ("updated_at", "created_at")},
    )
    return queryset.values_list(*_COLUMNS_POSTGRESQL, "linked", "document_id")


def _lines(audience: Audience, chunk: list[tuple[Any, ...]], sqlite: bool, on: str,
           hospitals: Callable[[str | None], list[dict[str, str]]], documents: dict[Any, dict[str, Any]]) -> bytes:
    """The lines of `chunk`'s providers: their values in `fields_for(audience)` order, encoded as the feed does.

    Dates and times come as text from both databases; SQLite's ids, times and fees still need their form.
    """
    staff, dumps, lines = audience.staff, orjson.dumps, []
    same: Callable[[Any], Any] = lambda value: value  # noqa: E731 (PostgreSQL's text is the API's already)
    ident, when, fee_text = (uuid_text, _sqlite_time, money_text) if sqlite else (same, same, same)
    for (pk, title, first, last, email, phone, organization, role, specialization, license_number, status, expiry,
         active, updated, note, information, years, fee, bio, created, clinic, address, npi, linked,
         document_id) in chunk:
        if status == _VERIFIED and expiry is not None and expiry < on:  # the effective status, as the feed's
            status = _EXPIRED
        values = [ident(pk), title, first, last, full_name(title, first, last), email, phone, organization, role,
                  specialization, license_number, status, expiry, bool(active), when(updated), status == _VERIFIED]
        if staff:
            document = documents.get(document_id) if document_id is not None else None
            values += [document is not None, document, note, information]
        values += [years, fee_text(fee), bio, hospitals(linked), when(created)]
        if staff:
            values += [clinic, address]
        values.append(npi)
        lines.append(dumps(values))
    lines.append(b"")
    return b"\n".join(lines)


def _own(audience: Audience) -> dict[str, Any] | None:
    """The provider's own whole record as the feed gives it, when it may see it (always: it is its own)."""
    if audience.staff or audience.own_id is None:
        return None
    rows = provider_rows(Provider.objects.filter(pk=audience.own_id), detail=True)
    return shown_to(audience, rows[0]) if rows else None


def snapshot_lines(audience: Audience) -> Iterator[bytes]:
    """The header, one line per visible provider in name order, then the trailer; all from one snapshot.

    A generator: the transaction opens at the first `next()` and closes when the generator ends
    or is closed (the client went away), so it spans the whole streamed answer.
    """
    with read_snapshot():
        head = int(RevisionCounter.objects.filter(pk=1).values_list("value", flat=True).first() or 0)
        count = visible_providers(audience).count()
        fields = fields_for(audience)
        header: dict[str, Any] = {"format": FORMAT, "fields": fields, "cursor": f"{CURSOR_PREFIX}{head}",
                                  "count": count}
        if not audience.staff:
            header["own"] = _own(audience)
        yield orjson.dumps(header) + b"\n"
        hospitals = _hospital_lists()
        sqlite = connection.vendor == "sqlite"
        on = today().isoformat()  # dates come as ISO text, which compares as the dates do
        sent = 0
        sql, params = _query(audience).query.sql_with_params()
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while True:
                # a chunk's rows become lines a few snapshots at a time (bodies.heavy): 8 snapshots
                # read at once held 8 chunks of row objects, 220 MB over the 146 MB of one
                with heavy:
                    chunk = cursor.fetchmany(CHUNK_ROWS)
                    if not chunk:
                        break
                    documents = _documents([row[-1] for row in chunk if row[-1] is not None])
                    lines = _lines(audience, chunk, sqlite, on, hospitals, documents)
                    sent += len(chunk)
                    del chunk, documents
                yield lines
        yield orjson.dumps({"end": True, "count": sent}) + b"\n"

