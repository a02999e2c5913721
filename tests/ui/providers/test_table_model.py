"""The directory's table model: counts, blocks read on demand, sorting in the cache, qtmodeltester."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.directory.query import DirectoryQuery, ProviderRow
from tests.helpers.qt import run_ui, wait_until
from ui.providers import table_model
from ui.providers.table_model import BLOCK_SIZE, COLUMNS, ID_ROLE, KEPT_BLOCKS, ROW_ROLE, ProviderTableModel


def _row(n: int) -> ProviderRow:
    return ProviderRow(id=f"id-{n:05}", full_name=f"Name {n:05}", professional_title="Dr." if n % 2 else "RN",
                       professional_role="Physician", specialization=f"Spec {n % 7}",
                       organization_facility=f"Org {n % 5}", license_number=f"LN-{n:05}",
                       license_status="verified", license_expiry_date=None if n % 3 else "2030-01-01",
                       email=f"p{n}@example.org", is_active=n % 10 != 0)


class ListCache:
    """A stand-in for DirectoryCache over a list: same count/rows contract, and it records reads."""

    def __init__(self, rows: list[ProviderRow]) -> None:
        self.all = rows
        self.reads: list[tuple[int, int]] = []

    def _matching(self, query: DirectoryQuery) -> list[ProviderRow]:
        rows = [r for r in self.all if query.is_active is None or r.is_active == query.is_active]
        rows = [r for r in rows if query.text.lower() in r.full_name.lower()]
        key = "full_name" if query.order_by == "name" else query.order_by
        return sorted(rows, key=lambda r: (getattr(r, key) or "", r.id), reverse=query.descending)

    def count(self, query: DirectoryQuery, conn: object = None, cap: int | None = None) -> int:
        found = len(self._matching(query))
        return found if cap is None else min(found, cap)

    def size(self) -> int:
        return len(self.all)

    def counts_in_worker(self, queries: list[DirectoryQuery]) -> list[int]:
        return [self.count(query) for query in queries]

    def rows(self, query: DirectoryQuery, offset: int, limit: int) -> list[ProviderRow]:
        self.reads.append((offset, limit))
        return self._matching(query)[offset:offset + limit]


@pytest.fixture
def cache() -> ListCache:
    return ListCache([_row(n) for n in range(2500)])


def test_model_under_qtmodeltester(qtmodeltester: object, cache: ListCache) -> None:
    model = ProviderTableModel(DirectoryQuery(is_active=None))
    model.set_cache(cache)  # type: ignore[arg-type]
    qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]
    model.set_query(DirectoryQuery(text="name 0001"))
    qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]


def test_counts_at_once_and_reads_rows_only_when_shown(cache: ListCache) -> None:
    model = ProviderTableModel(DirectoryQuery())
    model.set_cache(cache)  # type: ignore[arg-type]
    assert model.rowCount() == 2250  # the active ones
    assert cache.reads == [], "counting reads no row"
    assert model.index(0, 0).data() == "Name 00001"
    assert model.index(BLOCK_SIZE - 1, 7).data() is not None
    assert cache.reads == [(0, BLOCK_SIZE)], "one block for the first screen"
    model.index(2000, 0).data()
    assert cache.reads[-1] == (2000 // BLOCK_SIZE * BLOCK_SIZE, BLOCK_SIZE)
    for block in range(KEPT_BLOCKS + 2):
        model.index(block * BLOCK_SIZE, 0).data()
    reads = len(cache.reads)
    model.index((KEPT_BLOCKS + 1) * BLOCK_SIZE, 0).data()
    assert len(cache.reads) == reads, "a recent block is kept"
    assert len(model._blocks) <= KEPT_BLOCKS


def test_a_large_result_is_counted_to_the_cap_at_once_and_exactly_after(
    loop: asyncio.AbstractEventLoop, cache: ListCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 23, item 4: in a large cache the loop counts only up to the cap; the rest comes from a
    worker and is added as rows, and the words say "+" meanwhile."""
    monkeypatch.setattr(table_model, "CAPPED_FROM", 1000)
    monkeypatch.setattr(table_model, "COUNT_CAP", 300)

    async def body() -> None:
        model = ProviderTableModel(DirectoryQuery())
        inserted: list[tuple[int, int]] = []
        model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
        model.set_cache(cache)  # type: ignore[arg-type]
        assert model.rowCount() == 300
        assert not model.exact
        assert model.count_words == "300+"
        await wait_until(lambda: model.exact, what="the exact count")
        assert model.rowCount() == 2250
        assert model.count_words == "2,250"
        assert inserted == [(300, 2249)]
        model.set_query(DirectoryQuery(text="name 0001"))  # fewer than the cap: exact at once
        assert model.exact
        assert model.rowCount() == 9  # Name 00010 to 00019, 00010 inactive
        model.set_query(DirectoryQuery(is_active=None))
        model.set_query(DirectoryQuery(text="name 00"))  # the first one's worker answers for nothing
        await wait_until(lambda: model.exact, what="the exact count of the last query")
        assert model.rowCount() == 900  # Name 00000 to 00999, a tenth inactive

    run_ui(loop, body)


def test_roles_and_inactive_rows(cache: ListCache) -> None:
    model = ProviderTableModel(DirectoryQuery(is_active=None))
    model.set_cache(cache)  # type: ignore[arg-type]
    index = model.index(0, 0)
    row = index.data(ROW_ROLE)
    assert isinstance(row, ProviderRow)
    assert index.data(ID_ROLE) == row.id == "id-00000"
    assert not row.is_active
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None, "a deactivated provider reads muted"
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(0, 5).data() == "Verified"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Name"
    assert model.data(QModelIndex()) is None


def test_sorting_changes_the_query_not_the_rows_in_qt(cache: ListCache) -> None:
    model = ProviderTableModel(DirectoryQuery())
    model.set_cache(cache)  # type: ignore[arg-type]
    email = [key for _label, key in COLUMNS].index("email")
    model.sort(email, Qt.SortOrder.DescendingOrder)
    assert (model.query.order_by, model.query.descending) == ("email", True)
    shown = [model.index(r, email).data() for r in range(5)]
    expected = [r.email for r in cache.rows(replace(model.query), 0, 5)]
    assert shown == expected
    assert shown == sorted(shown, reverse=True)


def test_refresh_keeps_the_query_and_reads_again(cache: ListCache) -> None:
    model = ProviderTableModel(DirectoryQuery(text="name 0000"))
    model.set_cache(cache)  # type: ignore[arg-type]
    assert model.count == 9  # 00001..00009; 00000 is inactive
    cache.all.append(replace(_row(1), id="id-new", full_name="Name 0000 new"))
    model.refresh()
    assert model.count == 10
    model.set_cache(None)
    assert model.rowCount() == 0
