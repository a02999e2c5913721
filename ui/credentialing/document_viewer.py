"""A license document shown in place (PDF pages or an image), zoomable, with its facts and a content check.

Opening is synchronous on the Qt thread, which is fine for license documents (at most 10 MB):
QtPdf opens a normal PDF in about 10 ms and renders its pages in its own thread, decoding and
fitting a 12-megapixel photo takes about 60 ms, hashing 10 MB for the content check about 10 ms.
Nothing here does I/O.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QImageReader
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.api.models import DocumentFile
from app.documents import SIGNATURES, human_size
from ui.common.labels import plain_label
from ui.common.theme import restyle
from ui.credentialing.zoom import ImageView, PdfView, ZoomControls

PDF = "application/pdf"
IMAGES = ("image/png", "image/jpeg")
EMPTY_TEXT = "No license document uploaded."
MISMATCH_TEXT = "The document's checksum does not match the server's record."
PDF_REASONS = {
    QPdfDocument.Error.InvalidFileFormat: "the file is damaged or is not a PDF.",
    QPdfDocument.Error.IncorrectPassword: "it is protected by a password.",
    QPdfDocument.Error.UnsupportedSecurityScheme: "it is protected in a way that is not supported.",
    QPdfDocument.Error.DataNotYetAvailable: "the file is incomplete.",
}


def kind_of(content_type: str) -> str:
    """The type in words: "PDF", "PNG image", "JPEG image", or the content type itself."""
    return next((words for _, known, words in SIGNATURES if known == content_type), content_type or "Unknown type")


def describe(document: DocumentFile, uploaded_at: datetime | None, size: int | None) -> str:
    """ "PDF · 1.2 MB · uploaded 24 Nov 2026 14:05" (local time), the upload time only when known."""
    parts = [kind_of(document.content_type), human_size(len(document.content) if size is None else size)]
    if uploaded_at is not None:
        when = uploaded_at.astimezone()
        parts.append(f"uploaded {when.day} {when:%b %Y %H:%M}")
    return " · ".join(parts)


class DocumentViewer(QWidget):
    """One license document in place: PDF pages or an image fitted to the width, zoomable, with its facts.

    States (`state`): "empty", "loading", "error", "unsupported", "pdf", "image". A document
    that cannot be shown becomes an error message, never an exception.
    """

    def __init__(self, parent: QWidget | None = None, *, full_size_button: bool = True) -> None:
        super().__init__(parent)
        self.setAccessibleName("License document")
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.document: DocumentFile | None = None
        self.state = "empty"
        self.pdf = QPdfDocument(self)  # one for the viewer's life: QPdfView warns when set to no document
        self._buffer: QBuffer | None = None  # QtPdf reads from it for as long as the document is open
        self._facts: tuple[datetime | None, int | None] = (None, None)
        self.full_size_window: DocumentWindow | None = None
        self.pdf_view = PdfView()
        self.pdf_view.setAccessibleName("Document pages")
        self.pdf_view.setDocument(self.pdf)
        self.pdf_view.pageNavigator().currentPageChanged.connect(self._show_page)
        self.image_view = ImageView()
        self.image_view.setAccessibleName("Document image")
        for view in (self.pdf_view, self.image_view):
            view.zoom_changed.connect(self._on_view_zoom_changed)
        self.zoom = ZoomControls(self)
        self.zoom.fit_width_requested.connect(self._on_zoom_fit_width_requested)
        self.zoom.zoom_requested.connect(self._on_zoom_zoom_requested)
        self.page_label = plain_label(role="muted", name="Page")
        self.full_size_button = QPushButton("Open full size")
        self._full_size_offered = full_size_button
        self.full_size_button.clicked.connect(self.open_full_size_window)
        self.message = plain_label(role="muted", name="Message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.facts = plain_label(role="muted", name="Document details")
        self.facts.setWordWrap(True)
        self.checksum = plain_label(role="muted", name="Checksum")
        self.checksum.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                              | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.warning = QFrame()
        self.warning.setProperty("level", "warning")
        self.warning.setAccessibleName("Checksum warning")
        self.stack = QStackedWidget()
        self._lay_out()
        self.show_empty()

    def _lay_out(self) -> None:
        warning_layout = QHBoxLayout(self.warning)
        warning_layout.setContentsMargins(12, 6, 10, 6)
        mismatch = QLabel(MISMATCH_TEXT)
        mismatch.setWordWrap(True)  # the review pane may be narrow
        warning_layout.addWidget(mismatch)
        for page in (self.message, self.pdf_view, self.image_view):
            self.stack.addWidget(page)
        tools = QHBoxLayout()
        tools.addWidget(self.page_label)
        tools.addStretch(1)
        tools.addWidget(self.zoom)
        tools.addWidget(self.full_size_button)
        # the details and the checksum one above the other: side by side at 900 px, a longer upload time
        # wrapped the details onto a second line that the row had not reserved (cut, or under the document)
        facts = QVBoxLayout()
        facts.setSpacing(0)
        facts.addWidget(self.facts)
        facts.addWidget(self.checksum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.warning)
        layout.addLayout(tools)
        layout.addWidget(self.stack, 1)
        layout.addLayout(facts)

    # ---- states ----

    def show_document(self, document: DocumentFile, *, uploaded_at: datetime | None = None,
                      size: int | None = None) -> None:
        """Show `document` fitted to the width, with its type, size, upload time and checksum."""
        self._release(keep_window_for=document)
        self.document = document
        self._facts = (uploaded_at, size)
        self._show_facts(document, uploaded_at, size)
        if document.content_type == PDF:
            self._open_pdf(document.content)
        elif document.content_type in IMAGES:
            self._open_image(document.content)
        else:
            self._show_message("unsupported", f"A document of type “{kind_of(document.content_type)}” cannot be "
                               "shown here; only PDF, PNG and JPEG documents can.")

    def show_empty(self, text: str = EMPTY_TEXT) -> None:
        self.clear(text)

    def show_loading(self) -> None:
        self._release()
        self._show_message("loading", "Loading the document…")

    def show_error(self, text: str) -> None:
        self._release()
        self._show_message("error", text)

    def clear(self, text: str = EMPTY_TEXT) -> None:
        """Release the document (and close its full-size window); show `text`."""
        self._release()
        self._show_message("empty", text)

    def _release(self, *, keep_window_for: DocumentFile | None = None) -> None:
        window = self.full_size_window
        if window is not None and (keep_window_for is None or window.viewer.document != keep_window_for):
            window.close()
        self.document = None
        self._close_pdf()
        self.image_view.clear()
        self.facts.setText("")
        self.checksum.setText("")
        self.warning.hide()

    def _set_state(self, state: str, page: int) -> None:
        self.state = state
        self.stack.setCurrentIndex(page)
        shown = state in ("pdf", "image")
        self.zoom.set_available(shown)
        self.page_label.setVisible(state == "pdf")
        self.full_size_button.setVisible(shown and self._full_size_offered)

    def _show_message(self, state: str, text: str) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "error" if state == "error" else "muted")
        restyle(self.message)
        self._set_state(state, 0)

    def _show_facts(self, document: DocumentFile, uploaded_at: datetime | None, size: int | None) -> None:
        self.facts.setText(describe(document, uploaded_at, size))
        actual = hashlib.sha256(document.content).hexdigest()
        self.checksum.setText(f"SHA-256 {actual[:12]}…")
        mismatch = bool(document.sha256) and actual != (document.sha256 or "").lower()
        tip = f"SHA-256 of this document: {actual}"
        self.checksum.setToolTip(tip + (f"\nThe server's record: {document.sha256}" if mismatch else ""))
        self.checksum.setAccessibleDescription(tip)
        self.warning.setVisible(mismatch)

    # ---- PDF ----

    def _open_pdf(self, content: bytes) -> None:
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(content))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._buffer)  # synchronous for a buffer
        ready = self.pdf.status() == QPdfDocument.Status.Ready
        if not ready or self.pdf.pageCount() == 0:
            reason = "it has no pages." if ready else PDF_REASONS.get(self.pdf.error(), "QtPdf could not open it.")
            self._close_pdf()
            self._show_message("error", f"This PDF cannot be displayed: {reason}")
            return
        self._set_state("pdf", 1)
        self.pdf_view.pageNavigator().jump(0, QPointF())
        self._show_page(0)
        self.pdf_view.set_fit_width()

    def _close_pdf(self) -> None:
        self.pdf.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()  # frees its copy of the bytes now, not with the viewer
            self._buffer = None

    def _show_page(self, page: int) -> None:
        if self.pdf.pageCount():
            self.page_label.setText(f"Page {page + 1} of {self.pdf.pageCount()}")

    # ---- images and zoom ----

    def _open_image(self, content: bytes) -> None:
        buffer = QBuffer()
        buffer.setData(QByteArray(content))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
        reader.setAutoTransform(True)  # phone photos of a license carry their rotation in EXIF
        image = reader.read()
        if image.isNull():
            self._show_message("error", f"This image cannot be displayed: {reader.errorString()}.")
            return
        self._set_state("image", 2)
        self.image_view.set_fit_width()
        self.image_view.set_image(image)

    def _zoomable(self) -> PdfView | ImageView | None:
        views: dict[str, PdfView | ImageView] = {"pdf": self.pdf_view, "image": self.image_view}
        return views.get(self.state)

    def _on_view_zoom_changed(self, factor: float) -> None:
        view = self._zoomable()
        if view is not None and view is self.sender():
            self.zoom.show_factor(factor, fit_width=view.fit_width)

    def _on_zoom_fit_width_requested(self) -> None:
        view = self._zoomable()
        if view is not None:
            view.set_fit_width()

    def _on_zoom_zoom_requested(self, factor: float) -> None:
        view = self._zoomable()
        if view is not None:
            view.set_factor(factor)

    def focus_document(self) -> None:
        """Put the keyboard focus on the pages, so arrows scroll and the zoom shortcuts work."""
        page = self.stack.currentWidget()
        if page is not None:
            page.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_full_size_window(self) -> None:
        """Show the document full size in its own window (raised again when it is open already)."""
        if self.full_size_window is not None and shiboken6.isValid(self.full_size_window):
            self.full_size_window.raise_()
            self.full_size_window.activateWindow()
            return
        if self.document is None:
            return
        uploaded_at, size = self._facts
        self.full_size_window = open_full_size(self.window(), self.document, uploaded_at=uploaded_at, size=size)
        self.full_size_window.finished.connect(self._on_full_size_window_finished)

    def _on_full_size_window_finished(self) -> None:
        self.full_size_window = None


class DocumentWindow(QDialog):
    """The document at full size in its own window (80% of the screen), closed with Esc; deleted on close."""

    def __init__(self, parent: QWidget | None = None, *, title: str = "License document") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.viewer = DocumentViewer(self, full_size_button=False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)  # Enter closes it, as Esc does: it only shows the document
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.viewer, 1)
        layout.addWidget(self.buttons)
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.resize(area.size() * 0.8)
            self.move(area.center() - self.rect().center())


def open_full_size(parent: QWidget | None, document: DocumentFile, *, uploaded_at: datetime | None = None,
                   size: int | None = None, title: str = "License document") -> DocumentWindow:
    """Open `document` in a DocumentWindow, not modal, and return the window."""
    window = DocumentWindow(parent, title=title)
    window.viewer.show_document(document, uploaded_at=uploaded_at, size=size)
    window.show()
    window.viewer.focus_document()
    return window
