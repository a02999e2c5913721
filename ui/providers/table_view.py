"""The table view over a `ProviderTableModel`: whole rows, one at a time, read-only, fixed row heights."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView

from ui.providers.table_model import ProviderTableModel

ROW_HEIGHT = 28


def provider_view(
    model: ProviderTableModel, name: str, widths: dict[int, int], hidden: tuple[int, ...] = ()
) -> QTableView:
    """A view of `model` named `name` for screen readers, with column `widths` and `hidden` columns."""
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
    rows.setDefaultSectionSize(ROW_HEIGHT)  # fixed heights: never measured per row (STYLE.md, 14)
    rows.setMinimumSectionSize(ROW_HEIGHT)
    rows.hide()
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    for column, width in widths.items():
        table.setColumnWidth(column, width)
    for column in hidden:
        table.setColumnHidden(column, True)
    return table
