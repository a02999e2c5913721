"""Windows are never shorter than their wrapped text (ui/common/window_fit.py): made as narrow as
they allow, they grow taller; a message that grows makes them taller too; dialogs and plain top-level
windows alike (the sign-in window). With the filter taken away, the same window shows what Qt does
without it: the sentence is cut at the bottom."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from tests.helpers.text_fit import misfits
from ui.common.window_fit import fit_windows

SENTENCE = ("60 providers match the current search and filters. They will be saved with a header row, "
            "in UTF-8, ready for Excel or LibreOffice.")


def _build(window: QWidget) -> QLabel:
    column = QVBoxLayout(window)
    label = QLabel(SENTENCE)
    label.setWordWrap(True)
    column.addWidget(label)
    column.addWidget(QLineEdit())
    window.show()
    return label


@pytest.fixture
def app(qapp: QApplication) -> QApplication:
    assert fit_windows(qapp) is fit_windows(qapp), "installed once"
    return qapp


def _settle(app: QApplication) -> None:
    for _ in range(3):
        app.processEvents()


def test_a_dialog_made_narrow_grows_taller_and_keeps_its_sentence_whole(app: QApplication) -> None:
    dialog = QDialog()
    label = _build(dialog)
    _settle(app)
    dialog.resize(1, 1)
    _settle(app)
    assert dialog.height() >= dialog.layout().totalHeightForWidth(dialog.width())
    assert label.height() >= label.heightForWidth(label.width())
    assert misfits(dialog) == []
    label.setText(SENTENCE + " " + SENTENCE)  # the message grows
    _settle(app)
    assert misfits(dialog) == []
    dialog.close()


def test_a_plain_window_is_fitted_too(app: QApplication) -> None:
    window = QWidget()  # a top-level window that is no dialog, as the sign-in window
    label = _build(window)
    _settle(app)
    window.resize(1, 1)
    _settle(app)
    assert misfits(window) == []
    label.setText(SENTENCE + " " + SENTENCE)
    _settle(app)
    assert misfits(window) == []
    window.close()


def test_without_the_filter_a_window_cuts_its_wrapped_sentence(app: QApplication) -> None:
    fit = fit_windows(app)
    app.removeEventFilter(fit)
    try:
        window = QWidget()
        _build(window)
        _settle(app)
        window.resize(1, 1)
        _settle(app)
        assert [m.why for m in misfits(window)] == ["is cut off at the bottom (wrapped text taller than the label)"]
        window.close()
    finally:
        app.installEventFilter(fit)
