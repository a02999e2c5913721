"""The search parameters /fhir/ understands, declared once (the CapabilityStatement is made from them), and
the reading of a search's query string: a bad value is a FhirError (400 OperationOutcome), never a 500."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from contract.fhir import NPI_SYSTEM, URI_SYSTEM
from server.fhir.outcome import FhirError

DEFAULT_COUNT = 50
MAX_COUNT = 500
_MAX_VALUES = 100  # values in one comma list (`_id=a,b,...`): a search, not a bulk read

_ID = ("_id", "token", "The resource's id; several separated by commas")
_UPDATED = ("_lastUpdated", "date", "When the provider was last changed: eq (default), gt, ge, lt or le, "
                                    "then a date or an instant")
# per resource type: name -> (FHIR search type, what it matches)
SEARCH_PARAMS: dict[str, dict[str, tuple[str, str]]] = {
    "Practitioner": {p[0]: p[1:] for p in (
        _ID, _UPDATED,
        ("identifier", "token", f"[system|]value: the NPI ({NPI_SYSTEM}) or our id ({URI_SYSTEM}|urn:uuid:ID)"),
        ("name", "string", "The start of the family or a given name, in any case"),
        ("family", "string", "The start of the family name, in any case"),
        ("given", "string", "The start of a given name, in any case"),
    )},
    "PractitionerRole": {p[0]: p[1:] for p in (
        _ID, _UPDATED,
        ("practitioner", "reference", "Practitioner/ID"),
        ("organization", "reference", "Organization/ID: the provider's organization"),
        ("location", "reference", "Location/ID: a hospital where the provider works"),
        ("specialty", "token", "The specialty's text, in any case (the directory keeps no specialty codes)"),
        ("role", "token", "The professional role's text, in any case"),
    )},
    "Organization": {p[0]: p[1:] for p in (
        _ID, ("name", "string", "The start of the name, in any case"),
    )},
    "Location": {p[0]: p[1:] for p in (
        _ID,
        ("name", "string", "The start of the name, in any case"),
        ("address-city", "string", "The start of the city, in any case"),
        ("organization", "reference", "Organization/ID: the hospital that runs it"),
    )},
}
INCLUDES = {"PractitionerRole": ("PractitionerRole:practitioner", "PractitionerRole:organization",
                                 "PractitionerRole:location")}
_MODIFIERS = {"string": ("", "exact", "contains"), "token": ("",), "reference": ("",), "date": ("",)}
_PREFIXES = ("eq", "gt", "ge", "lt", "le")
_NPI = re.compile(r"\d{10}")


@dataclass(frozen=True)
class Criterion:
    name: str
    modifier: str
    values: tuple[str, ...]  # any of them matches


@dataclass
class Search:
    """A search of one resource type, as read from its query string."""

    resource_type: str
    criteria: list[Criterion] = field(default_factory=list)
    count: int = DEFAULT_COUNT
    offset: int = 0
    summary_count: bool = False
    total: bool = False  # Bundle.total of a provider search costs a count of every match: given when asked
    includes: tuple[str, ...] = ()
    ignored: list[str] = field(default_factory=list)  # unknown parameters, when handling is lenient


def _bad(words: str) -> FhirError:
    return FhirError(400, "invalid", words)


def _integer(name: str, text: str, low: int, high: int) -> int:
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise _bad(f"{name} must be a whole number from {low} to {high}, not {text[:40]!r}.")
    return int(text)


def search_read(resource_type: str, query: list[tuple[str, str]], *, strict: bool) -> Search:
    """The search of `query` ((name, value) pairs); unknown parameters are a 400 when `strict`, else ignored."""
    known, search = SEARCH_PARAMS[resource_type], Search(resource_type)
    for key, value in query:
        name, _, modifier = key.partition(":")
        if key == "_count":
            search.count = _integer("_count", value, 1, MAX_COUNT)
        elif key == "_offset":
            search.offset = _integer("_offset", value, 0, 10**9)
        elif key == "_summary":
            if value not in ("count", "false"):
                raise _bad("_summary may only be count (the total alone) or false.")
            search.summary_count = value == "count"
        elif key == "_total":
            if value not in ("none", "estimate", "accurate"):
                raise _bad("_total may be none, estimate or accurate.")
            search.total = value != "none"
        elif key == "_include":
            if value not in INCLUDES.get(resource_type, ()):
                allowed = ", ".join(INCLUDES.get(resource_type, ())) or "nothing"
                raise _bad(f"{resource_type} can include {allowed}, not {value[:80]!r}.")
            search.includes += (value,)
        elif key == "_format":
            if value not in ("json", "application/json", "application/fhir+json"):
                raise FhirError(406, "not-supported", "This server answers JSON only (_format=json).")
        elif name in known:
            search.criteria.append(_criterion(name, modifier, value, known[name][0]))
        elif strict:
            raise _bad(f"{resource_type} has no search parameter {key[:80]!r} "
                       f"(it has {', '.join(known)}).")
        else:
            search.ignored.append(key)
    return search


def _criterion(name: str, modifier: str, value: str, kind: str) -> Criterion:
    if modifier not in _MODIFIERS[kind]:
        raise _bad(f"{name} takes no :{modifier[:40]} modifier.")
    values = tuple(value.split(","))
    if len(values) > _MAX_VALUES or any(not v.strip() for v in values):
        raise _bad(f"{name} needs a value (at most {_MAX_VALUES}, separated by commas).")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value):  # PostgreSQL refuses NUL in a parameter
        raise _bad(f"{name} cannot contain a control character.")
    for one in values:
        _check(name, kind, one)
    return Criterion(name, modifier, values)


def _check(name: str, kind: str, value: str) -> None:
    """Refuse a value of the wrong form at once (a 400 naming the parameter), before any query."""
    if name == "_id" or kind == "reference":
        resource_id(value)
    elif name == "identifier":
        identifier_read(value)
    elif kind == "date":
        updated_range(value)


def resource_id(value: str) -> str:
    """The id of `Type/ID` or `ID`; our ids are UUIDs (or, for an organization of a name, a UUID too)."""
    found = value.rsplit("/", 1)[-1]
    try:
        return str(uuid.UUID(found))
    except ValueError:
        raise _bad(f"{found[:80]!r} is not an id of this directory (they are UUIDs).") from None


def identifier_read(value: str) -> tuple[str | None, str]:
    """(system or None, value) of a token; an NPI must be 10 digits, our id a urn:uuid."""
    system, bar, code = value.rpartition("|") if "|" in value else (None, "", value)
    if bar and not code:
        raise _bad("identifier needs a value after the |.")
    if system == NPI_SYSTEM and not _NPI.fullmatch(code):
        raise _bad(f"An NPI is 10 digits, not {code[:40]!r}.")
    if system == URI_SYSTEM:
        if not code.startswith("urn:uuid:"):
            raise _bad(f"Identifiers of {URI_SYSTEM} here are urn:uuid:ID, not {code[:60]!r}.")
        resource_id(code.removeprefix("urn:uuid:"))
    return system or None, code


def updated_range(value: str) -> tuple[str, datetime, datetime]:
    """(prefix, start, end) of a _lastUpdated value: the instants its precision covers, end excluded."""
    prefix = value[:2] if value[:2] in _PREFIXES else "eq"
    text = value[2:] if value[:2] in _PREFIXES else value
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(), tzinfo=UTC)
            return prefix, start, start + timedelta(days=1)  # 9999-12-31: OverflowError, below
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except OverflowError:
        raise _bad("_lastUpdated is past the year 9999.") from None
    except ValueError:
        raise _bad(f"_lastUpdated takes a prefix (eq, gt, ge, lt, le) and a date or an instant, "
                   f"not {value[:60]!r}.") from None
    if moment.tzinfo is None:
        raise _bad("_lastUpdated's instant needs a time zone (Z or +hh:mm).")
    step = timedelta(microseconds=1) if moment.microsecond else timedelta(seconds=1)
    try:
        moment = moment.astimezone(UTC)  # as the database compares it ("0001-01-01T00:00:00+14:00" cannot be)
        return prefix, moment, moment + step
    except OverflowError:
        raise _bad("_lastUpdated is past the year 9999.") from None
