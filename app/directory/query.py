"""What the directory asks of its cache, as SQL: search, filters, orders, and the worklist's queues.

Pure text building (no I/O): `cache.py` runs what these functions write. The effective
license status ("expired" once a verified license's date has passed) is computed here, in SQL
conditions the indexes can serve, and in `row_of` for each row read. Every query is limited to
what its `Viewer` may see (least privilege: a provider sees the credentialed providers and itself).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any

from app.directory.schema import SEARCHABLE

FACETS = ("professional_role", "professional_title", "specialization", "organization_facility")  # filters
SORT_KEYS = ("name", "professional_role", "specialization", "organization_facility", "license_number",
             "license_status", "license_expiry_date", "email")
# the credentialing worklist's orders (the server's queue): registration, or expiry then registration
# ties broken by id, as the server's queue does (never by name: that would differ from the server)
WORKLIST_KEYS = {"created_at": ("created_at", "id"), "expiry_created": ("license_expiry_date", "created_at", "id")}
MAX_WORDS = 8
_WORD = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer keeps as one token
_EFFECTIVE_STATUS = ("CASE WHEN p.license_status = 'verified' AND p.license_expiry_date < :today "
                     "THEN 'expired' ELSE p.license_status END")

# the effective status as conditions the indexes on status and expiry serve (not one CASE per row)
_STATUS_CONDITIONS = {
    "expired": "(p.license_status = 'expired' OR (p.license_status = 'verified' AND p.license_expiry_date < :today))",
    "verified": "p.license_status = 'verified' AND (p.license_expiry_date IS NULL OR p.license_expiry_date >= :today)",
}


# the directory of credentialed providers (docs/api.md, "What each role sees of the directory"): a
# provider's cache may still hold a row that left it, as a license passes its expiry date with no
# change on the server; `:own` is the viewer's own provider id ('' for none, never NULL: NOT NULL is NULL)
_VISIBLE = ("(p.id = :own OR (p.is_active = 1 AND p.license_status = 'verified' "
            "AND (p.license_expiry_date IS NULL OR p.license_expiry_date >= :today)))")


@dataclass(frozen=True)
class Viewer:
    """Who reads a cache: staff see every provider; anyone else (a provider) sees the credentialed
    providers (active, license verified and not past its expiry date) and its own record."""

    staff: bool = True
    own_id: str | None = None  # the viewer's own provider record, when it has one


STAFF = Viewer()


def hidden_sql(viewer: Viewer) -> tuple[str, dict[str, Any]]:
    """The SQL of the rows (rid, id) `viewer` may not see; it selects nothing for staff."""
    params = {"today": date.today().isoformat(), "own": viewer.own_id or ""}
    if viewer.staff:
        return "SELECT rid, id FROM providers WHERE 0", params
    return f"SELECT p.rid, p.id FROM providers p WHERE NOT {_VISIBLE}", params


def visible_where(viewer: Viewer) -> tuple[str, dict[str, Any]]:
    """The SQL condition on `p` (providers) of the rows `viewer` may see, and its parameters."""
    params = {"today": date.today().isoformat(), "own": viewer.own_id or ""}
    return ("1" if viewer.staff else _VISIBLE), params


def visible_sql(viewer: Viewer) -> tuple[str, dict[str, Any]]:
    """The SQL that answers a row (1) when `viewer` may see provider `:id`, nothing when not."""
    params = {"today": date.today().isoformat(), "own": viewer.own_id or ""}
    condition = "" if viewer.staff else f" AND {_VISIBLE}"
    return f"SELECT 1 FROM providers p WHERE p.id = :id{condition}", params


@dataclass(frozen=True)
class DirectoryQuery:
    """What the directory shows: search text, filters and order."""

    text: str = ""
    professional_role: str | None = None
    professional_title: str | None = None
    specialization: str | None = None
    organization_facility: str | None = None
    hospital_id: str | None = None
    license_status: str | None = None  # effective: "expired" includes verified-with-past-expiry
    expiring_within: int | None = None  # effective verified licenses expiring within this many days
    registered_after: str | None = None  # an ISO UTC time ("...T10:42:00.000000Z")
    screening: str | None = None  # providers with an open screening flag of this kind (staff's caches only)
    # "due": recredentialing due within `recredential_within` days (from today); "overdue": its day has passed
    recredential: str | None = None
    recredential_within: int = 90
    is_active: bool | None = True  # None: all
    order_by: str = "name"  # "name" (last, first, id), one of SORT_KEYS or of WORKLIST_KEYS
    descending: bool = False


# The providers an appointment can be booked with (docs/api.md, "Appointments"): active, with a license that is
# verified and not past its expiry (the effective status), as the server's booking rule.
BOOKABLE = DirectoryQuery(license_status="verified", is_active=True)


@dataclass(frozen=True, slots=True)
class ProviderRow:
    """One table row, with the effective license status."""

    id: str
    full_name: str
    professional_title: str
    professional_role: str
    specialization: str
    organization_facility: str
    license_number: str
    license_status: str
    license_expiry_date: str | None
    email: str
    is_active: bool
    created_at: str = ""  # as stored: sortable ISO UTC text


ROW_COLUMNS = tuple(field.name for field in fields(ProviderRow))
_STATUS, _EXPIRY, _ACTIVE = (ROW_COLUMNS.index(name) for name in ("license_status", "license_expiry_date", "is_active"))


def match_expression(text: str, is_active: bool | None) -> str | None:
    """The FTS5 query for `text` (every word a prefix) and the active flag; None when neither applies.

    Words are taken as the tokenizer would split them and quoted, so no user text is FTS syntax. The
    active are the matches NOT flagged inactive: the inactive are few, and intersecting with the
    active's flag (nearly every row) made a count of 's' at a million 3 to 6 times slower. The words
    are kept to the searchable columns only when one of them would also match a flag ("a", "a1").
    """
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())[:MAX_WORDS]
    if not words:
        return None
    terms = " AND ".join(f'"{word}"*' for word in words)
    if any(flag.startswith(word) for word in words for flag in _FLAGS):
        terms = f"{{{' '.join(SEARCHABLE)}}} : ({terms})"
    elif len(words) > 1:
        terms = f"({terms})"
    if is_active is None:
        return terms
    return f'{terms} {"NOT" if is_active else "AND"} flags : "a0"'


# the search index's flags column holds "a1" for an active provider, "a0" for the others (schema.py)
_FLAGS = ("a0", "a1")


def row_of(values: tuple[Any, ...], today: str) -> ProviderRow:
    """The row of ROW_COLUMNS' `values`, with the effective license status as of `today`."""
    row = list(values)
    if row[_STATUS] == "verified" and row[_EXPIRY] is not None and row[_EXPIRY] < today:
        row[_STATUS] = "expired"
    row[_ACTIVE] = bool(row[_ACTIVE])
    return ProviderRow(*row)


def conditions(query: DirectoryQuery, match: str | None, viewer: Viewer = STAFF) -> tuple[list[str], dict[str, Any]]:
    """The WHERE terms of `query`'s filters and of what `viewer` may see (joined with AND) and their
    parameters; `match` is its FTS expression, which carries the active flag itself when there is one."""
    where: list[str] = []
    params: dict[str, Any] = {"today": date.today().isoformat()}
    if not viewer.staff:
        where.append(_VISIBLE)
        params["own"] = viewer.own_id or ""
    for name in FACETS:
        if (value := getattr(query, name)) is not None:
            where.append(f"p.{name} = :{name}")
            params[name] = value
    if query.license_status is not None:
        where.append(_STATUS_CONDITIONS.get(query.license_status, "p.license_status = :status"))
        params["status"] = query.license_status
    if query.expiring_within is not None:
        where.append("p.license_status = 'verified' AND p.license_expiry_date >= :today "
                     "AND p.license_expiry_date <= :horizon")
        params["horizon"] = (date.today() + timedelta(days=query.expiring_within)).isoformat()
    if query.registered_after is not None:
        where.append("p.created_at > :registered_after")
        params["registered_after"] = query.registered_after
    if query.screening is not None:
        where.append("p.id IN (SELECT f.provider_id FROM screening_flags f WHERE f.kind = :screening "
                     "AND f.decision IS NULL)")
        params["screening"] = query.screening
    if query.recredential == "overdue":
        where.append("p.id IN (SELECT r.provider_id FROM recredentialing r WHERE r.due < :today)")
    elif query.recredential == "due":
        where.append("p.id IN (SELECT r.provider_id FROM recredentialing r WHERE r.due >= :today "
                     "AND r.due <= :recredential_horizon)")
        params["recredential_horizon"] = (date.today() + timedelta(days=query.recredential_within)).isoformat()
    if query.hospital_id is not None:
        where.append("p.rid IN (SELECT l.rid FROM hospitals h JOIN provider_hospitals l ON l.hid = h.hid "
                     "WHERE h.id = :hospital)")
        params["hospital"] = query.hospital_id
    if query.is_active is not None and match is None:
        # two values: the index helps the name order and counts, never another sort key's order (the
        # worklist's indexes hold it, after the status)
        plain = query.order_by == "name" or query.order_by in WORKLIST_KEYS
        where.append(("p" if plain else "+p") + ".is_active = :active")
        params["active"] = int(query.is_active)
    return where, params

def order_clause(query: DirectoryQuery) -> str:
    """The ORDER BY of `query`: name order is the rowid; other keys fall back on it, worklist keys on id."""
    way = " DESC" if query.descending else ""
    if query.order_by in WORKLIST_KEYS:
        return ", ".join(f"p.{column}{way}" for column in WORKLIST_KEYS[query.order_by])
    if query.order_by not in SORT_KEYS:
        raise ValueError(f"unknown sort key {query.order_by!r}")
    if query.order_by == "name":
        return f"p.rid{way}"
    column = _EFFECTIVE_STATUS if query.order_by == "license_status" else f"p.{query.order_by}"
    return f"{column}{way}, p.rid{way}"


def count_sql(query: DirectoryQuery, viewer: Viewer = STAFF, cap: int | None = None) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters that count the providers `query` matches (of those `viewer` may see);
    with `cap`, up to `cap` of them (a count that stops early, for a first answer at once)."""
    match = match_expression(query.text, query.is_active)
    where, params = conditions(query, match, viewer)
    if match is None and query.license_status == "expired":  # two index-only counts: never capped
        stored, past = _expired_arms(query, "count(*)", viewer, ordered=False)
        return f"SELECT ({stored}) + ({past})", {**params, "match": match}
    if match is not None and not where:
        source = "providers_fts WHERE providers_fts MATCH :match"
    else:
        if match is not None:
            where.insert(0, "p.rid IN (SELECT rowid FROM providers_fts WHERE providers_fts MATCH :match)")
        source = "providers p" + (" WHERE " + " AND ".join(where) if where else "")
    if cap is None:
        return f"SELECT count(*) FROM {source}", {**params, "match": match}
    return f"SELECT count(*) FROM (SELECT 1 FROM {source} LIMIT :cap)", {**params, "match": match, "cap": cap}


def rows_sql(query: DirectoryQuery, offset: int, limit: int, viewer: Viewer = STAFF) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of the rows `offset` to `offset + limit` of `query`'s result, in its order
    (of the rows `viewer` may see)."""
    match = match_expression(query.text, query.is_active)
    where, params = conditions(query, match, viewer)
    order = order_clause(query)
    columns = ", ".join(f"p.{c}" for c in ROW_COLUMNS)
    params.update(match=match, offset=max(0, offset), limit=max(0, limit))
    if match is None and query.license_status == "expired" and query.order_by in WORKLIST_KEYS:
        sql = _expired_rows(query, columns, viewer)
    elif match is not None and not where and query.order_by == "name":
        way = " DESC" if query.descending else ""
        sql = (f"SELECT {columns} FROM (SELECT rowid AS r FROM providers_fts WHERE providers_fts MATCH :match "
               f"ORDER BY rowid{way} LIMIT :limit OFFSET :offset) m JOIN providers p ON p.rid = m.r "
               f"ORDER BY {order}")
    else:
        if match is not None:
            where.insert(0, "p.rid IN (SELECT rowid FROM providers_fts WHERE providers_fts MATCH :match)")
        condition = " WHERE " + " AND ".join(where) if where else ""
        sql = f"SELECT {columns} FROM providers p{condition} ORDER BY {order} LIMIT :limit OFFSET :offset"
    return sql, params

def _expired_arms(query: DirectoryQuery, columns: str, viewer: Viewer, *, ordered: bool) -> tuple[str, str]:
    """The two kinds of expired license as two queries: stored expired, and verified past the date.

    Read apart, each uses the worklist's indexes; as one OR, SQLite walks every active row. When
    `ordered`, the date test is kept off the index (`+`), so the second arm too reads in queue order.
    """
    where, _ = conditions(replace(query, license_status=None), None, viewer)
    rest = "".join(f" AND {condition}" for condition in where)
    past = "+p.license_expiry_date < :today" if ordered else "p.license_expiry_date < :today"
    return (f"SELECT {columns} FROM providers p WHERE p.license_status = 'expired'{rest}",
            f"SELECT {columns} FROM providers p WHERE p.license_status = 'verified' AND {past}{rest}")

def _expired_rows(query: DirectoryQuery, columns: str, viewer: Viewer) -> str:
    """Expired in a worklist order: both arms read in index order and merged (SQLite merges the
    ordered arms of a UNION ALL with ORDER BY; one OR would read and sort them all)."""
    keys = ", ".join(f"{ROW_COLUMNS.index(c) + 1}{' DESC' if query.descending else ''}"
                     for c in WORKLIST_KEYS[query.order_by])
    stored, past = _expired_arms(query, columns, viewer, ordered=True)
    return f"{stored} UNION ALL {past} ORDER BY {keys} LIMIT :limit OFFSET :offset"
