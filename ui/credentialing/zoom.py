"""Zooming documents: the zoom controls with their shortcuts, and PDF and image views that zoom the same way.

Both views offer `fit_width`, `set_fit_width()`, `set_factor(factor)` and a `zoom_changed(float)`
signal that also fires when a view fitted to the width is resized, so a label can follow.
"""
from __future__ import annotations

from PySide6.QtCore import QMargins, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QStyle, QToolButton, QWidget

MARGIN = 6  # around the image, as QPdfView leaves around its pages
STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)


def step_in(factor: float) -> float:
    """The next zoom step above `factor` (1.0 is actual size)."""
    return next((step for step in STEPS if step > factor * 1.01), STEPS[-1])


def step_out(factor: float) -> float:
    """The next zoom step below `factor`."""
    return next((step for step in reversed(STEPS) if step < factor / 1.01), STEPS[0])


def percent(factor: float) -> str:
    return f"{round(factor * 100)}%"


class ZoomControls(QWidget):
    """Fit width, zoom out, the percentage and zoom in; the shortcuts work while `scope` has focus.

    The owner applies a request and then calls `show_factor` with what it shows.

    Signals:
        fit_width_requested(): the user asked to fit the pages to the width (Ctrl+0).
        zoom_requested(float): the user asked for this factor (Ctrl++ and Ctrl+-).
    """

    fit_width_requested = Signal()
    zoom_requested = Signal(float)

    def __init__(self, scope: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.factor = 1.0
        self.fit_action = self._action(scope, "Fit width", "Fit width (Ctrl+0)", ["Ctrl+0"])
        self.fit_action.setCheckable(True)
        self.fit_action.triggered.connect(self.fit_width_requested)
        self.out_action = self._action(scope, "−", "Zoom out (Ctrl+-)", ["Ctrl+-"])  # noqa: RUF001  # a minus sign, as wide as the plus
        self.out_action.triggered.connect(lambda: self.zoom_requested.emit(step_out(self.factor)))
        self.in_action = self._action(scope, "+", "Zoom in (Ctrl++)", ["Ctrl++", "Ctrl+="])
        self.in_action.triggered.connect(lambda: self.zoom_requested.emit(step_in(self.factor)))
        self.label = QLabel(percent(1.0))
        self.label.setAccessibleName("Zoom")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("0000%"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._button(self.fit_action, "Fit width"))
        layout.addWidget(self._button(self.out_action, "Zoom out"))
        layout.addWidget(self.label)
        layout.addWidget(self._button(self.in_action, "Zoom in"))

    @staticmethod
    def _action(scope: QWidget, text: str, tip: str, keys: list[str]) -> QAction:
        action = QAction(text, scope)
        action.setToolTip(tip)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        scope.addAction(action)
        return action

    def _button(self, action: QAction, name: str) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setAccessibleName(name)
        button.setAutoRaise(True)
        button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)  # never narrower than its text
        return button

    def also_in(self, scope: QWidget) -> None:
        """Let the shortcuts work while `scope` (a page around the view: its list) has focus too:
        the same actions, so never two shortcuts for one key."""
        for action in (self.fit_action, self.out_action, self.in_action):
            scope.addAction(action)

    def show_factor(self, factor: float, *, fit_width: bool) -> None:
        """Show the zoom in effect; steps start from it."""
        self.factor = factor
        self.label.setText(percent(factor))
        self.fit_action.setChecked(fit_width)
        self.out_action.setEnabled(factor > STEPS[0] * 1.01)
        self.in_action.setEnabled(factor < STEPS[-1] / 1.01)

    def set_available(self, available: bool) -> None:
        """Show the controls and enable their shortcuts only while there is something to zoom."""
        self.setVisible(available)
        for action in (self.fit_action, self.out_action, self.in_action):
            action.setEnabled(available)
        if available:
            self.show_factor(self.factor, fit_width=self.fit_action.isChecked())


class _ImageCanvas(QWidget):
    """Paints the image at the view's size: pre-scaled (area-averaged) when smaller, else filtered."""

    def __init__(self) -> None:
        super().__init__()
        self.pixmap = QPixmap()
        self._scaled: QPixmap | None = None

    def show_at(self, size: QSize) -> None:
        self.setFixedSize(size.grownBy(QMargins(MARGIN, MARGIN, MARGIN, MARGIN)))
        self._scaled = None
        ratio = self.devicePixelRatioF()
        if not self.pixmap.isNull() and size.width() * ratio <= self.pixmap.width():  # shrinking: a smooth copy
            self._scaled = self.pixmap.scaled(size * ratio, Qt.AspectRatioMode.IgnoreAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation)
            self._scaled.setDevicePixelRatio(ratio)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._scaled is not None:
            painter.drawPixmap(MARGIN, MARGIN, self._scaled)
        elif not self.pixmap.isNull():  # enlarging: filter on paint, so a 4x zoom allocates nothing
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(self.rect().marginsRemoved(QMargins(MARGIN, MARGIN, MARGIN, MARGIN)), self.pixmap)
        painter.end()


class ImageView(QScrollArea):
    """An image fitted to the width (re-fitted as the view resizes) or at a chosen zoom, scrollable.

    Signals:
        zoom_changed(float): the factor now shown (1.0 is actual size), also after a re-fit.
    """

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fit_width = True
        self.factor = 1.0
        self.canvas = _ImageCanvas()
        self.setWidget(self.canvas)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setBackgroundRole(QPalette.ColorRole.Dark)  # the backdrop QPdfView paints behind pages

    def set_image(self, image: QImage) -> None:
        self.canvas.pixmap = QPixmap.fromImage(image)
        self._apply()

    def clear(self) -> None:
        self.canvas.pixmap = QPixmap()
        self.canvas.show_at(QSize(0, 0))

    def set_fit_width(self) -> None:
        self.fit_width = True
        self._apply()

    def set_factor(self, factor: float) -> None:
        self.fit_width = False
        self.factor = factor
        self._apply()

    def _fitted_factor(self) -> float:
        image = self.canvas.pixmap.size()
        width = self.width() - 2 * self.frameWidth() - 2 * MARGIN
        if image.height() * width / image.width() > self.height() - 2 * self.frameWidth() - 2 * MARGIN:
            width -= self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return max(width, 1) / image.width()

    def _apply(self) -> None:
        if self.canvas.pixmap.isNull():
            return
        if self.fit_width:
            self.factor = self._fitted_factor()
        size = self.canvas.pixmap.size()
        self.canvas.show_at(QSize(max(round(size.width() * self.factor), 1),
                                  max(round(size.height() * self.factor), 1)))
        self.zoom_changed.emit(self.factor)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fit_width:
            self._apply()


class PdfView(QPdfView):
    """All pages of a PDF, scrolling; tells the zoom in effect, also the one QPdfView picks to fit the width.

    Signals:
        zoom_changed(float): the factor now shown (1.0 is actual size), also after a re-fit.
    """

    zoom_changed = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.setPageMode(QPdfView.PageMode.MultiPage)
        self.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    @property
    def fit_width(self) -> bool:
        return self.zoomMode() == QPdfView.ZoomMode.FitToWidth

    def set_fit_width(self) -> None:
        self.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.zoom_changed.emit(self._fitted_factor())

    def set_factor(self, factor: float) -> None:
        self.setZoomMode(QPdfView.ZoomMode.Custom)
        self.setZoomFactor(factor)
        self.zoom_changed.emit(factor)

    def _fitted_factor(self) -> float:
        """QPdfView's own formula: the current page's width at the screen's resolution, fitted."""
        document = self.document()
        if document is None or document.pageCount() == 0:
            return 1.0
        points = document.pagePointSize(self.pageNavigator().currentPage()).width()
        screen = QGuiApplication.primaryScreen()
        resolution = (screen.logicalDotsPerInch() if screen else 72.0) / 72.0
        margins = self.documentMargins()
        width = self.viewport().width() - margins.left() - margins.right()
        return width / (points * resolution) if points > 0 else 1.0

    def resizeEvent(self, event: QResizeEvent) -> None:  # the viewport's, as for any scroll area
        super().resizeEvent(event)
        if self.fit_width:
            self.zoom_changed.emit(self._fitted_factor())
