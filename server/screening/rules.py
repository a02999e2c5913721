"""The LEIE screening rules (docs/api.md, "Screening"): which providers a file's rows flag, and why.

- Excluded: the provider's NPI is a row's NPI (a row without one never matches) and the row has no
  reinstatement date.
- Possible match: a row without a reinstatement date has the provider's last and first name (case,
  accents and punctuation ignored) and its state, and does not flag it as Excluded; never excluded
  automatically: an officer decides.

A provider's state is the two letters before the first "-" of its license number when they are a
US state's ("CA-A482913"); a provider without one is compared by name alone, so that a missing
state never hides a match.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from contract.choices import FlagKind

US_STATES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
    "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
))


@dataclass(frozen=True)
class Candidate:
    """A provider as screening reads it."""

    id: Any
    npi: str | None
    first_key: str
    last_key: str
    state: str


@dataclass(frozen=True)
class Row:
    """A row of the LEIE as screening reads it (models.LeieRow)."""

    line: int
    npi: str
    first_key: str
    last_key: str
    state: str
    reinstated: bool
    values: tuple[str, ...] = ()  # the row's values as the file has them (read for the rows that flag someone)


@dataclass(frozen=True)
class Hit:
    provider_id: Any
    kind: FlagKind
    row: Row
    reason: str


def state_of(license_number: str) -> str:
    """The US state a license number names by its prefix ("CA-A482913": "CA"), or ""."""
    prefix, dash, _ = license_number.strip().partition("-")
    prefix = prefix.upper()
    return prefix if dash and prefix in US_STATES else ""


def evidence_key(values: Iterable[str]) -> str:
    """The identity of a row's evidence: the same values in any later file give the same key."""
    return hashlib.sha256(orjson.dumps(list(values))).hexdigest()


def leie_hits(providers: Iterable[Candidate], rows: Iterable[Row]) -> Iterator[Hit]:
    """Every flag the rows give the providers; reinstated rows flag nobody."""
    by_npi: dict[str, list[Row]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if row.reinstated:
            continue
        if row.npi:
            by_npi[row.npi].append(row)
        if row.last_key and row.first_key:
            by_name[(row.last_key, row.first_key)].append(row)
    for provider in providers:
        excluded = by_npi.get(provider.npi, []) if provider.npi else []
        for row in excluded:
            yield Hit(provider.id, FlagKind.EXCLUDED, row, f"NPI {provider.npi} is on the exclusion list "
                                                           "with no reinstatement date")
        for row in by_name.get((provider.last_key, provider.first_key), ()):
            if row in excluded or (provider.state and row.state and row.state != provider.state):
                continue
            where = f"in {row.state}" if provider.state else "(the provider's state is unknown)"
            yield Hit(provider.id, FlagKind.POSSIBLE_MATCH, row,
                      f"Same last and first name {where}, without an NPI match")
