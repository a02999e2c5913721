"""The main window's actions, made one way (keys, tips, an icon redrawn with the theme), and its menus."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from ui.common.icons import icon
from ui.shell.shortcuts import HELP_PROPERTY

ICON_PROPERTY = "providerdesk_icon"  # an action's icon name, to redraw it when the theme changes
Keys = QKeySequence | QKeySequence.StandardKey | str | None


def window_action(window: QWidget, text: str, keys: Keys, slot: Callable[..., object], tip: str = "",
                  icon_name: str | None = None, *, help_text: str = "") -> QAction:
    """An action of `window` (its keys work wherever the focus is in it) that calls `slot`; `help_text`
    is what Help's list of shortcuts says where the menu's text is not enough."""
    action = QAction(text, window)
    if icon_name:
        action.setIcon(icon(icon_name))
        action.setProperty(ICON_PROPERTY, icon_name)
    if keys:
        action.setShortcut(QKeySequence(keys))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    if help_text:
        action.setProperty(HELP_PROPERTY, help_text)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def add_menu(bar: QMenuBar, title: str, actions: Iterable[QAction | None]) -> QMenu:
    """A menu of `actions` in their order; None stands for a separator."""
    menu = bar.addMenu(title)
    for action in actions:
        if action is None:
            menu.addSeparator()
        else:
            menu.addAction(action)
    return menu


def redraw_icons(window: QWidget) -> None:
    """Draw the icons of `window`'s actions again, in the current theme's color."""
    for action in window.actions():
        if name := action.property(ICON_PROPERTY):
            action.setIcon(icon(name))
