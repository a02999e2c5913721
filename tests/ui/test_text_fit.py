"""The layout checker of tests/helpers/text_fit.py finds what does not fit, and only that: each kind
of widget squeezed on purpose, then given room."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabBar,
    QTableView,
    QToolButton,
    QWidget,
)

from tests.helpers.text_fit import misfits


@pytest.fixture
def window(qapp: QApplication) -> Iterator[QWidget]:
    """A shown window without a layout: each test places a widget in it by hand."""
    holder = QWidget()
    holder.setWindowTitle("Fit")
    holder.resize(800, 400)
    holder.show()
    yield holder
    holder.close()
    holder.deleteLater()


def _place(widget: QWidget, parent: QWidget, width: int, height: int = 30) -> QWidget:
    widget.setParent(parent)
    widget.setGeometry(10, 10, width, height)
    widget.show()
    return widget


def test_a_button_narrower_than_its_text_is_listed(window: QWidget) -> None:
    button = _place(QPushButton("Export audit trail…"), window, 60)
    found = misfits(window)
    assert [(m.text, m.why) for m in found] == [("Export audit trail…", "is cut off (button narrower than its text)")]
    assert found[0].need > found[0].have
    button.setFixedWidth(button.sizeHint().width())
    assert misfits(window) == []


def test_a_mnemonic_is_not_counted_and_a_tool_button_elides(window: QWidget) -> None:
    _place(QPushButton("&Save"), window, QPushButton("Save").sizeHint().width())
    assert misfits(window) == []
    tool = QToolButton()
    tool.setText("Fit width")
    _place(tool, window, 20)
    assert [m.text for m in misfits(window)] == ["Fit width"]


def test_labels_one_line_wrapped_and_cut_by_their_parent(window: QWidget) -> None:
    label = _place(QLabel("Consultation fee must have at most 2 decimals"), window, 120)
    assert [m.why for m in misfits(window)] == ["is cut off (label narrower than its text)"]
    label.setWordWrap(True)
    label.resize(120, 18)  # wrapped, but one line high
    assert [m.why for m in misfits(window)] == ["is cut off at the bottom (wrapped text taller than the label)"]
    label.resize(120, label.heightForWidth(120))
    assert misfits(window) == []
    label.move(window.width() - 60, 10)  # half outside the window
    assert [m.why for m in misfits(window)] == ["is cut by the side of its parent"]


def test_tabs_behind_scroll_arrows_or_elided(window: QWidget) -> None:
    bar = QTabBar()
    for text in ("Pending (7)", "≤ 30 days (1)", "Expired (4)", "Rejected (3)"):
        bar.addTab(text)
    _place(bar, window, 200)
    found = misfits(window)
    assert "Rejected (3)" in [m.text for m in found]
    bar.setUsesScrollButtons(False)
    bar.setElideMode(Qt.TextElideMode.ElideRight)
    bar.resize(200, bar.height())
    assert any(m.why == "is elided" for m in misfits(window))
    bar.resize(bar.sizeHint().width(), bar.height())
    assert misfits(window) == []


def test_a_header_section_narrower_than_its_title(window: QWidget) -> None:
    model = QStandardItemModel(3, 2)
    model.setHorizontalHeaderLabels(["Name", "License expiry"])
    table = QTableView()
    table.setModel(model)
    _place(table, window, 400, 200)
    table.setColumnWidth(1, 40)
    assert [(m.text, m.why) for m in misfits(window)] == [("License expiry", "header is elided")]
    table.setColumnWidth(1, table.horizontalHeader().sectionSizeHint(1))
    assert misfits(window) == []


def test_a_combo_box_too_narrow_for_its_choice(window: QWidget) -> None:
    combo = QComboBox()
    combo.addItems(["Any specialization"])
    _place(combo, window, 70)
    assert [m.why for m in misfits(window)] == ["is cut off in the combo box"]
    combo.resize(combo.sizeHint().width(), combo.height())
    assert misfits(window) == []


def test_a_placeholder_cut_off_and_hidden_widgets_skipped(window: QWidget) -> None:
    edit = _place(QLineEdit(), window, 80)
    edit.setPlaceholderText("Search names, emails, license numbers")
    assert [m.why for m in misfits(window)] == ["placeholder is cut off"]
    edit.setText("x")  # the placeholder is not shown
    assert misfits(window) == []
    edit.hide()
    _place(QPushButton("A long hidden button text"), window, 10).hide()
    assert misfits(window) == []
