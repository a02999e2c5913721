"""The preview of a roster's import: per row, the fields to send and every problem, in the seed's words.

Problems are the server's validation rules checked locally (`app.validation`), licenses and
emails that an earlier row of the file, the directory cache or the server already has, and
likely duplicates (the same name at the same organization), which are warnings only.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from app import validation as rules
from app.api.client import ApiClient
from app.api.models import ProfessionalRole, ProfessionalTitle
from app.directory.query import DirectoryQuery
from app.transfer.csv_format import Cancel, Cancelled, Progress, RowSource, maybe_await
from app.transfer.roster_file import COLUMNS, RosterFile, RosterRow

EMAIL_UNIQUE = "A provider with this email address already exists"
BIO_MAX = 5000
# the columns the server's search can find (the directory is asked about them), with their words when taken
SEARCHED_COLUMNS = (("license_number", rules.LICENSE_UNIQUE), ("email", EMAIL_UNIQUE))
# every column no two providers share: an NPI is checked within the file (the search does not find NPIs;
# one the directory has already is refused by the server at creation, in the same words)
UNIQUE_COLUMNS = (*SEARCHED_COLUMNS, ("npi", rules.NPI_UNIQUE))
_TITLES = {t.value.lower().rstrip("."): t.value for t in ProfessionalTitle}
_ROLES = {r.value.lower(): r.value for r in ProfessionalRole}
_SEED_WORDS = {*rules.REQUIRED.values(), *(m for _, m in (*rules.MAX_LENGTH.values(), *rules.MIN_LENGTH.values())),
               rules.EMAIL_INVALID, rules.PHONE_FORMAT, rules.LICENSE_UNIQUE, rules.YEARS_INVALID, rules.FEE_INVALID,
               EMAIL_UNIQUE, rules.NPI_UNIQUE}


_ACRONYMS = {"npi": "NPI"}


def label(column: str) -> str:
    """`first_name` as a person reads it: `First name` (`npi`: `NPI`)."""
    return _ACRONYMS.get(column) or column.replace("_", " ").capitalize()


def _in_sentence(column: str) -> str:
    return _ACRONYMS.get(column) or label(column).lower()


def describe(column: str, message: str) -> str:
    """A message that names its column unless the seed's wording already does."""
    named = not column or message in _SEED_WORDS or label(column).lower() in message.lower()
    return message if named else f"{label(column)}: {message}"


@dataclass(frozen=True)
class Problem:
    column: str  # "" for the whole row
    message: str
    warning: bool = False

    @property
    def text(self) -> str:
        return describe(self.column, self.message)


@dataclass(frozen=True)
class RowPreview:
    row: RosterRow
    fields: Mapping[str, Any]  # what will be sent to the server
    problems: tuple[Problem, ...] = ()

    number = property(lambda self: self.row.number)
    name = property(lambda self: self.row.name)
    license = property(lambda self: self.row.values.get("license_number", ""))
    email = property(lambda self: self.row.values.get("email", ""))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.warning)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.warning)

    @property
    def ok(self) -> bool:
        return not self.errors


def name_key(name: str) -> str:
    """A person's name without title, case or extra spaces ("Dr. John  Smith", "John Smith, RN")."""
    words = name.lower().replace(",", " ").split()
    while words and words[0].rstrip(".") in _TITLES:
        words.pop(0)
    while words and words[-1].rstrip(".") in _TITLES:
        words.pop()
    return " ".join(words)


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _same(a: str, b: str) -> bool:
    """The same license, email or organization, whatever the case and spacing."""
    return _key(a) == _key(b)


def _normal(column: str, text: str) -> str:
    if column == "professional_title":
        return _TITLES.get(text.lower().rstrip("."), text)
    return _ROLES.get(text.lower(), text) if column == "professional_role" else text


def _check_fields(row: RosterRow) -> tuple[dict[str, Any], list[Problem]]:
    problems = [Problem("", row.shape)] if row.shape else []
    fields: dict[str, Any] = {}
    for column in COLUMNS:
        text = _normal(column, row.values.get(column, ""))
        message = rules.field_error(column, text)
        if message is None and column == "bio" and len(text) > BIO_MAX:
            message = f"Biography cannot exceed {BIO_MAX} characters"
        if message is not None:
            problems.append(Problem(column, message))
        elif text:
            fields[column] = int(text) if column == "years_of_experience" else text
    return fields, problems


class _Seen:
    """Keys met so far in the file (first row wins) and those the directory already has."""

    def __init__(self, licenses: Iterable[str], emails: Iterable[str], names: Iterable[tuple[str, str]]) -> None:
        self.known: dict[str, set[Any]] = {"license_number": {_key(x) for x in licenses},
                                           "email": {_key(x) for x in emails}, "npi": set(),
                                           "name": {(name_key(n), _key(o)) for n, o in names}}
        self.rows: dict[str, dict[Any, int]] = {kind: {} for kind in self.known}

    def check(self, kind: str, key: Any, number: int) -> int | bool:
        """True: the directory has it; a row number: an earlier row has it; False: new."""
        if key in self.known[kind]:
            return True
        first = self.rows[kind].setdefault(key, number)
        return first if first != number else False


def _duplicates(preview: RowPreview, seen: _Seen) -> list[Problem]:
    values, number, problems = preview.row.values, preview.number, []
    for column, known_words in UNIQUE_COLUMNS:
        key = _key(values.get(column, ""))
        hit = seen.check(column, key, number) if key else False
        if hit is True:
            problems.append(Problem(column, known_words))
        elif hit:
            problems.append(Problem(column, f"The same {_in_sentence(column)} is already on row {hit} of this file"))
    pair = (name_key(preview.name), _key(values.get("organization_facility", "")))
    hit = seen.check("name", pair, number) if all(pair) else False
    if hit is True:
        problems.append(Problem("", f"Likely duplicate: {preview.name} at {values['organization_facility']} is "
                                    "already in the directory", warning=True))
    elif hit:
        problems.append(Problem("", f"Likely duplicate of row {hit}: same name at the same organization",
                                warning=True))
    return problems


def preview(
    roster: RosterFile, *, known_licenses: set[str], known_emails: set[str], known_name_orgs: set[tuple[str, str]],
) -> list[RowPreview]:
    """Per row: the fields that will be sent and every problem (errors, and likely duplicates as warnings)."""
    seen = _Seen(known_licenses, known_emails, known_name_orgs)
    previews = []
    for row in roster.rows:
        fields, problems = _check_fields(row)
        draft = RowPreview(row, fields)
        previews.append(replace(draft, problems=(*problems, *_duplicates(draft, seen))))
    return previews


async def known_in_cache(
    cache: RowSource, roster: RosterFile, *, progress: Progress | None = None,
) -> dict[str, set[Any]]:
    """The keyword arguments of `preview`: what the directory cache already has of the roster's licenses,
    emails and (name, organization) pairs, found by its search (up to 100 near matches each)."""
    known: dict[str, set[Any]] = {"known_licenses": set(), "known_emails": set(), "known_name_orgs": set()}

    async def search(text: str) -> list[Any]:
        return list(await maybe_await(cache.rows(DirectoryQuery(text=text, is_active=None), 0, 100)))

    for done, row in enumerate(roster.rows, start=1):
        for column, kind in (("license_number", "known_licenses"), ("email", "known_emails")):
            value = row.values.get(column, "")
            if value and any(_same(getattr(hit, column), value) for hit in await search(value)):
                known[kind].add(value)
        name, org = row.name, row.values.get("organization_facility", "")
        if name_key(name) and org and any(
                name_key(hit.full_name) == name_key(name) and _same(hit.organization_facility or "", org)
                for hit in await search(name)):
            known["known_name_orgs"].add((name, org))
        if done % 50 == 0 or done == len(roster.rows):
            if progress is not None:
                progress(done, len(roster.rows))
            await asyncio.sleep(0)
    return known


async def server_duplicates(
    client: ApiClient, previews: Sequence[RowPreview], *, concurrency: int = 6, progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> list[RowPreview]:
    """`previews` with the licenses and emails the server's directory already has marked as errors.

    Only rows without errors are asked about (the others will not be sent). The search answers at
    most 100 near matches and active providers only; what it misses, the server refuses at creation.
    """
    asked = [p for p in previews if p.ok]
    found: dict[int, list[Problem]] = {}
    gate = asyncio.Semaphore(concurrency)
    done = 0

    async def ask(row: RowPreview) -> None:
        nonlocal done
        async with gate:
            if cancel is not None and cancel():
                raise Cancelled()
            for column, words in SEARCHED_COLUMNS:
                value = _key(str(row.fields[column]))
                matches = await client.search_providers(value, limit=100) if len(value) >= 2 else []
                if any(_same(getattr(m, column), value) for m in matches):
                    found.setdefault(row.number, []).append(Problem(column, words))
        done += 1
        if progress is not None:
            progress(done, len(asked))

    async with asyncio.TaskGroup() as group:
        for row in asked:
            group.create_task(ask(row))
    return [replace(p, problems=(*p.problems, *found[p.number])) if p.number in found else p for p in previews]
