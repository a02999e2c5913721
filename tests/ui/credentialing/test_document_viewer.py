"""The license document viewer with real documents: a 2-page PDF made by QPdfWriter, a PNG made by QImage."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageSize, QPainter, QPdfWriter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication, QWidget

from app.api.models import DocumentFile
from ui.common.theme import apply_theme
from ui.credentialing.document_viewer import MISMATCH_TEXT, DocumentViewer, DocumentWindow, describe, open_full_size
from ui.credentialing.zoom import MARGIN


def pdf_bytes(pages: int = 2) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(300)
    painter = QPainter(writer)
    painter.setFont(QFont("Sans", 28))
    for page in range(pages):
        if page:
            writer.newPage()
        painter.drawRect(QRect(150, 150, 2180, 3200))
        painter.drawText(QPoint(300, 500), "Medical license")
        painter.drawText(QPoint(300, 800), f"Page {page + 1} of {pages}")
    painter.end()
    return bytes(buffer.data().data())


def png_bytes(width: int = 1600, height: int = 1000) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#fdf6e3"))
    painter = QPainter(image)
    painter.setPen(QColor("#1d2733"))
    painter.setFont(QFont("Sans", 60))
    painter.drawRect(40, 40, width - 80, height - 80)
    painter.drawText(QPoint(120, 240), "State Medical Board: license 12345")
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def document(content: bytes, content_type: str, sha256: str | None = "") -> DocumentFile:
    digest = hashlib.sha256(content).hexdigest() if sha256 == "" else sha256
    return DocumentFile(content=content, content_type=content_type, sha256=digest)


@pytest.fixture
def viewer(qapp: QApplication, qtbot) -> DocumentViewer:
    apply_theme(qapp, dark=False)
    widget = DocumentViewer()
    qtbot.addWidget(widget)
    widget.resize(560, 720)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shot(qtbot, widget: QWidget, path: str) -> None:
    """Save what `widget` shows once QtPdf's render thread and the layouts have caught up."""
    qtbot.wait(300)
    assert widget.grab().save(path)


def zoom_percent(viewer: DocumentViewer) -> int:
    return int(viewer.zoom.label.text().rstrip("%"))


def test_pdf_loads_all_pages_fitted_to_the_width(viewer: DocumentViewer, qtbot) -> None:
    content = pdf_bytes()
    viewer.show_document(document(content, "application/pdf"), uploaded_at=datetime(2026, 11, 24, 14, 5, tzinfo=UTC))
    assert viewer.state == "pdf"
    assert viewer.pdf.status() == QPdfDocument.Status.Ready
    assert viewer.pdf.pageCount() == 2
    assert viewer.pdf_view.document() is viewer.pdf
    assert viewer.stack.currentWidget() is viewer.pdf_view
    assert viewer.page_label.text() == "Page 1 of 2"
    assert viewer.zoom.fit_action.isChecked()
    assert viewer.facts.text().startswith(f"PDF · {round(len(content) / 1024)} KB · uploaded ")
    viewer.pdf_view.verticalScrollBar().setValue(viewer.pdf_view.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: viewer.page_label.text() == "Page 2 of 2")
    shot(qtbot, viewer, "/tmp/docviewer_pdf_page2.png")
    viewer.show_document(document(pdf_bytes(), "application/pdf"))  # the next provider's: from the top
    assert viewer.page_label.text() == "Page 1 of 2"
    assert viewer.pdf_view.verticalScrollBar().value() == 0
    shot(qtbot, viewer, "/tmp/docviewer_pdf.png")


def test_pdf_zoom_steps_and_fit_width(viewer: DocumentViewer) -> None:
    viewer.show_document(document(pdf_bytes(), "application/pdf"))
    fitted = zoom_percent(viewer)
    viewer.zoom.in_action.trigger()
    assert viewer.pdf_view.zoomFactor() > fitted / 100
    assert zoom_percent(viewer) == round(viewer.pdf_view.zoomFactor() * 100)
    assert not viewer.zoom.fit_action.isChecked()
    viewer.zoom.out_action.trigger()
    viewer.zoom.out_action.trigger()
    assert zoom_percent(viewer) < fitted
    viewer.zoom.fit_action.trigger()
    assert zoom_percent(viewer) == fitted
    assert viewer.zoom.fit_action.isChecked()


def test_png_fits_the_width_and_zooms_with_the_keyboard(viewer: DocumentViewer, qtbot) -> None:
    content = png_bytes()
    viewer.show_document(document(content, "image/png"), size=len(content))
    assert viewer.state == "image"
    canvas, view = viewer.image_view.canvas, viewer.image_view
    assert viewer.stack.currentWidget() is view
    image_width = canvas.width() - 2 * MARGIN
    assert view.viewport().width() - 2 <= canvas.width() <= view.viewport().width()
    assert canvas.height() - 2 * MARGIN == pytest.approx(image_width * 1000 / 1600, abs=1)
    fitted = zoom_percent(viewer)
    assert fitted == round(image_width / 16)
    shot(qtbot, viewer, "/tmp/docviewer_png.png")

    viewer.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert zoom_percent(viewer) > fitted
    assert canvas.width() - 2 * MARGIN == round(1600 * zoom_percent(viewer) / 100)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert zoom_percent(viewer) < fitted
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert zoom_percent(viewer) == fitted

    viewer.resize(420, 720)  # a narrower pane: the image is fitted again
    qtbot.waitUntil(lambda: canvas.width() <= view.viewport().width() < 420)
    assert zoom_percent(viewer) < fitted


def test_metadata_shows_type_size_time_and_checksum(viewer: DocumentViewer) -> None:
    content = png_bytes(400, 300)
    digest = hashlib.sha256(content).hexdigest()
    uploaded = datetime(2026, 11, 24, 14, 5, tzinfo=UTC)
    viewer.show_document(document(content, "image/png"), uploaded_at=uploaded, size=1_250_000)
    local = uploaded.astimezone()
    assert viewer.facts.text() == f"PNG image · 1.2 MB · uploaded {local.day} {local:%b %Y %H:%M}"
    assert viewer.checksum.text() == f"SHA-256 {digest[:12]}…"
    assert digest in viewer.checksum.toolTip()
    assert viewer.checksum.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert viewer.warning.isHidden()
    jpeg = DocumentFile(content=b"\xff\xd8\xff", content_type="image/jpeg", sha256=None)
    assert describe(jpeg, None, 2048) == "JPEG image · 2 KB"


def test_checksum_mismatch_shows_the_warning(viewer: DocumentViewer, qtbot) -> None:
    viewer.show_document(document(pdf_bytes(1), "application/pdf", sha256="0" * 64))
    assert viewer.state == "pdf"
    assert viewer.warning.isVisible()
    assert viewer.warning.findChild(type(viewer.facts)).text() == MISMATCH_TEXT
    assert "0" * 64 in viewer.checksum.toolTip()
    shot(qtbot, viewer, "/tmp/docviewer_mismatch.png")
    viewer.show_document(document(pdf_bytes(1), "application/pdf"))
    assert viewer.warning.isHidden()


def test_broken_pdf_shows_an_error_not_a_traceback(viewer: DocumentViewer, qtbot) -> None:
    viewer.show_document(document(b"%PDF-1.4 garbage", "application/pdf"))
    assert viewer.state == "error"
    assert viewer.message.text() == "This PDF cannot be displayed: the file is damaged or is not a PDF."
    assert viewer.pdf.pageCount() == 0
    assert viewer.zoom.isHidden()
    assert viewer.full_size_button.isHidden()
    assert not viewer.zoom.in_action.isEnabled()
    assert viewer.facts.text().startswith("PDF · 16 bytes")
    shot(qtbot, viewer, "/tmp/docviewer_broken.png")
    viewer.show_document(document(b"\x89PNG\r\n\x1a\nnot really", "image/png"))
    assert viewer.state == "error"
    assert viewer.message.text().startswith("This image cannot be displayed: ")


def test_states_unsupported_empty_loading_error_and_clear(viewer: DocumentViewer) -> None:
    viewer.show_document(document(b"GIF89a", "image/gif"))
    assert viewer.state == "unsupported"
    assert viewer.message.text() == ("A document of type “image/gif” cannot be shown here; "
                                     "only PDF, PNG and JPEG documents can.")
    viewer.show_loading()
    assert (viewer.state, viewer.message.text()) == ("loading", "Loading the document…")
    viewer.show_error("The document could not be downloaded.")
    assert (viewer.state, viewer.message.text()) == ("error", "The document could not be downloaded.")
    viewer.show_document(document(pdf_bytes(1), "application/pdf"))
    viewer.clear()
    assert (viewer.state, viewer.message.text()) == ("empty", "No license document uploaded.")
    assert viewer.document is None
    assert viewer.pdf.status() == QPdfDocument.Status.Null
    assert viewer.facts.text() == ""
    assert viewer.warning.isHidden()
    viewer.show_empty("No document for this provider.")
    assert viewer.message.text() == "No document for this provider."
    assert viewer.pdf_view.accessibleName()
    assert viewer.image_view.accessibleName()
    assert viewer.zoom.label.accessibleName()


def test_full_size_window_opens_and_closes_with_escape(viewer: DocumentViewer, qtbot) -> None:
    doc = document(png_bytes(), "image/png")
    viewer.show_document(doc)
    viewer.full_size_button.click()
    window = viewer.full_size_window
    assert isinstance(window, DocumentWindow)
    qtbot.waitExposed(window)
    assert not window.isModal()
    assert window.viewer.document == doc
    assert window.viewer.state == "image"
    assert window.width() > viewer.width()
    assert window.viewer.image_view.canvas.width() > viewer.image_view.canvas.width()
    assert not window.viewer.full_size_button.isVisible()
    shot(qtbot, window, "/tmp/docviewer_window.png")
    with qtbot.waitSignal(window.destroyed):
        qtbot.keyClick(window.viewer.image_view, Qt.Key.Key_Escape)
    assert viewer.full_size_window is None


def test_open_full_size_for_a_pdf_and_closing_with_another_document(viewer: DocumentViewer, qtbot) -> None:
    window = open_full_size(viewer, document(pdf_bytes(), "application/pdf"), title="License of Ana Diaz")
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    assert window.windowTitle() == "License of Ana Diaz"
    assert window.viewer.pdf.pageCount() == 2
    window.viewer.zoom.in_action.trigger()
    assert not window.viewer.zoom.fit_action.isChecked()
    viewer.show_document(document(png_bytes(), "image/png"))
    viewer.full_size_button.click()
    second = viewer.full_size_window
    assert second is not None
    with qtbot.waitSignal(second.destroyed):
        viewer.show_document(document(pdf_bytes(1), "application/pdf"))  # another document: the window closes
