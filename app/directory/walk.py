"""One sync run over a source of pages: its walk, counts, progress, stopping, and a full walk's erasures.

A source (a `Walk`: the change feed, the snapshot, the list) says only how to read its pages
(`pages`, on the event loop: requests, and parsing through `off_loop`) and how to write one
(`write`: one transaction, in a worker thread). The walk reads the next page while it writes
this one: its requests overlap the write, its parsing waits for it (one worker thread at a time
leaves the loop its share of the GIL). It reports progress after each page, stops after the page
it is writing when `cancel` is set, and, for a source that lists every provider (`known` set),
erases with its last page those it did not see. (The shape of libpretixsync's download adapters.)
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from typing import ParamSpec, TypeVar

from app.directory.cache import DirectoryCache
from app.directory.writer import Page

Progress = Callable[[int, int | None], None]
P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class SyncResult:
    """What one run did: rows changed and deleted, pages, whether it reached the end, and how long it took."""

    changed: int
    deleted: int
    pages: int
    complete: bool
    seconds: float


class Walk(ABC):
    """One run of a source over `cache`; subclasses read and write pages, `run` does the rest."""

    def __init__(self, cache: DirectoryCache) -> None:
        self.cache = cache
        self.known: Collection[str] | None = None  # the cached ids, when a walk's absence means removal
        self._worker: asyncio.Lock | None = None

    @abstractmethod
    def pages(self) -> AsyncGenerator[Page, None]:
        """The pages of the run, its last marked `last` (a source that ends without one is incomplete)."""

    @abstractmethod
    def write(self, page: Page) -> int:
        """Write `page` (a worker thread's call); how many providers it changed."""

    def abort(self) -> bool:
        """Undo what was written and not committed, after an error or a stop; whether anything was."""
        return False

    async def off_loop(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`function` in a worker thread, once the walk's other worker call (a write) has ended."""
        if self._worker is None:
            self._worker = asyncio.Lock()
        async with self._worker:
            return await asyncio.to_thread(function, *args, **kwargs)

    async def run(self, progress: Progress | None = None, cancel: asyncio.Event | None = None) -> SyncResult:
        """Walk the pages; stop early (complete False) when `cancel` is set. Errors are raised as the
        source meets them; every page committed before stays."""
        with _quiet_collector():
            return await self._walk(progress, cancel)

    async def _walk(self, progress: Progress | None, cancel: asyncio.Event | None) -> SyncResult:
        tally = _Tally(time.perf_counter())
        pages = self.pages()
        ahead: asyncio.Future[Page | None] | None = asyncio.ensure_future(_next(pages))
        try:
            while ahead is not None and (page := await ahead) is not None:
                ahead = None
                if not (page.last or _is_set(cancel)):  # the next page is read while this one is written
                    ahead = asyncio.ensure_future(_next(pages))
                if self.known is not None:
                    tally.see(page)
                    if page.last:
                        page = replace(page, deleted=sorted(set(self.known) - tally.seen))
                tally.add(page, await self.off_loop(self.write, page))
                if progress is not None:
                    progress(*tally.progress(page))
                if _is_set(cancel):
                    break
        except BaseException:
            await _close(ahead, pages)
            await asyncio.to_thread(self.abort)
            raise
        await _close(ahead, pages)
        if not tally.complete and await asyncio.to_thread(self.abort):
            tally.undone()
        return tally.result()


@dataclass
class _Tally:
    start: float
    changed: int = 0
    deleted: int = 0
    pages: int = 0
    done: int = 0  # providers gone through, for progress
    complete: bool = False
    seen: set[str] = field(default_factory=set)

    def see(self, page: Page) -> None:
        self.seen.update(page.listed if page.listed is not None else (row.id for row in page.rows))

    def add(self, page: Page, written: int) -> None:
        self.changed += written
        self.deleted += len(page.deleted)
        self.pages += page.answers
        self.done += len(page.listed) if page.listed is not None else written + len(page.deleted)
        self.complete = page.last

    def progress(self, page: Page) -> tuple[int, int | None]:
        """Providers so far, and how many in all when known (at the end: as many)."""
        return self.done, page.total if page.total is not None else self.done if page.last else None

    def undone(self) -> None:
        self.changed = self.deleted = self.pages = 0

    def result(self) -> SyncResult:
        return SyncResult(self.changed, self.deleted, self.pages, self.complete, time.perf_counter() - self.start)


def _is_set(cancel: asyncio.Event | None) -> bool:
    return cancel is not None and cancel.is_set()


async def _next(pages: AsyncGenerator[Page, None]) -> Page | None:
    return await anext(pages, None)


async def _close(ahead: asyncio.Future[Page | None] | None, pages: AsyncGenerator[Page, None]) -> None:
    """Stop reading: the page being read is dropped (its request cancelled), then the source is closed."""
    if ahead is not None:
        ahead.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await ahead
    await pages.aclose()


@contextlib.contextmanager
def _quiet_collector() -> Iterator[None]:
    """While a walk runs: the objects of each parsed page made Python's collector scan the whole heap now
    and then (20-40 ms with the GIL held: the loop stalled; 100 ms and more beside a large heap), so the
    objects already there are left out; and the loop, which waits for the GIL up to the switch interval
    whenever a worker thread runs Python, waits less."""
    gc.freeze()
    switch = sys.getswitchinterval()
    sys.setswitchinterval(min(switch, 0.001))
    try:
        yield
    finally:
        sys.setswitchinterval(switch)
        gc.unfreeze()
