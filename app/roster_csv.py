"""Provider rosters as CSV: export of a directory query, and import of a roster (read, preview, create).

Export writes UTF-8 with a byte-order mark: Excel opens a CSV without one as the local ANSI code
page and garbles "José"; LibreOffice, Numbers and Python's `utf-8-sig` read the mark and drop it.
Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading
single quote (OWASP's advice against CSV injection); `read_roster` removes that quote again.

Import reads at most `MAX_ROWS` providers: one import is one POST per provider (a few minutes for
10,000) and a preview a person reviews; a bigger file is refused with a plain answer, after a
streamed count that keeps no rows in memory.
"""
from __future__ import annotations

import asyncio
import contextlib
import csv
import inspect
import itertools
import os
import re
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, Protocol

from app import errors
from app import validation as rules
from app.api_client import ApiClient
from app.directory_cache import DirectoryQuery
from app.models import ProfessionalRole, ProfessionalTitle

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
EXPORT_COLUMNS = ("id", "full_name", "professional_title", "professional_role", "specialization",
                  "organization_facility", "license_number", "license_status", "license_expiry_date", "email",
                  "is_active")
EXPORT_BLOCK = 5000
REQUIRED_COLUMNS = ("professional_title", "first_name", "last_name", "email", "organization_facility",
                    "professional_role", "license_number")
OPTIONAL_COLUMNS = ("phone_number", "specialization", "additional_information", "years_of_experience",
                    "consultation_fee", "bio")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_ROWS = 10_000
EMAIL_UNIQUE = "A provider with this email address already exists"
BIO_MAX = 5000
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_TITLES = {t.value.lower().rstrip("."): t.value for t in ProfessionalTitle}
_ROLES = {r.value.lower(): r.value for r in ProfessionalRole}
_SEED_WORDS = {*rules.REQUIRED.values(), *(m for _, m in (*rules.MAX_LENGTH.values(), *rules.MIN_LENGTH.values())),
               rules.EMAIL_INVALID, rules.PHONE_FORMAT, rules.LICENSE_UNIQUE, rules.YEARS_INVALID, rules.FEE_INVALID,
               EMAIL_UNIQUE}


class Cancelled(Exception):
    """The user stopped the operation."""


class RosterError(Exception):
    """A file that cannot be read as a roster; `message` says why, in plain words."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class RowSource(Protocol):
    """What export needs of the directory cache (its methods may also be coroutines)."""

    def count(self, query: Any) -> Any: ...
    def rows(self, query: Any, offset: int, limit: int) -> Any: ...


def guard(text: str) -> str:
    """`text` made safe from being run as a spreadsheet formula."""
    return "'" + text if text.startswith(_FORMULA) else text


def unguard(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in _FORMULA else text


def label(column: str) -> str:
    return column.replace("_", " ").capitalize()


def describe(column: str, message: str) -> str:
    """A message that names its column unless the seed's wording already does."""
    named = not column or message in _SEED_WORDS or label(column).lower() in message.lower()
    return message if named else f"{label(column)}: {message}"


# ---- export ----

def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return guard(str(value))


async def _maybe(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def blocks(source: RowSource, query: Any, size: int = EXPORT_BLOCK) -> AsyncIterator[list[Any]]:
    """Every row of `query`, a block at a time, yielding to the loop between blocks."""
    for offset in itertools.count(0, size):
        block = list(await _maybe(source.rows(query, offset, size)))
        if block:
            yield block
        if len(block) < size:
            return
        await asyncio.sleep(0)


def _write_block(writer: Any, block: Sequence[Any]) -> None:
    writer.writerows([_cell(getattr(row, name, None)) for name in EXPORT_COLUMNS] for row in block)


def _open_part(target: Path) -> tuple[IO[str], str]:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    return open(fd, "w", encoding="utf-8-sig", newline=""), name


def _discard(handle: IO[str], part: str) -> None:
    handle.close()
    with contextlib.suppress(OSError):
        os.unlink(part)


def _finish(handle: IO[str], part: str, target: Path) -> None:
    handle.close()
    os.replace(part, target)


async def export_csv(
    path: str | Path, cache: RowSource, query: Any, *, progress: Progress | None = None, cancel: Cancel | None = None,
) -> int:
    """Write every row matching `query` with a header to `path`; how many rows. Nothing is left on failure."""
    target = Path(path)
    total = int(await _maybe(cache.count(query)))
    handle, part = await asyncio.to_thread(_open_part, target)
    done = 0
    try:
        writer = csv.writer(handle)
        await asyncio.to_thread(writer.writerow, EXPORT_COLUMNS)
        async for block in blocks(cache, query):
            if cancel is not None and cancel():
                raise Cancelled()
            await asyncio.to_thread(_write_block, writer, block)
            done += len(block)
            if progress is not None:
                progress(done, max(total, done))
        await asyncio.to_thread(_finish, handle, part, target)
    except BaseException:
        _discard(handle, part)  # at once, also when cancelled: a close and an unlink
        raise
    return done


# ---- reading a roster ----

@dataclass(frozen=True)
class RosterRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: Mapping[str, str]  # known column -> trimmed cell text
    shape: str = ""  # what is wrong with the number of cells, if anything


@dataclass(frozen=True)
class RosterFile:
    path: Path
    encoding: str
    columns: tuple[str, ...]
    rows: tuple[RosterRow, ...]
    ignored: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def column_key(header: str) -> str:
    """`First Name`, `first-name`, ` FIRST_NAME ` all name `first_name`."""
    return re.sub(r"[\s/\-_]+", "_", header.strip().lower()).strip("_")


def _kind_of(head: bytes) -> str | None:
    if not head.strip():
        return "The file is empty."
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return ("This is an Excel workbook, not a CSV file. In Excel choose File > Save As > "
                "\"CSV UTF-8 (comma delimited)\" and import that file.")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "This is not a CSV file: it contains binary data. Save the roster as CSV and choose that file."
    return None


_CSV_WORDS = {"unexpected end of data": "a quoted cell is not closed (a \" is missing)",
              "field larger than field limit": "a cell is far too long",
              "line contains nul": "it contains binary data"}


def _header(reader: Iterator[list[str]]) -> dict[str, int]:
    cells = [column_key(c) for c in next(reader, [])]
    found = {name: i for i, name in enumerate(cells) if name in COLUMNS}
    twice = sorted({n for n in cells if n in COLUMNS and cells.count(n) > 1})
    if twice:
        raise RosterError(f"These columns appear more than once: {', '.join(twice)}. Keep one of each.")
    if not found:
        raise RosterError("This file does not look like a provider roster: its first row must name the columns "
                          f"({', '.join(REQUIRED_COLUMNS)}, and optionally {', '.join(OPTIONAL_COLUMNS)}).")
    if missing := [c for c in REQUIRED_COLUMNS if c not in found]:
        raise RosterError(f"Required columns are missing: {', '.join(missing)}. Add them to the first row.")
    return found


def _shape(cells: list[str], width: int, room: int) -> str:
    """What is wrong with the row's number of cells; `room`: the header's cells, also empty ones at its end."""
    if len(cells) > room or any(c.strip() for c in cells[width:]):
        return (f"This row has {len(cells)} cells but the header has {width}: a cell probably holds a comma "
                "without quotes around it")
    if len(cells) < width:
        return f"This row has {len(cells)} cells but the header has {width}: values may be in the wrong columns"
    return ""


def _rows(reader: Iterator[list[str]], found: dict[str, int], width: tuple[int, int], max_rows: int) -> list[RosterRow]:
    rows: list[RosterRow] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) == max_rows:
            more = 1 + sum(1 for rest in reader if any(c.strip() for c in rest))
            raise RosterError(f"This file has {len(rows) + more:,} providers; one import takes at most "
                              f"{max_rows:,}. Split it into files of at most {max_rows:,} rows and import them "
                              "one after another.")
        values = {name: unguard(cells[i].strip()) for name, i in found.items() if i < len(cells)}
        rows.append(RosterRow(number, values, _shape(cells, *width)))
    return rows


def _parse(path: Path, encoding: str, max_rows: int) -> RosterFile:
    with path.open(encoding=encoding, newline="") as handle:
        first = handle.readline()
        delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
        reader = csv.reader(itertools.chain([first], handle), delimiter=delimiter, strict=True)
        done = [0]  # the last line of the last record read whole

        def records() -> Iterator[list[str]]:
            for cells in reader:
                done[0] = reader.line_num
                yield cells

        try:
            found = _header(records())
            headers = next(csv.reader([first], delimiter=delimiter))
            width = max(i + 1 for i, h in enumerate(headers) if h.strip())
            rows = _rows(records(), found, (width, len(headers)), max_rows)
        except csv.Error as error:
            why = _CSV_WORDS.get(str(error).lower(), str(error))
            raise RosterError(f"Line {done[0] + 1} cannot be read as CSV: {why}.") from None
    if not rows:
        raise RosterError("The file has a header row but no providers below it.")
    ignored = tuple(h.strip() for h in headers if h.strip() and column_key(h) not in COLUMNS)
    columns = tuple(sorted(found, key=found.__getitem__))
    return RosterFile(path, encoding, columns, tuple(rows), ignored)


def read_roster(path: str | Path, *, max_rows: int = MAX_ROWS) -> RosterFile:
    """The roster in the CSV file at `path`, or RosterError saying in plain words what is wrong with it."""
    target = Path(path)
    try:
        with target.open("rb") as handle:
            head = handle.read(65536)
        if problem := _kind_of(head):
            raise RosterError(problem)
        utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp1252", "latin-1"):
            try:
                roster = _parse(target, encoding, max_rows)
            except UnicodeError:
                continue
            if encoding in ("cp1252", "latin-1"):
                name = "Windows-1252" if encoding == "cp1252" else "Latin-1"
                note = (f"This file is not UTF-8; it was read as {name} (Western European). "
                        "Check accented names below, or save the file as \"CSV UTF-8\".")
                roster = replace(roster, warnings=(note,))
            return roster
    except OSError as error:
        raise RosterError(f"The file cannot be opened: {error.strerror or error}.") from None
    raise RosterError("The file's text cannot be read. Save it as \"CSV UTF-8\" and choose it again.")


# ---- preview ----

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
    name = property(lambda self: f"{self.row.values.get('first_name', '')} {self.row.values.get('last_name', '')}"
                    .strip())
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
        self.known: dict[str, set[Any]] = {"license": {_key(x) for x in licenses}, "email": {_key(x) for x in emails},
                      "name": {(name_key(n), _key(o)) for n, o in names}}
        self.rows: dict[str, dict[Any, int]] = {"license": {}, "email": {}, "name": {}}

    def check(self, kind: str, key: Any, number: int) -> int | bool:
        """True: the directory has it; a row number: an earlier row has it; False: new."""
        if key in self.known[kind]:
            return True
        first = self.rows[kind].setdefault(key, number)
        return first if first != number else False


def _duplicates(preview: RowPreview, seen: _Seen) -> list[Problem]:
    values, number, problems = preview.row.values, preview.number, []
    for kind, column, known_words in (("license", "license_number", rules.LICENSE_UNIQUE),
                                      ("email", "email", EMAIL_UNIQUE)):
        key = _key(values.get(column, ""))
        hit = seen.check(kind, key, number) if key else False
        if hit is True:
            problems.append(Problem(column, known_words))
        elif hit:
            problems.append(Problem(column, f"The same {label(column).lower()} is already on row {hit} of this file"))
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



async def known_in_cache(cache: Any, roster: RosterFile, *, progress: Progress | None = None) -> dict[str, set[Any]]:
    """The keyword arguments of `preview`: what the directory cache already has of the roster's licenses,
    emails and (name, organization) pairs, found by its search (up to 100 near matches each)."""
    known: dict[str, set[Any]] = {"known_licenses": set(), "known_emails": set(), "known_name_orgs": set()}

    async def search(text: str) -> list[Any]:
        return list(await _maybe(cache.rows(DirectoryQuery(text=text, is_active=None), 0, 100)))

    for done, row in enumerate(roster.rows, start=1):
        values = row.values
        for column, kind in (("license_number", "known_licenses"), ("email", "known_emails")):
            value = values.get(column, "")
            if value and any(_key(getattr(hit, column)) == _key(value) for hit in await search(value)):
                known[kind].add(value)
        name, org = f"{values.get('first_name', '')} {values.get('last_name', '')}", values.get(
            "organization_facility", "")
        if name_key(name) and org and any(
                name_key(hit.full_name) == name_key(name) and _key(hit.organization_facility) == _key(org)
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
            for column, words in (("license_number", rules.LICENSE_UNIQUE), ("email", EMAIL_UNIQUE)):
                value = _key(str(row.fields[column]))
                matches = await client.search_providers(value, limit=100) if len(value) >= 2 else []
                if any(_key(getattr(m, column)) == value for m in matches):
                    found.setdefault(row.number, []).append(Problem(column, words))
        done += 1
        if progress is not None:
            progress(done, len(asked))

    async with asyncio.TaskGroup() as group:
        for row in asked:
            group.create_task(ask(row))
    return [replace(p, problems=(*p.problems, *found[p.number])) if p.number in found else p for p in previews]


# ---- creation and its report ----

OUTCOMES = {"created": "Created", "refused": "Refused by the server", "skipped": "Not sent: problems in the file",
            "failed": "Failed", "unknown": "Unknown: the server did not answer", "not_sent": "Not sent"}
REPORT_COLUMNS = ("row", "first_name", "last_name", "license_number", "email", "outcome", "provider_id", "messages")


@dataclass(frozen=True)
class RowResult:
    preview: RowPreview
    outcome: str  # a key of OUTCOMES
    messages: tuple[str, ...] = ()
    provider_id: str | None = None

    @property
    def created(self) -> bool:
        return self.outcome == "created"


@dataclass(frozen=True)
class ImportReport:
    results: tuple[RowResult, ...] = field(default_factory=tuple)

    @property
    def created(self) -> tuple[RowResult, ...]:
        return tuple(r for r in self.results if r.created)

    @property
    def not_created(self) -> tuple[RowResult, ...]:
        return tuple(r for r in self.results if not r.created)

    def write_csv(self, path: str | Path) -> None:
        """Save the report (blocking: call it through `asyncio.to_thread`)."""
        with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REPORT_COLUMNS)
            for r in self.results:
                values = r.preview.row.values
                writer.writerow(_cell(v) for v in (
                    r.preview.number, values.get("first_name", ""), values.get("last_name", ""), r.preview.license,
                    r.preview.email, OUTCOMES[r.outcome], r.provider_id, "; ".join(r.messages)))


async def _create_one(client: ApiClient, row: RowPreview, stop: list[str]) -> RowResult:
    for attempt in range(4):
        try:
            created = await client.create_provider(row.fields)
        except errors.RateLimitedError as error:  # refused before anything was written: safe to send again
            if attempt == 3:
                return RowResult(row, "failed", (error.message,))
            await asyncio.sleep(error.retry_after)
            continue
        except errors.ValidationError as error:
            texts = [describe(name, m) for name, ms in error.field_errors.items() for m in ms]
            return RowResult(row, "refused", tuple(texts + error.non_field_errors) or (error.message,))
        except errors.OfflineError:
            stop.append("Not sent: the server stopped answering")
            return RowResult(row, "unknown", ("The server did not answer: this provider may or may not have been "
                                              "created. Look it up in the directory before importing it again.",))
        except (errors.AuthenticationError, errors.PermissionDeniedError) as error:
            stop.append(f"Not sent: {error.message}")
            return RowResult(row, "failed", (error.message,))
        except errors.ApiError as error:
            return RowResult(row, "failed", (error.message,))
        return RowResult(row, "created", provider_id=created.value.id)
    raise AssertionError("unreachable")


async def create_rows(
    client: ApiClient, rows: Sequence[RowPreview], *, progress: Progress | None = None,
    cancel: Cancel | None = None, concurrency: int = 3,
) -> ImportReport:
    """Create the rows without errors (POSTs are never repeated after an unclear answer); a result per row.

    Rows with errors are reported as not sent; after a lost connection or a refused session the
    rest are not sent either. `cancel()` stops before the next row; what was created stays.
    """
    results = {r.number: RowResult(r, "skipped", tuple(p.text for p in r.errors)) for r in rows if not r.ok}
    good = [r for r in rows if r.ok]
    pending = iter(good)
    stop: list[str] = []

    async def work() -> None:
        for row in pending:
            if stop or (cancel is not None and cancel()):
                results[row.number] = RowResult(row, "not_sent", (stop[0] if stop else "Not sent: import stopped",))
                continue
            results[row.number] = await _create_one(client, row, stop)
            if progress is not None:
                progress(sum(r.outcome != "skipped" for r in results.values()), len(good))

    async with asyncio.TaskGroup() as group:
        for _ in range(max(1, min(concurrency, len(good)))):
            group.create_task(work())
    return ImportReport(tuple(results[r.number] for r in rows))
