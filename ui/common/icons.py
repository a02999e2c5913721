"""The application's icons, from the top-level `resources/` folder (docs/platforms.md).

`app_icon()` is the application icon in all its sizes; set on the QApplication it is every window's,
the taskbar's and the tray's. `icon(name)` is a navigation or action icon (`resources/icons/<name>.svg`),
drawn in the theme's muted color. The folder sits beside `ui/` in a checkout, in an installed wheel
(package data) and in the frozen application (PyInstaller puts it beside the modules).
"""
from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ui.common.theme import current_colors

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICON_SIZES = (16, 20, 24, 32, 48)
ICON_STROKE = "#5f6b7a"  # the color the SVGs are drawn in, replaced by the theme's
APP_ID = "org.providerdesk.ProviderDesk"  # the .desktop file's name, the Windows AppUserModelID


def resource(name: str) -> Path:
    return RESOURCES / name


@cache
def app_icon() -> QIcon:
    icon = QIcon()
    for size in APP_ICON_SIZES:
        icon.addFile(str(resource(f"providerdesk-{size}.png")))
    return icon


def icon(name: str) -> QIcon:
    """The icon `resources/icons/<name>.svg` in the current theme's muted color, and in its accent text
    color when selected (a navigation item on the accent); a missing one raises FileNotFoundError."""
    svg = (RESOURCES / "icons" / f"{name}.svg").read_text(encoding="utf-8")
    colors = current_colors()
    result = QIcon()
    for mode, color in ((QIcon.Mode.Normal, colors.muted), (QIcon.Mode.Selected, colors.accent_text)):
        renderer = QSvgRenderer(QByteArray(svg.replace(ICON_STROKE, color).encode()))
        for size in ICON_SIZES:
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            renderer.render(painter)
            painter.end()
            result.addPixmap(pixmap, mode)
    return result


def install_app_icon(app: QGuiApplication, platform: str = sys.platform) -> None:
    """Make the application icon every window's (a window without its own takes the application's),
    the taskbar's and the tray's (ui/credentialing/alerts.py uses `QApplication.windowIcon()`)."""
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(APP_ID)  # Wayland and the Linux docks match the window to the .desktop entry's icon
    if platform == "win32":
        # the taskbar groups windows by AppUserModelID; a script's is python.exe's (with its icon) unless set
        import ctypes  # late import: Windows only

        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(APP_ID)  # type: ignore[attr-defined]
