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

EXPORT_COLUMNS = ("id", "full_name", "professional_title", "professional_role", "specialization",
                  "organization_facility", "license_number", "license_status", "license_expiry_date", "email",
                  "is_active")
EXPORT_BLOCK = 5000


async def blocks(source: RowSource, query: Any, size: int = EXPORT_BLOCK) -> AsyncIterator[list[Any]]:
    """Every row of `query`, a block at a time, yielding to the loop between blocks."""
    for offset in itertools.count(0, size):
        block = list(await maybe_await(source.rows(query, offset, size)))
        if block:
            yield block
        if len(block) < size:
            return
        await asyncio.sleep(0)


def _write_block(writer: Any, block: Sequence[Any]) -> None:
    writer.writerows([cell(getattr(row, name, None)) for name in EXPORT_COLUMNS] for row in block)


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
    total = int(await maybe_await(cache.count(query)))
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
