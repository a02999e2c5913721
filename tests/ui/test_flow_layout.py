"""The flow layout of the directory's filters (ui/widgets/flow_layout.py): one row when there is
room, more rows when not, every widget at its size hint and inside the row's widget."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QVBoxLayout, QWidget

from ui.widgets.flow_layout import FlowLayout


def _window(qapp: QApplication) -> tuple[QWidget, QWidget, list[QWidget]]:
    window = QWidget()
    column = QVBoxLayout(window)
    row = QWidget()
    flow = FlowLayout(row, spacing=6)
    widgets: list[QWidget] = []
    for text in ("Any role", "Any specialization", "Any organization", "Any license status"):
        combo = QComboBox()
        combo.addItem(text)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        flow.addWidget(combo)
        widgets.append(combo)
    button = QPushButton("Clear")
    flow.addWidget(button)
    widgets.append(button)
    column.addWidget(row)
    column.addStretch(1)
    window.show()
    return window, row, widgets


def test_one_row_when_wide_more_rows_when_narrow(qapp: QApplication) -> None:
    window, row, widgets = _window(qapp)
    needed = sum(w.sizeHint().width() for w in widgets) + 6 * (len(widgets) - 1) + 40
    for width, fewest, most in ((needed, 1, 1), (needed // 2, 2, 3), (1, len(widgets), len(widgets))):
        window.resize(width, 400)  # 1: as narrow as the widest widget allows
        qapp.processEvents()
        rows = len({w.y() for w in widgets})
        assert fewest <= rows <= most, f"{rows} rows at {window.width()} px"
        for widget in widgets:
            assert widget.size() == widget.sizeHint(), "never squeezed"
            assert row.rect().contains(widget.geometry()), f"inside at {width}: {widget.geometry()}"
    window.resize(needed // 2, 400)
    qapp.processEvents()
    assert row.height() >= row.layout().heightForWidth(row.width())
    window.close()
