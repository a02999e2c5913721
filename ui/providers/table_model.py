"""The directory's table model: an adapter between the local cache and a QTableView.

The model keeps the query and its match count; rows come from `cache.rows(query, offset, limit)`
in blocks, the first time a row of the block is asked for, and a few recent blocks are kept.
Sorting and filtering happen in SQL: clicking a header changes the query, never a Qt proxy.

In a large cache (CAPPED_FROM providers and more) a query is counted on the event loop only up to
COUNT_CAP, which any first screen needs and costs a few milliseconds; when there are more, the
exact count is made on a worker thread and the rows beyond the cap are added when it comes
(`exact` is False meanwhile, and `counted` is emitted then): a count of 250,000 search matches
among a million took 50-95 ms, every frame of it a stall.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from app.api.models import LicenseStatus, ProfessionalRole

if TYPE_CHECKING:
    from app.directory.cache import DirectoryCache
    from app.directory.query import DirectoryQuery, ProviderRow

log = logging.getLogger(__name__)
# Looked up once: the short enum spelling costs microseconds per call in data() (docs/style.md, "Qt pitfalls").
DISPLAY_ROLE = Qt.ItemDataRole.DisplayRole
TOOLTIP_ROLE = Qt.ItemDataRole.ToolTipRole
FOREGROUND_ROLE = Qt.ItemDataRole.ForegroundRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
HORIZONTAL = Qt.Orientation.Horizontal
BLOCK_SIZE = 200
CAPPED_FROM = 100_000
COUNT_CAP = 2_000
KEPT_BLOCKS = 12
Index = QModelIndex | QPersistentModelIndex
STATUS_LABELS = {status.value: status.label for status in LicenseStatus}

# (header, sort key of the cache, how a row shows in the column)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Name", "full_name"),
    ("Role", "professional_role"),
    ("Specialization", "specialization"),
    ("Organization", "organization_facility"),
    ("License number", "license_number"),
    ("License status", "license_status"),
    ("License expiry", "license_expiry_date"),
    ("Email", "email"),
    ("Registered", "created_at"),  # the worklist's order; hidden in the directory (no index sorts by it alone)
)
REGISTERED = len(COLUMNS) - 1
# Every text a column of a closed set can show (the view sizes those columns to the widest, so none is
# elided); dates are ISO, and every digit is as wide as "0".
COLUMN_TEXTS: dict[int, tuple[str, ...]] = {
    1: tuple(role.value for role in ProfessionalRole),
    5: tuple(STATUS_LABELS.values()),
    6: ("0000-00-00",),
    REGISTERED: ("0000-00-00",),
}


def cell_text(row: ProviderRow, column: int) -> str:
    """What column `column` shows for `row` (no parsing: the cache's strings as they are)."""
    if column == 5:  # "" from a server that does not report it (app/directory/list_walk.py)
        return STATUS_LABELS.get(row.license_status, row.license_status) or "—"
    if column == 6:
        return row.license_expiry_date or ""
    if column == REGISTERED:
        return row.created_at[:10]
    return getattr(row, COLUMNS[column][1])


class ProviderTableModel(QAbstractTableModel):
    """The providers matching a `DirectoryQuery`, read block by block from a `DirectoryCache`.

    Signals:
        counted(): the exact count of a query counted up to the cap came (rows were added).
    """

    counted = Signal()

    def __init__(self, query: DirectoryQuery, parent: Any = None) -> None:
        super().__init__(parent)
        self.cache: DirectoryCache | None = None
        self.query = query
        self._count = 0
        self.exact = True  # False while a capped count waits for the worker's exact one
        self._counting: asyncio.Task[Any] | None = None
        self._blocks: OrderedDict[int, list[ProviderRow]] = OrderedDict()
        self.block_reads = 0

    # ---- what the page changes ----

    def set_cache(self, cache: DirectoryCache | None) -> None:
        """Read from `cache` from now on (None: show nothing)."""
        self.cache = cache
        self._reset()

    def set_query(self, query: DirectoryQuery) -> None:
        """Show the rows matching `query`; counts them at once, reads rows only when shown."""
        self.query = query
        self._reset()

    def refresh(self) -> None:
        """Read again after the cache changed (a sync); the query stays."""
        count = self._counted()
        if count == self._count:
            self._blocks.clear()
            if count:
                self.dataChanged.emit(self.index(0, 0), self.index(count - 1, len(COLUMNS) - 1))
            return
        self._reset(count)

    def _counted(self) -> int:
        """The count shown now: exact, or in a large cache up to COUNT_CAP (the rest from a worker)."""
        cache, query = self.cache, self.query
        if self._counting is not None:
            self._counting.cancel()
            self._counting = None
        if cache is None:
            return 0
        if cache.size() < CAPPED_FROM:
            self.exact = True
            return cache.count(query)
        count = cache.count(query, cap=COUNT_CAP)
        self.exact = count < COUNT_CAP
        if not self.exact:
            self._counting = asyncio.ensure_future(asyncio.to_thread(cache.counts_in_worker, [query]))
            self._counting.add_done_callback(lambda task: self._on_counted(task, query))
        return count

    def _on_counted(self, task: asyncio.Task[Any], query: DirectoryQuery) -> None:
        if task.cancelled() or query is not self.query or not shiboken6.isValid(self):
            return
        self._counting = None
        error = task.exception()
        counts = None if error is not None else task.result()
        if error is not None:
            log.warning("the exact count failed (%s); the first %d are shown", type(error).__name__, self._count)
        if counts is None:  # the cache closed meanwhile
            return
        if counts[0] > self._count:
            self.beginInsertRows(QModelIndex(), self._count, counts[0] - 1)
            self._count = counts[0]
            self.endInsertRows()
        self.exact = True
        self.counted.emit()

    def _reset(self, count: int | None = None) -> None:
        self.beginResetModel()
        self._blocks.clear()
        self._count = self._counted() if count is None else count
        self.endResetModel()

    @property
    def count(self) -> int:
        """How many providers match the query (so far: see `exact`)."""
        return self._count

    @property
    def count_words(self) -> str:
        """The count as shown: "2,000+" while the exact one is being made."""
        return f"{self._count:,}" + ("" if self.exact else "+")

    def row_at(self, row: int) -> ProviderRow | None:
        """The provider shown in `row` (its block is read if it is not kept)."""
        if not 0 <= row < self._count or self.cache is None:
            return None
        number = row // BLOCK_SIZE
        block = self._blocks.get(number)
        if block is None:
            block = self.cache.rows(self.query, number * BLOCK_SIZE, BLOCK_SIZE)
            self.block_reads += 1
            self._blocks[number] = block
            while len(self._blocks) > KEPT_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(number)
        offset = row - number * BLOCK_SIZE
        return block[offset] if offset < len(block) else None

    def row_of(self, provider_id: str, limit: int = BLOCK_SIZE * KEPT_BLOCKS) -> int | None:
        """The row showing `provider_id` among the kept blocks, or None."""
        for number, block in self._blocks.items():
            for offset, row in enumerate(block[:limit]):
                if row.id == provider_id:
                    return number * BLOCK_SIZE + offset
        return None

    # ---- QAbstractTableModel ----

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's default argument)
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's default argument)
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if role not in (DISPLAY_ROLE, TOOLTIP_ROLE, FOREGROUND_ROLE, ID_ROLE, ROW_ROLE) or not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role in (DISPLAY_ROLE, TOOLTIP_ROLE):
            return cell_text(row, index.column())
        if role == ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        if not row.is_active:  # FOREGROUND_ROLE: a deactivated provider reads muted
            return QApplication.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE) -> Any:
        if role == DISPLAY_ROLE and orientation == HORIZONTAL and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by the column's key in the cache (SQL), not in Qt."""
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        key = "name" if column == 0 else COLUMNS[column][1]
        if (key, descending) == (self.query.order_by, self.query.descending):
            return
        self.query = replace(self.query, order_by=key, descending=descending)
        self._reset(self._count)  # the same rows in another order: no need to count again
