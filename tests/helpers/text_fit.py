"""Does every text on screen fit? `misfits(window)` lists each visible button, label, tab, header
section, combo box and placeholder whose text is elided or clipped, measured the way the style
draws it (its font metrics, margins and sub-control rects), so a layout test can fail on them.

Only what is shown counts: hidden widgets, and widgets inside a scrolled area (the user scrolls to
them), are skipped; a widget squeezed beyond its parent's edge counts as clipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui's Qt namespace
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedLayout,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QStyleOptionHeader,
    QTabBar,
    QToolButton,
    QWidget,
)

ICON_SPACING = 4  # what QCommonStyle puts between a push button's icon and its text


@dataclass(frozen=True)
class Misfit:
    """One text that does not fit: where, what, and how much room it needs and has (pixels)."""

    where: str
    text: str
    need: int
    have: int
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r} {self.why} (needs {self.need} px, has {self.have})"


def describe(widget: QWidget) -> str:
    """A readable path to `widget`: its class and name, after its window's title."""
    name = widget.objectName() or widget.accessibleName()
    own = f"{type(widget).__name__}" + (f"[{name}]" if name else "")
    title = widget.window().windowTitle()
    return f"{title} > {own}" if title else own


def plain_text(text: str) -> str:
    """The text as drawn: mnemonic ampersands gone ("&&" stays one "&")."""
    return re.sub(r"&(.)", r"\1", text)


def _is_viewport(widget: QWidget) -> bool:
    """A scroll area's viewport: what reaches beyond it is reached by scrolling, not clipped."""
    area = widget.parentWidget()
    return isinstance(area, QAbstractScrollArea) and area.viewport() is widget


def _clipped(widget: QWidget) -> Misfit | None:
    """`widget` reaches beyond its parent's edge (a layout squeezed below its minimum)."""
    parent = widget.parentWidget()
    if parent is None or widget.isWindow() or _is_viewport(parent):
        return None
    inside, shape = parent.rect(), widget.geometry()
    if inside.contains(shape):
        return None
    wide = shape.width() - shape.intersected(inside).width()
    high = shape.height() - shape.intersected(inside).height()
    if wide >= high:
        return Misfit(describe(widget), _text_of(widget), shape.width(), shape.width() - wide,
                      "is cut by the side of its parent")
    return Misfit(describe(widget), _text_of(widget), shape.height(), shape.height() - high,
                  "is cut by the bottom of its parent")


def _text_of(widget: QWidget) -> str:
    for getter in ("text", "currentText", "title"):
        value = getattr(widget, getter, None)
        if callable(value):
            try:
                result = value()
            except TypeError:
                continue
            if isinstance(result, str):
                return result
    return ""


def _push_button(button: QPushButton) -> Misfit | None:
    text = plain_text(button.text())
    if not text:
        return None
    option = QStyleOptionButton()
    button.initStyleOption(option)
    contents = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    need = QFontMetrics(button.font()).horizontalAdvance(text)
    if not button.icon().isNull():
        need += button.iconSize().width() + ICON_SPACING
    if button.menu() is not None:
        need += button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, option, button)
    if need > contents.width():
        return Misfit(describe(button), text, need, contents.width(), "is cut off (button narrower than its text)")
    return None


def _hinted_button(button: QAbstractButton) -> Misfit | None:
    """Tool buttons, check boxes, radio buttons: their size hint is exactly what they need."""
    if not plain_text(button.text()):
        return None
    if isinstance(button, QToolButton) and button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly \
            and not button.icon().isNull():
        return None
    need = button.sizeHint().width()
    if need > button.width():
        return Misfit(describe(button), plain_text(button.text()), need, button.width(), "is elided or cut off")
    return None


def _label(label: QLabel) -> Misfit | None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    if label.buddy() is not None:  # "&Name": the ampersand marks the mnemonic, it is not drawn
        text = plain_text(text)
    room = label.contentsRect().adjusted(label.margin(), label.margin(), -label.margin(), -label.margin())
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        if need > label.height():
            return Misfit(describe(label), text, need, label.height(), "is cut off at the bottom (wrapped text "
                          "taller than the label)")
        widest = _widest_word(label, text)
        if widest > room.width():
            return Misfit(describe(label), text, widest, room.width(), "has a word wider than the label")
        return None
    width, height = _text_size(label, text)
    if width > room.width():
        return Misfit(describe(label), text, width, room.width(), "is cut off (label narrower than its text)")
    if height > room.height():
        return Misfit(describe(label), text, height, room.height(), "is cut off at the bottom")
    return None


def _is_rich(label: QLabel) -> bool:
    text_format = label.textFormat()
    return text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text()))


def _text_size(label: QLabel, text: str) -> tuple[int, int]:
    if _is_rich(label):
        document = QTextDocument()
        document.setDefaultFont(label.font())
        document.setDocumentMargin(0)
        document.setHtml(text)
        return int(document.idealWidth() + 0.999), int(document.size().height())
    metrics = QFontMetrics(label.font())
    lines = text.split("\n")
    return max(metrics.horizontalAdvance(line) for line in lines), metrics.height() * len(lines)


def _widest_word(label: QLabel, text: str) -> int:
    if _is_rich(label):
        document = QTextDocument()
        document.setHtml(text)
        text = document.toPlainText()
    metrics = QFontMetrics(label.font())
    return max((metrics.horizontalAdvance(word) for word in text.split()), default=0)


def _tab_bar(bar: QTabBar) -> list[Misfit]:
    found = []
    shown = bar.rect()
    for index in range(bar.count()):
        if not bar.isTabVisible(index):
            continue
        text = plain_text(bar.tabText(index))
        rect, hint = bar.tabRect(index), bar.tabSizeHint(index)
        if not shown.contains(rect):
            visible = rect.intersected(shown).width()
            why = "is hidden behind the scroll arrows" if visible <= 0 else "is cut by the tab bar's edge"
            found.append(Misfit(describe(bar), text, rect.width(), max(visible, 0), why))
        elif rect.width() < hint.width():
            found.append(Misfit(describe(bar), text, hint.width(), rect.width(), "is elided"))
    arrows = [b for b in bar.findChildren(QToolButton) if b.isVisible()]
    if arrows and not found:
        found.append(Misfit(describe(bar), "", 0, 0, "shows scroll arrows"))
    return found


def _header(header: QHeaderView) -> list[Misfit]:
    model = header.model()
    if model is None or header.isHidden():
        return []
    found = []
    style = header.style()
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        text = model.headerData(logical, header.orientation(), Qt.ItemDataRole.DisplayRole)
        if not text:
            continue
        size = header.sectionSize(logical)
        option = QStyleOptionHeader()
        option.initFrom(header)
        option.section = logical
        option.text = str(text)
        option.orientation = header.orientation()
        horizontal = header.orientation() == Qt.Orientation.Horizontal
        option.rect = QRect(0, 0, size, header.height()) if horizontal else QRect(0, 0, header.width(), size)
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == logical:  # as paintSection sets it
            option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
        label = style.subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
        if option.sortIndicator != QStyleOptionHeader.SortIndicator.None_:
            arrow = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, option, header)
            if arrow.intersects(label):  # styles that do not take the arrow's room off the label
                label.setRight(arrow.left() - 1)
        need = QFontMetrics(header.font()).horizontalAdvance(str(text))
        if horizontal and need > label.width():
            found.append(Misfit(describe(header), str(text), need, label.width(), "header is elided"))
    return found


def _combo(combo: QComboBox) -> list[Misfit]:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    style = combo.style()
    found = []
    arrow = style.subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                 QStyle.SubControl.SC_ComboBoxArrow, combo)
    if arrow.width() <= 0 or not combo.rect().contains(arrow):
        found.append(Misfit(describe(combo), combo.currentText(), combo.sizeHint().width(), combo.width(),
                            "has lost its arrow"))
    text = combo.currentText()
    if text and not combo.isEditable():
        field = style.subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                     QStyle.SubControl.SC_ComboBoxEditField, combo)
        need = QFontMetrics(combo.font()).horizontalAdvance(text)
        if not combo.itemIcon(combo.currentIndex()).isNull():
            need += combo.iconSize().width() + ICON_SPACING
        if need > field.width():
            found.append(Misfit(describe(combo), text, need, field.width(), "is cut off in the combo box"))
    return found


def _placeholder(edit: QLineEdit) -> Misfit | None:
    text = edit.placeholderText()
    if not text or edit.text():
        return None
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    room: QRect = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    width = room.width() - margins.left() - margins.right() - 4  # QLineEdit's own horizontal margin (2 a side)
    for action in edit.actions():  # the clear button and other trailing/leading actions take room
        widget = edit.findChild(QToolButton)
        if action.isVisible() and widget is not None and widget.isVisible():
            width -= widget.width()
            break
    need = QFontMetrics(edit.font()).horizontalAdvance(text)
    if need > width:
        return Misfit(describe(edit), text, need, width, "placeholder is cut off")
    return None


def widget_misfits(widget: QWidget) -> list[Misfit]:
    """What of `widget`'s own text does not fit (its children aside)."""
    found: list[Misfit | None] = []
    if isinstance(widget, QPushButton):
        found.append(_push_button(widget))
    elif isinstance(widget, QToolButton | QCheckBox | QRadioButton):
        found.append(_hinted_button(widget))
    elif isinstance(widget, QLabel):
        found.append(_label(widget))
    elif isinstance(widget, QTabBar):
        found.extend(_tab_bar(widget))
    elif isinstance(widget, QHeaderView):
        found.extend(_header(widget))
    elif isinstance(widget, QComboBox):
        found.extend(_combo(widget))
    elif isinstance(widget, QLineEdit):
        found.append(_placeholder(widget))
    return [each for each in found if each is not None]


CHECKED = (QAbstractButton, QLabel, QTabBar, QHeaderView, QComboBox, QLineEdit)


def _laid_out(layout: QLayout) -> list[QWidget]:
    """The widgets `layout` places, its nested layouts' included."""
    found: list[QWidget] = []
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is None:
            continue
        if (widget := item.widget()) is not None:
            found.append(widget)
        elif (inner := item.layout()) is not None:
            found.extend(_laid_out(inner))
    return found


def overlapping(parent: QWidget) -> list[Misfit]:
    """The widgets `parent`'s layout draws over one another: a layout given less than its minimum
    (a window too low for the page) overlaps its rows instead of cutting them."""
    layout = parent.layout()
    if layout is None or isinstance(layout, QStackedLayout) or not parent.isVisible():
        return []
    layout.activate()  # a layout's pending update (a document that just came) is not an overlap
    shown = [w for w in _laid_out(layout) if w.isVisible() and not w.isWindow()]
    found = []
    for at, first in enumerate(shown):
        for second in shown[at + 1:]:
            both = first.geometry().intersected(second.geometry())
            if both.width() > 1 and both.height() > 1:
                found.append(Misfit(describe(first), _text_of(first), both.height(), 0,
                                    f"overlaps {describe(second)} ({both.width()}x{both.height()} px): its "
                                    "layout has less room than its minimum"))
    return found


def misfits(root: QWidget) -> list[Misfit]:
    """Every text shown in `root` (a window, shown) that is elided or clipped, and every widget a
    squeezed layout draws over another, in widget order."""
    found: list[Misfit] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.window() is root.window():
            found.extend(overlapping(widget))
        if not isinstance(widget, CHECKED) or not widget.isVisible() or widget.window() is not root.window():
            continue
        clipped = _clipped(widget) if not isinstance(widget, QHeaderView) else None
        if clipped is not None and _text_of(widget):
            found.append(clipped)
        found.extend(widget_misfits(widget))
    return found


def report(found: list[Misfit]) -> str:
    return "\n".join(str(each) for each in found)


CONTROLS = (*CHECKED, QAbstractScrollArea)  # what a user reads or clicks: also lists, tables, documents


def _window_rect(widget: QWidget) -> QRect:
    """The part of `widget` its parents let show, in its window's coordinates."""
    shown = widget.visibleRegion().boundingRect()
    return QRect(widget.mapTo(widget.window(), shown.topLeft()), shown.size())


def covered(root: QWidget, cover: QWidget) -> list[Misfit]:
    """Every control shown in `root`'s window that `cover` (a message, say) lies over."""
    if not cover.isVisible():
        return []
    over = _window_rect(cover)
    found = []
    for widget in root.window().findChildren(QWidget):
        if (not isinstance(widget, CONTROLS) or not widget.isVisible() or widget is cover
                or cover.isAncestorOf(widget) or widget.isAncestorOf(cover) or widget.window() is not root.window()):
            continue
        under = _window_rect(widget).intersected(over)
        if not under.isEmpty():
            found.append(Misfit(describe(widget), _text_of(widget), under.height(), 0,
                                f"is covered by {describe(cover)} ({under.width()}x{under.height()} px)"))
    return found
