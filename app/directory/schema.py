"""The provider's shape in the cache, declared once: its fields, how each is stored, searched and checked.

Everything else is derived from `FIELDS`: the providers table, the search index and the first fill's
staging table (cache.py, staging.py), the record kept beside each row, the checks of what the server
sent (`Reader`: the change feed, the snapshot and the list walk alike), and the provider read back.
Adding a field is one line here; the cache's stored shape then differs (cache.SHAPE) and an older
file is rebuilt, never misread.
"""
from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from app.api.errors import BadResponseError
from contract.names import SEPARATOR, sort_name


def sortable_time(text: str) -> str:
    """An ISO time as text that sorts like the time: UTC, microseconds, "Z" ("...T10:42:00.000000Z").

    The server's usual spellings take a fast path; any other offset or precision is parsed. Text
    that is not a time is kept as it is (it then sorts by its text).
    """
    if len(text) == 27 and text[19] == "." and text[26] == "Z":
        return text
    if len(text) == 20 and text[19] == "Z":
        return f"{text[:-1]}.000000Z"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return text
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def name_key(first: str, last: str, provider_id: str) -> str:
    """The sort key of the name order: the server's (contract/names.py), then the id."""
    return f"{sort_name(first, last)}{SEPARATOR}{provider_id}"


def _flag(value: Any) -> int:
    return 1 if value else 0


@dataclass(frozen=True)
class Kind:
    """How a field is kept: a column of type `sql` (None: in the record beside the row, as sent),
    what a wrong value is told (None: any value is taken), and its conversions to the column and back."""

    sql: str | None
    message: str | None = None
    nullable: bool = False
    store: Callable[[Any], Any] | None = None
    load: Callable[[Any], Any] | None = None


TEXT = Kind("TEXT NOT NULL", "a string is required")
DATE = Kind("TEXT", "a date or null is required", nullable=True)
TIME = Kind("TEXT NOT NULL", "a date and time is required", store=sortable_time)  # sorts as the time
FLAG = Kind("INTEGER NOT NULL", store=_flag, load=bool)
KEPT = Kind(None)


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    searchable: bool = False  # in the search index: every word a prefix (query.match_expression)


# a provider's fields as the cache keeps them (app.api.models.Provider reads them back). Hospitals are
# not here: they have their own table, linked by number, and a record keeps their ids.
FIELDS = (
    Field("id", TEXT),
    Field("first_name", TEXT, searchable=True),
    Field("last_name", TEXT, searchable=True),
    Field("full_name", TEXT),
    Field("professional_title", TEXT),
    Field("professional_role", TEXT),
    Field("specialization", TEXT, searchable=True),
    Field("organization_facility", TEXT, searchable=True),
    Field("license_number", TEXT, searchable=True),
    Field("license_status", TEXT),
    Field("license_expiry_date", DATE),
    Field("email", TEXT, searchable=True),
    Field("is_active", FLAG),
    Field("created_at", TIME),
    Field("phone_number", KEPT),
    Field("updated_at", KEPT),
    Field("license_verified", KEPT),
    Field("has_license_document", KEPT),
    Field("license_document", KEPT),
    Field("license_note", KEPT),
    Field("additional_information", KEPT),
    Field("years_of_experience", KEPT),
    Field("consultation_fee", KEPT),
    Field("bio", KEPT),
    Field("npi", KEPT),
)

_COLUMN_FIELDS = tuple(f for f in FIELDS if f.kind.sql is not None)
COLUMNS = tuple(f.name for f in _COLUMN_FIELDS)  # of `providers`, after rid and name_key
RECORD = tuple(f.name for f in FIELDS if f.kind.sql is None)  # a record's array, hospitals' ids last
SEARCHABLE = tuple(f.name for f in FIELDS if f.searchable)
REQUIRED = tuple(f.name for f in FIELDS if f.kind.message and not f.kind.nullable)
ITEM = (*(f.name for f in FIELDS), "hospitals")  # a feed item's fields, in the order `Reader` takes them
# the search index: the searchable columns, and `flags` ("a1": active) so a search can keep to the active
SEARCH_INDEX = (f"fts5({', '.join(SEARCHABLE)}, flags, content='', contentless_delete=1, detail=column, "
                "prefix='1 2', tokenize='unicode61 remove_diacritics 2')")
SEARCH_FROM_PROVIDERS = (f"INSERT INTO providers_fts(rowid, {', '.join(SEARCHABLE)}, flags) "
                         f"SELECT rid, {', '.join(SEARCHABLE)}, 'a' || is_active FROM providers")
_COLUMNS_SQL = ", ".join(f"{f.name} {f.kind.sql}" for f in _COLUMN_FIELDS)
PROVIDERS_TABLE = (f"providers(rid INTEGER PRIMARY KEY, name_key TEXT NOT NULL, {_COLUMNS_SQL}, "
                   "body_id INTEGER NOT NULL)")
ROW = ("name_key", *COLUMNS, "body_id")  # what a writer gives each rowid
INSERT_SEARCH = (f"INSERT INTO providers_fts(rowid, {', '.join(SEARCHABLE)}, flags) "
                 f"VALUES ({', '.join('?' * (len(SEARCHABLE) + 2))})")  # Row.search_terms
# the first fill from the change feed stages its pages here (staging.py): a row, its hospitals' ids (JSON)
STAGING = "first_fill"
STAGING_TABLE = (f"{STAGING}(name_key TEXT NOT NULL, {_COLUMNS_SQL}, body_id INTEGER NOT NULL, hospitals TEXT, "
                 "UNIQUE (id))")
_SEARCH_AT = operator.itemgetter(*(COLUMNS.index(name) for name in SEARCHABLE))
_ACTIVE_AT = COLUMNS.index("is_active")

Hospital = tuple[str, str, str]  # id, name, city


class Row(NamedTuple):
    """A provider as written: its name key, its column values (COLUMNS), its record and its hospitals."""

    key: str
    values: tuple[Any, ...]
    body: bytes
    hospitals: tuple[Hospital, ...]

    @property
    def id(self) -> str:
        return str(self.values[0])

    def search_terms(self, rid: int) -> tuple[Any, ...]:
        """The row of the search index for this row at `rid`."""
        return (rid, *_SEARCH_AT(self.values), f"a{self.values[_ACTIVE_AT]}")


class Reader:
    """Checks providers sent as lists of values in the order `names` (a snapshot's header, or ITEM) and
    makes their rows; a wrong value raises BadResponseError naming the field. A field `names` lacks
    reads as None."""

    def __init__(self, names: Sequence[str]) -> None:
        self._width = len(names)
        missing = [name for name in ITEM if name not in names]
        self._padding = [None] * len(missing)  # each field `names` lacks reads a None of its own
        at = {name: n for n, name in enumerate((*names, *missing))}
        self._checked = tuple((at[f.name], f) for f in FIELDS if f.kind.message)
        self._strings = operator.itemgetter(*(n for n, f in self._checked if not f.kind.nullable))
        self._nullable = tuple(n for n, f in self._checked if f.kind.nullable)
        self._stores = tuple((at[f.name], f.kind.store) for f in _COLUMN_FIELDS if f.kind.store)
        self._columns = operator.itemgetter(*(at[name] for name in COLUMNS))
        self._record = operator.itemgetter(*(at[name] for name in RECORD))
        self._key = operator.itemgetter(at["first_name"], at["last_name"], at["id"])
        self._hospitals = at["hospitals"]

    def read(self, values: Any) -> Row:
        if type(values) is not list or len(values) != self._width:
            raise BadResponseError("(a provider's line)", "not an array of the header's fields")
        values += self._padding
        # the usual case in one step (a million rows: each microsecond is a second)
        if {*map(type, self._strings(values))} != _STRING:
            self._refuse(values)
        for n in self._nullable:
            if values[n] is not None and type(values[n]) is not str:
                self._refuse(values)
        for n, store in self._stores:
            values[n] = store(values[n])
        hospitals, ids = _hospitals(values[self._hospitals]) if values[self._hospitals] else _NO_HOSPITALS
        body = orjson.dumps([*self._record(values), ids])
        return _row((name_key(*self._key(values)), self._columns(values), body, hospitals))

    def _refuse(self, values: list[Any]) -> None:
        for n, field in self._checked:
            value = values[n]
            if type(value) is not str and not (value is None and field.kind.nullable):
                raise BadResponseError(f"results.{field.name}", str(field.kind.message))


_STRING = {str}
_NO_HOSPITALS: tuple[tuple[Hospital, ...], None] = ((), None)
_ITEMS = Reader(ITEM)
_row = Row._make  # cheaper than Row(...): a fill of a million providers makes a million


def read_item(item: Any) -> Row:
    """The row of a feed item (a provider as the change feed and the detail endpoint send it)."""
    if not isinstance(item, dict):
        raise BadResponseError("results", "not an object")
    return _ITEMS.read(list(map(item.get, ITEM)))


def _hospitals(value: Any) -> tuple[tuple[Hospital, ...], list[str]]:
    """A provider's hospitals, and their ids as its record keeps them."""
    try:
        found = tuple([(h["id"], h["name"], h["city"]) for h in value])
        for pid, name, city in found:
            if type(pid) is not str or type(name) is not str or type(city) is not str:
                break
        else:
            return found, [h[0] for h in found]
    except (TypeError, KeyError):
        pass
    raise BadResponseError("results.hospitals", "id, name and city are required")


def as_item(columns: Sequence[Any], body: bytes) -> dict[str, Any]:
    """A provider as the server sent it, from its column values (COLUMNS) and its record; hospitals by id."""
    kept = orjson.loads(body)
    item = {name: value for name, value in zip((*RECORD, "hospitals"), kept, strict=True) if value is not None}
    for field, value in zip(_COLUMN_FIELDS, columns, strict=True):
        item[field.name] = field.kind.load(value) if field.kind.load else value
    return item
