"""The walk every sync source runs on (app/directory/walk.py): reading ahead, progress, stopping, erasing."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path

import pytest

from app.directory.cache import DirectoryCache
from app.directory.walk import Walk
from app.directory.writer import Page
from tests.helpers.aio import run

KEY = bytes(range(32))


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[DirectoryCache]:
    opened = DirectoryCache.open(tmp_path / "c.db", KEY)
    yield opened
    opened.close()


class Recorded(Walk):
    """Three pages of one listed provider each; what happened, in order, in `events`."""

    def __init__(self, cache: DirectoryCache, *, fail_writing: str | None = None, spans: bool = False) -> None:
        super().__init__(cache)
        self.events: list[str] = []
        self.fetched = {n: threading.Event() for n in (1, 2, 3)}
        self.fail_writing = fail_writing
        self.spans = spans  # like a snapshot: nothing is committed before the last page
        self.closed = False

    async def pages(self) -> AsyncGenerator[Page, None]:
        try:
            for n in (1, 2, 3):
                self.events.append(f"fetch {n}")
                self.fetched[n].set()
                await asyncio.sleep(0)
                await self.off_loop(self.events.append, f"parse {n}")
                yield Page(cursor=f"c{n}", last=n == 3, listed=[f"p{n}"], total=3 if n < 3 else None)
        finally:
            self.closed = True

    def write(self, page: Page) -> int:
        self.events.append(f"write {page.cursor}")
        if page.cursor == "c1":  # the next page is being read while this one is written
            assert self.fetched[2].wait(10), "page 2 was not fetched during the write of page 1"
        if page.cursor == self.fail_writing:
            raise RuntimeError("disk full")
        self.events.append(f"written {page.cursor}")
        return 1

    def abort(self) -> bool:
        self.events.append("abort")
        return self.spans


def test_the_next_page_is_fetched_during_a_write_and_parsed_after_it(cache: DirectoryCache) -> None:
    walk = Recorded(cache)
    seen: list[tuple[int, int | None]] = []
    result = run(lambda: walk.run(lambda done, total: seen.append((done, total))))
    assert result.complete
    assert (result.changed, result.pages) == (3, 3)
    events = walk.events
    assert events.index("fetch 2") < events.index("written c1") < events.index("parse 2") < events.index("write c2")
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert walk.closed


@pytest.mark.parametrize("spans", [False, True])
def test_a_stop_ends_after_the_page_being_written_and_undoes_an_uncommitted_one(
    cache: DirectoryCache, spans: bool
) -> None:
    walk = Recorded(cache, spans=spans)
    cancel = asyncio.Event()
    result = run(lambda: walk.run(lambda _done, _total: cancel.set(), cancel))
    assert not result.complete
    assert [e for e in walk.events if e.startswith("write")] == ["write c1"], "no page after the stop is written"
    assert "abort" in walk.events
    assert result.changed == (0 if spans else 1), "what the source rolled back is not counted"
    assert walk.closed, "the source is closed: its request is dropped"


def test_an_error_aborts_the_walk_and_is_raised(cache: DirectoryCache) -> None:
    walk = Recorded(cache, fail_writing="c2")
    with pytest.raises(RuntimeError, match="disk full"):
        run(lambda: walk.run())
    assert walk.events[-1] == "abort"
    assert "written c1" in walk.events
    assert walk.closed


def test_a_walk_of_everything_erases_those_it_did_not_see(cache: DirectoryCache) -> None:
    walk = Recorded(cache)
    walk.known = {"p1", "p2", "p3", "gone", "also gone"}
    written: list[Page] = []
    plain = walk.write

    def keep(page: Page) -> int:
        written.append(page)
        return plain(page)

    walk.write = keep  # type: ignore[method-assign]
    result = run(lambda: walk.run())
    assert [list(page.deleted) for page in written] == [[], [], ["also gone", "gone"]]
    assert result.deleted == 2
