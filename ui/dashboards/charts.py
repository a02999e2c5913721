"""Small QtCharts helpers for the dashboards: a chart card, a donut and a bar chart, themed.

Charts take their colours from `ui.common.theme.current_colors()` each time they are filled, so a
dashboard that reloads follows a switch between light and dark. They never animate, show a
legend only where it is the key (a donut's), and draw antialiased.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLegend,
    QPieSeries,
    QPieSlice,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QFrame, QLabel, QStackedWidget, QVBoxLayout, QWidget

from ui.common.labels import plain_label
from ui.common.theme import Colors, current_colors

TOP = Qt.AlignmentFlag.AlignTop
BOTTOM = Qt.AlignmentFlag.AlignBottom
LEFT = Qt.AlignmentFlag.AlignLeft


@dataclass(frozen=True)
class Slice:
    """One labelled value of a donut, in a colour."""

    label: str
    value: int
    color: str


def _centered_label(role: str) -> QLabel:
    label = plain_label(role=role, wrap=True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class ChartCard(QFrame):
    """A card holding one chart, or a sentence in its place when there is nothing to draw."""

    def __init__(self, accessible_name: str, *, min_height: int = 260, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.setAccessibleName(accessible_name)
        self.view = QChartView(QChart())
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(min_height)
        self.view.setAccessibleName(accessible_name)
        self.view.setStyleSheet("background: transparent; border: none;")
        self._empty_title = _centered_label("heading")
        self._empty = _centered_label("muted")
        nothing = QWidget()
        column = QVBoxLayout(nothing)
        column.addStretch(1)
        column.addWidget(self._empty_title)
        column.addSpacing(6)
        column.addWidget(self._empty)
        column.addStretch(1)
        self._stack = QStackedWidget()
        self._stack.addWidget(self.view)
        self._stack.addWidget(nothing)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._stack)

    def chart(self) -> QChart:
        return self.view.chart()

    @property
    def is_empty(self) -> bool:
        return self._stack.currentIndex() == 1

    @property
    def empty_text(self) -> str:
        return self._empty.text()

    def show_empty(self, title: str, text: str) -> None:
        """Say `text` under the chart's `title` instead of drawing zeros."""
        self._empty_title.setText(title)
        self._empty.setText(text)
        self.setAccessibleDescription(f"{title}: {text}")
        self._stack.setCurrentIndex(1)

    def describe(self, summary: str) -> None:
        """What the chart shows, in words, for screen readers and the tooltip."""
        self.setAccessibleDescription(summary)
        self.view.setAccessibleDescription(summary)
        self.view.setToolTip(summary)
        self._stack.setCurrentIndex(0)


def _reset(chart: QChart, title: str, colors: Colors) -> None:
    for axis in chart.axes():
        chart.removeAxis(axis)
        axis.deleteLater()
    chart.removeAllSeries()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().hide()
    chart.setBackgroundBrush(QBrush(QColor(colors.surface)))
    chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(6, 6, 6, 6))
    font = QFont(chart.titleFont())
    font.setPointSizeF(11)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setTitleBrush(QBrush(QColor(colors.text)))
    chart.setTitle(title)


def _style_axis(axis: QValueAxis | QBarCategoryAxis, title: str, colors: Colors) -> None:
    axis.setTitleText(title)
    axis.setTitleBrush(QBrush(QColor(colors.muted)))
    font = QFont(axis.titleFont())
    font.setBold(False)
    font.setPointSizeF(9)
    axis.setTitleFont(font)
    axis.setLabelsBrush(QBrush(QColor(colors.text)))
    axis.setLinePenColor(QColor(colors.border))
    axis.setGridLineColor(QColor(colors.border))


def status_color(status: str, colors: Colors | None = None) -> str:
    """The colour of a license status, as its badge shows it (expired a darker red than rejected)."""
    c = colors or current_colors()
    shades = {"verified": c.success, "pending_verification": c.warning, "rejected": c.danger,
              "expired": QColor(c.danger).darker(150).name()}
    return shades.get(status, c.muted)


def _show_legend(chart: QChart, colors: Colors, labels: Sequence[str]) -> None:
    """A legend at the right, wide enough for its longest label (QtCharts elides otherwise)."""
    legend = chart.legend()
    legend.setAlignment(Qt.AlignmentFlag.AlignRight)
    legend.setLabelColor(QColor(colors.text))
    legend.setMarkerShape(QLegend.MarkerShape.MarkerShapeCircle)
    font = QFont(legend.font())
    font.setPointSizeF(9.5)
    legend.setFont(font)
    legend.setMinimumWidth(max((QFontMetrics(font).horizontalAdvance(text) for text in labels), default=0) + 40)
    legend.show()


def show_donut(card: ChartCard, title: str, slices: Sequence[Slice]) -> None:
    """Fill `card` with a donut of `slices`, keyed by a legend at its side that gives each count."""
    colors = current_colors()
    chart = card.chart()
    _reset(chart, title, colors)
    series = QPieSeries()
    series.setHoleSize(0.55)
    series.setPieSize(0.85)
    for part in slices:
        piece = QPieSlice(f"{part.label}: {part.value:,}", part.value)
        piece.setColor(QColor(part.color))
        piece.setBorderColor(QColor(colors.surface))
        piece.setBorderWidth(2)
        series.append(piece)
    chart.addSeries(series)
    _show_legend(chart, colors, [piece.label() for piece in series.slices()])
    card.describe(f"{title}: " + ", ".join(f"{part.label} {part.value:,}" for part in slices))


def _nice_top(largest: int, ticks: int = 4) -> int:
    """An upper bound with room above the tallest bar, so that `ticks` steps land on whole numbers."""
    return max(1, math.ceil(largest * 1.12 / ticks)) * ticks


def show_bars(
    card: ChartCard, title: str, categories: Sequence[str], values: Sequence[int], *,
    color: str, x_title: str, y_title: str,
) -> None:
    """Fill `card` with one bar per category, each labelled with its value."""
    colors = current_colors()
    chart = card.chart()
    _reset(chart, title, colors)
    bars = QBarSet(y_title)
    bars.append([float(v) for v in values])
    bars.setColor(QColor(color))
    bars.setBorderColor(QColor(color))
    bars.setLabelColor(QColor(colors.text))
    series = QBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setLabelsFormat("@value")
    series.setBarWidth(0.6)
    chart.addSeries(series)
    x_axis = QBarCategoryAxis()
    x_axis.append(list(categories))
    x_axis.setGridLineVisible(False)
    _style_axis(x_axis, x_title, colors)
    y_axis = QValueAxis()
    y_axis.setRange(0, _nice_top(max(values, default=0)))
    y_axis.setTickCount(5)
    y_axis.setLabelFormat("%d")
    _style_axis(y_axis, y_title, colors)
    chart.addAxis(x_axis, BOTTOM)
    chart.addAxis(y_axis, LEFT)
    series.attachAxis(x_axis)
    series.attachAxis(y_axis)
    card.describe(f"{title}: " + ", ".join(f"{c} {v:,}" for c, v in zip(categories, values, strict=True)))


def pie_values(card: ChartCard) -> dict[str, float]:
    """The donut's values by label (without the count), for tests and accessibility checks."""
    series = card.chart().series()
    if not series or not isinstance(series[0], QPieSeries):
        return {}
    return {piece.label().rsplit(":", 1)[0]: piece.value() for piece in series[0].slices()}


def bar_values(card: ChartCard) -> list[float]:
    """The bars' values, left to right."""
    series = card.chart().series()
    if not series or not isinstance(series[0], QBarSeries):
        return []
    bars = series[0].barSets()[0]
    return [bars.at(i) for i in range(bars.count())]
