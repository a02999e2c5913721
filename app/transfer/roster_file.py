"""A provider roster read from a CSV file: its columns, its rows, and a plain answer when it cannot be read.

A roster holds at most `MAX_ROWS` providers: one import is one POST per provider (a few minutes for
10,000) and a preview a person reviews; a bigger file is refused with a plain answer, after a
streamed count that keeps no rows in memory. Headers are matched leniently (`First Name` is
`first_name`), the delimiter is guessed from the header, and the encoding is UTF-8, UTF-16 or,
with a warning, Windows-1252.
"""
from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from app.transfer.csv_format import unguard

REQUIRED_COLUMNS = ("professional_title", "first_name", "last_name", "email", "organization_facility",
                    "professional_role", "license_number")
OPTIONAL_COLUMNS = ("phone_number", "specialization", "npi", "additional_information", "years_of_experience",
                    "consultation_fee", "bio")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_ROWS = 10_000


class RosterError(Exception):
    """A file that cannot be read as a roster; `message` says why, in plain words."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class RosterRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: Mapping[str, str]  # known column -> trimmed cell text
    shape: str = ""  # what is wrong with the number of cells, if anything

    @property
    def name(self) -> str:
        """First and last name, as the file spells them."""
        return f"{self.values.get('first_name', '')} {self.values.get('last_name', '')}".strip()


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
