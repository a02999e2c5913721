"""CSV export of a directory query: every matching provider, written in blocks without blocking the loop.

Export writes UTF-8 with a byte-order mark: Excel opens a CSV without one as the local ANSI code
page and garbles "José"; LibreOffice, Numbers and Python's `utf-8-sig` read the mark and drop it.
Cells are guarded against formulas (see `app.transfer.csv_format`). Nothing is left behind on failure: the
rows go to a temporary file beside the target that replaces it only when complete.
"""
from __future__ import annotations

import asyncio
import contextlib
import csv
import itertools
import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import IO, Any

from app.transfer.csv_format import Cancel, Cancelled, Progress, RowSource, cell, maybe_await

# The table's columns, and with them every column of a roster (app.transfer.roster_file), so that an
# exported file imports as a roster unchanged (its other columns are ignored there).
EXPORT_COLUMNS = ("id", "full_name", "first_name", "last_name", "professional_title", "professional_role",
                  "specialization", "organization_facility", "license_number", "npi", "license_status",
                  "license_expiry_date", "email", "phone_number", "is_active", "additional_information",
                  "years_of_experience", "consultation_fee", "bio")
EXPORT_BLOCK = 5000
RECORD_STEP = 250  # full records read between two yields to the loop


async def blocks(source: RowSource, query: Any, size: int = EXPORT_BLOCK) -> AsyncIterator[list[Any]]:
    """Every row of `query`, a block at a time, yielding to the loop between blocks."""
    for offset in itertools.count(0, size):
        block = list(await maybe_await(source.rows(query, offset, size)))
        if block:
            yield block
        if len(block) < size:
            return
        await asyncio.sleep(0)


async def records(source: RowSource, block: Sequence[Any]) -> list[Any]:
    """The full record of each row of `block` (None for each when `source` keeps none), read a few at
    a time so that the loop never waits long."""
    provider = getattr(source, "provider", None)  # DirectoryCache.provider; a plain row source has none
    if provider is None:
        return [None] * len(block)
    found = []
    for start in range(0, len(block), RECORD_STEP):
        found += [await maybe_await(provider(row.id)) for row in block[start:start + RECORD_STEP]]
        await asyncio.sleep(0)
    return found


def _value(row: Any, record: Any, name: str) -> Any:
    return getattr(row, name) if hasattr(row, name) else getattr(record, name, None)


def _write_block(writer: Any, block: Sequence[Any], details: Sequence[Any]) -> None:
    writer.writerows([cell(_value(row, record, name)) for name in EXPORT_COLUMNS]
                     for row, record in zip(block, details, strict=True))


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
    """Write every row matching `query` with a header to `path`; how many rows. Nothing is left on failure.

    Columns a row lacks (first and last name, phone, the extras) come from `cache.provider(id)`'s
    full record where the cache has one, so the file is also a roster the import reads as it is."""
    target = Path(path)
    total = int(await maybe_await(cache.count(query)))
    handle, part = await asyncio.to_thread(_open_part, target)
    done = 0
    try:
        writer = csv.writer(handle)
        await asyncio.to_thread(writer.writerow, EXPORT_COLUMNS)
        async for block in blocks(cache, query):
            if cancel is not None and cancel():
                raise Cancelled()
            details = await records(cache, block)
            await asyncio.to_thread(_write_block, writer, block, details)
            done += len(block)
            if progress is not None:
                progress(done, max(total, done))
        await asyncio.to_thread(_finish, handle, part, target)
    except BaseException:
        _discard(handle, part)  # at once, also when cancelled: a close and an unlink
        raise
    return done
