"""The table view over a `ProviderTableModel`: whole rows, one at a time, read-only, fixed row heights,
and columns that fit what they show (`ColumnFitter`)."""
from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QStyle, QTableView

from ui.providers.table_model import COLUMN_TEXTS, ProviderTableModel

ROW_HEIGHT = 28
CELL_SLACK = 6  # beyond the delegate's text margins: a bold or wider glyph never elides


class ColumnFitter(QObject):
    """Sizes a table's columns to their content, and shares the width left over among free-text ones.

    A column is never narrower than its header (with room for the sort arrow), nor than the widest
    text it can hold when the model names them (`COLUMN_TEXTS`: roles, statuses, dates), nor than
    its `widths` entry. What the viewport has beyond that goes to the `flexible` columns by weight, so
    no column takes all of it; when the viewport is narrower, the table scrolls sideways instead of
    eliding. Once the user drags a column, the widths are theirs.
    """

    def __init__(self, table: QTableView, widths: Mapping[int, int], flexible: Mapping[int, int]) -> None:
        super().__init__(table)
        self.table = table
        self.widths = dict(widths)
        self.flexible = dict(flexible)
        self.user_sized = False
        self._fitting = False
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.sectionResized.connect(self._on_header_section_resized)
        table.viewport().installEventFilter(self)
        self.fit()

    def needed(self, column: int) -> int:
        """The narrowest `column` may be: its header, its known texts, its given width."""
        table = self.table
        header = table.horizontalHeader()
        texts = COLUMN_TEXTS.get(column, ())
        margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
        content = max((table.fontMetrics().horizontalAdvance(text) for text in texts), default=0)
        return max(self.widths.get(column, 0), header.sectionSizeHint(column),
                   content + margin + CELL_SLACK if texts else 0)

    def fit(self) -> None:
        """Set every shown column's width for the viewport's width now."""
        if self.user_sized:
            return
        table = self.table
        model = table.model()
        columns = [c for c in range(model.columnCount()) if not table.isColumnHidden(c)]
        widths = {c: self.needed(c) for c in columns}
        spare = table.viewport().width() - sum(widths.values())
        weights = {c: w for c, w in self.flexible.items() if c in widths}
        total = sum(weights.values())
        if spare > 0 and total:
            for column, weight in weights.items():
                widths[column] += spare * weight // total
        self._fitting = True
        try:
            for column, width in widths.items():
                table.setColumnWidth(column, width)
        finally:
            self._fitting = False

    def _on_header_section_resized(self, _column: int, _old: int, _new: int) -> None:
        if not self._fitting and self.table.horizontalHeader().underMouse():
            self.user_sized = True  # the user dragged a column's edge

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False


def provider_view(
    model: ProviderTableModel, name: str, widths: Mapping[int, int], hidden: tuple[int, ...] = (),
    flexible: Mapping[int, int] | None = None,
) -> QTableView:
    """A view of `model` named `name` for screen readers, its columns at least `widths` wide (and as
    their content needs), `hidden` ones hidden, the spare width shared by the `flexible` ones (column:
    weight; the first shown column when none is given)."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    rows = table.verticalHeader()
    rows.setDefaultSectionSize(ROW_HEIGHT)  # fixed heights: never measured per row (docs/style.md, "Qt pitfalls")
    rows.setMinimumSectionSize(ROW_HEIGHT)
    rows.hide()
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    for column in hidden:
        table.setColumnHidden(column, True)
    shown = [c for c in range(model.columnCount()) if c not in hidden]
    table.column_fitter = ColumnFitter(table, widths, flexible or {shown[0]: 1})  # type: ignore[attr-defined]
    # Home and End go to the first and last provider, as in a list (Qt's table goes to the first and
    # last column: sideways, out of sight, nothing a reader of rows asked for).
    for keys, last in (("Home", False), ("End", True)):
        QShortcut(QKeySequence(keys), table, lambda last=last: _go_to_end(table, last=last),
                  context=Qt.ShortcutContext.WidgetShortcut)
    return table


def _go_to_end(table: QTableView, *, last: bool) -> None:
    rows = table.model().rowCount()
    if not rows:
        return
    index = table.model().index(rows - 1 if last else 0, max(table.currentIndex().column(), 0))
    table.setCurrentIndex(index)  # rows are selected whole: the row becomes the selection
    table.scrollTo(index)
