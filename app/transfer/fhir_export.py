"""The directory as FHIR R4 NDJSON, written from the offline cache (works offline): one file per resource type.

`Practitioner.ndjson`, `PractitionerRole.ndjson`, `Organization.ndjson` and `Location.ndjson`, as
FHIR Bulk Data names its output, every resource made by contract/fhir.py exactly as the server's
`/fhir/$export` makes it, of the providers the cache's viewer may see. The work runs in one worker
thread (the loop only hears its progress); nothing is left behind on failure or cancel: each file is
written beside its target and replaces it only when all four are complete.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

import orjson

from app.transfer.csv_format import Cancel, Cancelled, Progress
from contract import fhir

T = TypeVar("T")
FILES = {name: f"{name}.ndjson" for name in fhir.RESOURCE_TYPES}


class RecordSource(Protocol):
    """What the export reads: DirectoryCache.records_in_worker."""

    def records_in_worker(self, block: int = ...) -> tuple[int, Iterator[list[dict[str, Any]]]]: ...


def _lines(make: Callable[[T], dict[str, Any]], items: Iterable[T]) -> bytes:
    return b"".join([orjson.dumps(make(item)) + b"\n" for item in items])


class _Parts:
    """The four files being written, each beside its target; `commit` puts them in place, `discard` removes them."""

    def __init__(self, folder: Path) -> None:
        self.targets = {name: folder / file for name, file in FILES.items()}
        self.files: dict[str, tuple[IO[bytes], str]] = {}
        for name, target in self.targets.items():
            fd, part = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
            self.files[name] = (open(fd, "wb"), part)  # noqa: SIM115 (closed by commit or discard)

    def write(self, name: str, data: bytes) -> None:
        self.files[name][0].write(data)

    def commit(self) -> None:
        for handle, _ in self.files.values():
            handle.close()
        for name, (_, part) in self.files.items():
            os.replace(part, self.targets[name])

    def discard(self) -> None:
        for handle, part in self.files.values():
            handle.close()
            with contextlib.suppress(OSError):
                os.unlink(part)


def write_fhir(folder: Path, source: RecordSource, progress: Progress | None = None,
               cancel: Cancel | None = None) -> dict[str, int]:
    """Write the four NDJSON files into `folder` (blocking: run it in a worker thread); how many of each."""
    total, blocks = source.records_in_worker()
    counts, done = dict.fromkeys(FILES, 0), 0
    organizations: dict[str, str] = {}
    hospitals: dict[str, dict[str, Any]] = {}
    parts = _Parts(folder)
    try:
        for items in blocks:
            if cancel is not None and cancel():
                raise Cancelled()
            parts.write("Practitioner", _lines(fhir.practitioner, items))
            parts.write("PractitionerRole", _lines(fhir.practitioner_role, items))
            for item in items:
                hospitals.update((h["id"], h) for h in item["hospitals"])
            for key, name in fhir.organizations_of(items).items():
                organizations.setdefault(key, name)
            done += len(items)
            if progress is not None:
                progress(done, max(total, done))
        places = sorted(hospitals.values(), key=lambda h: (h["name"], h["city"], h["id"]))
        parts.write("Organization", _lines(fhir.hospital_organization, places))
        names = sorted(organizations.values(), key=str.casefold)
        parts.write("Organization", _lines(fhir.facility_organization, names))
        parts.write("Location", _lines(fhir.location, places))
        counts.update(Practitioner=done, PractitionerRole=done, Organization=len(places) + len(organizations),
                      Location=len(places))
        parts.commit()
    except BaseException:
        parts.discard()
        raise
    finally:
        close = getattr(blocks, "close", None)  # a generator: its connection closes now, not when collected
        if close is not None:
            close()
    return counts


async def export_fhir(folder: str | Path, source: RecordSource, *, progress: Progress | None = None,
                      cancel: Cancel | None = None) -> dict[str, int]:
    """`write_fhir` in a worker thread, its progress reported on the running loop."""
    loop = asyncio.get_running_loop()

    def report(done: int, total: int) -> None:
        if progress is not None:
            loop.call_soon_threadsafe(progress, done, total)

    return await asyncio.to_thread(write_fhir, Path(folder), source, report, cancel)
