"""The OIG's LEIE file (`UPDATED.csv`) read line by line, every value checked, or refused with words naming the problem.

The layout is the OIG's (18 columns, header `LASTNAME,...,WVRSTATE`); a missing NPI is `0000000000`
and a missing date `00000000`. Nothing here touches the database: `rows` yields checked rows, and
the loader (services.py) writes them in one transaction, so a refusal at any line leaves nothing.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO

HEADER = ("LASTNAME", "FIRSTNAME", "MIDNAME", "BUSNAME", "GENERAL", "SPECIALTY", "UPIN", "NPI", "DOB", "ADDRESS",
          "CITY", "STATE", "ZIP", "EXCLTYPE", "EXCLDATE", "REINDATE", "WAIVERDATE", "WVRSTATE")
NO_NPI = "0000000000"
NO_DATE = "00000000"
DATES = ("DOB", "EXCLDATE", "REINDATE", "WAIVERDATE")
_AT = {name: n for n, name in enumerate(HEADER)}
_PUNCTUATION = re.compile(r"[^\w\s]")


class LeieFileError(Exception):
    """A file that is not a whole, readable LEIE file; the message says what is wrong, and where."""


def name_key(text: str) -> str:
    """A name as screening compares names: no case, no accents, no punctuation, single spaces."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub("", plain.replace("-", " ")).casefold().split())


@dataclass(frozen=True)
class LeieLine:
    """A checked line: where it is, its values, and what screening reads of them."""

    line: int
    values: tuple[str, ...]
    npi: str  # "" where the file has NO_NPI
    reinstated: date | None
    latest: date | None  # its newest date (exclusion, reinstatement, waiver): the file is at least that new

    def value(self, column: str) -> str:
        return self.values[_AT[column]]


def _date(line: int, column: str, text: str) -> date | None:
    if text in (NO_DATE, ""):
        return None
    if len(text) == 8 and text.isascii() and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    raise LeieFileError(f"Line {line}: {column} is {text!r}, not a date written YYYYMMDD (or {NO_DATE} for none).")


def _checked(line: int, values: list[str]) -> LeieLine:
    if len(values) != len(HEADER):
        cut = " (is the file cut short?)" if len(values) < len(HEADER) else ""
        raise LeieFileError(f"Line {line} has {len(values)} columns; every line of the LEIE has {len(HEADER)}{cut}.")
    values = [value.strip() for value in values]
    npi = values[_AT["NPI"]]
    if npi and not (len(npi) == 10 and npi.isascii() and npi.isdigit()):
        raise LeieFileError(f"Line {line}: NPI is {npi!r}, not 10 digits (or {NO_NPI} for none).")
    dates = [_date(line, column, values[_AT[column]]) for column in DATES]
    newest = max((d for d in dates[1:] if d is not None), default=None)
    return LeieLine(line, tuple(values), "" if npi in (NO_NPI, "") else npi, dates[2], newest)


class _Hashing(io.RawIOBase):
    """A binary stream that hashes what is read through it (the file's SHA-256 comes with one reading)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source, self.sha256, self.size = source, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self.source.read(len(buffer))
        self.sha256.update(chunk)
        self.size += len(chunk)
        buffer[:len(chunk)] = chunk
        return len(chunk)


def _head_problem(head: bytes) -> str | None:
    if not head.strip():
        return "The file is empty."
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        return ("The file is UTF-16 text or binary data, not the LEIE's CSV: use UPDATED.csv as the OIG "
                "publishes it, or save it as CSV in UTF-8.")
    if head.startswith(b"PK\x03\x04"):
        return "The file is a zip archive: unzip it and load the UPDATED.csv inside."
    return None


def _header_problem(found: list[str]) -> str | None:
    names = [name.strip().upper() for name in found]
    if tuple(names) == HEADER:
        return None
    if not names:
        return "The file has no header line."
    for n, expected in enumerate(HEADER):
        if n >= len(names) or names[n] != expected:
            seen = repr(found[n]) if n < len(found) else "nothing"
            return (f"The header is not the LEIE's: column {n + 1} should be {expected}, the file has {seen} "
                    f"(the LEIE's header is {','.join(HEADER)}).")
    return f"The header is not the LEIE's: it has {len(names)} columns, the LEIE's has {len(HEADER)}."


def _decoded(lines: Iterator[bytes]) -> Iterator[str]:
    """The stream's lines as text; a line that is not UTF-8 is refused by its number."""
    for number, raw in enumerate(lines, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise LeieFileError(f"Line {number} is not UTF-8 text (byte 0x{raw[error.start]:02X}): save the file as "
                                "CSV in UTF-8, or use UPDATED.csv as the OIG publishes it.") from None


class LeieReader:
    """Reads one LEIE file from a binary stream: `lines()` yields every checked line, then `sha256` and
    `count` are known. Raises LeieFileError at the first problem."""

    def __init__(self, source: IO[bytes]) -> None:
        self._hashing = _Hashing(source)
        self._buffered = io.BufferedReader(self._hashing, buffer_size=1 << 20)
        self.count = 0
        self.latest: date | None = None

    @property
    def sha256(self) -> str:
        return self._hashing.sha256.hexdigest()

    def lines(self) -> Iterator[LeieLine]:
        problem = _head_problem(self._buffered.peek(4096)[:4096])
        if problem:
            raise LeieFileError(problem)
        reader = csv.reader(_decoded(self._buffered), strict=True)
        try:
            problem = _header_problem(next(reader, []))
            if problem:
                raise LeieFileError(problem)
            for values in reader:
                if not values:
                    continue  # a blank line (the last one, say)
                line = _checked(reader.line_num, values)
                self.count += 1
                if line.latest is not None and (self.latest is None or line.latest > self.latest):
                    self.latest = line.latest
                yield line
        except csv.Error as error:
            raise LeieFileError(f"Line {reader.line_num}: {error} (is the file cut short, or a quote not closed?)") \
                from None
        if self.count == 0:
            raise LeieFileError("The file has the LEIE's header but no rows.")
