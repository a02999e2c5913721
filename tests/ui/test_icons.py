"""The icons of resources/: the application's on every window, the taskbar and the tray; the pages'
in the navigation and the menus, drawn in the theme's color."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtWidgets import QApplication, QWidget

from tests.helpers.live_server import LiveServer
from tests.helpers.qt import closed, run_ui, signed_in_desktop
from ui.common import icons
from ui.common.theme import DARK, LIGHT, apply_theme
from ui.widgets.page import PageKey

ROOT = Path(__file__).resolve().parents[2]


def _colors(image: QImage) -> set[str]:
    return {QColor(image.pixel(x, y)).name() for x in range(image.width()) for y in range(image.height())
            if QColor.fromRgba(image.pixel(x, y)).alpha() == 255}


def test_the_application_icon_comes_in_every_size_and_format() -> None:
    for size in icons.APP_ICON_SIZES:
        image = QImage(str(icons.resource(f"providerdesk-{size}.png")))
        assert (image.width(), image.height()) == (size, size)
    assert icons.resource("providerdesk.ico").read_bytes()[:4] == b"\0\0\1\0"
    assert icons.resource("providerdesk.icns").read_bytes()[:4] == b"icns"
    assert "<svg" in icons.resource("providerdesk.svg").read_text()
    desktop_entry = icons.resource(f"{icons.APP_ID}.desktop").read_text()
    assert "Exec=providerdesk\n" in desktop_entry
    assert f"Icon={icons.APP_ID}\n" in desktop_entry
    assert f"<id>{icons.APP_ID}</id>" in icons.resource(f"{icons.APP_ID}.metainfo.xml").read_text()


def test_every_window_takes_the_application_icon(qapp: QApplication) -> None:
    before = qapp.windowIcon()
    try:
        icons.install_app_icon(qapp, platform="linux")
        window = QWidget()
        assert window.windowIcon().cacheKey() == icons.app_icon().cacheKey()
        assert qapp.desktopFileName() == icons.APP_ID
        assert 256 in {size.width() for size in qapp.windowIcon().availableSizes()}
    finally:
        qapp.setWindowIcon(before)


@pytest.mark.parametrize("name", sorted({*(key.icon for key in PageKey), "add", "edit", "refresh", "export", "import",
                                         "search", "sign-out", "settings"}))
def test_an_icon_is_drawn_in_the_themes_color(qapp: QApplication, name: str) -> None:
    try:
        for theme in (LIGHT, DARK):
            apply_theme(qapp, dark=theme is DARK)
            image = icons.icon(name).pixmap(48, 48).toImage()
            assert theme.muted in _colors(image), f"{name} is drawn in {theme.muted}"
            selected = icons.icon(name).pixmap(48, 48, QIcon.Mode.Selected).toImage()
            assert theme.accent_text in _colors(selected), f"{name} reads on the selected item's accent"
    finally:
        apply_theme(qapp, dark=False)


def test_a_missing_icon_is_an_error() -> None:
    with pytest.raises(FileNotFoundError):
        icons.icon("no-such-icon")


def test_the_navigation_shows_each_pages_icon_in_the_themes_color(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "facility_admin")
        window = desktop.main_window
        assert window is not None
        navigation = window.pages.navigation
        assert navigation.count() >= 3
        assert all(not navigation.item(row).icon().isNull() for row in range(navigation.count()))
        assert not window.sync_action.icon().isNull()
        try:  # the system turns dark: the icons are drawn again in the dark theme's color
            apply_theme(QApplication.instance(), dark=True)  # type: ignore[arg-type]
            window.redraw_icons()
            assert DARK.muted in _colors(navigation.item(0).icon().pixmap(48, 48).toImage())
            assert DARK.muted in _colors(window.sync_action.icon().pixmap(48, 48).toImage())
        finally:
            apply_theme(QApplication.instance(), dark=False)  # type: ignore[arg-type]
        await closed(desktop)

    run_ui(loop, body)


def test_the_wheel_carries_the_resources() -> None:
    """pyproject's package data names every kind of file in resources/."""
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["resources"]
    folder = ROOT / "resources"
    carried = {path for pattern in patterns for path in folder.glob(pattern)}  # setuptools globs them so
    files = {path for path in folder.rglob("*") if path.is_file() and "__pycache__" not in path.parts
             and path.suffix != ".py"}
    assert len(files) > 20
    assert sorted(str(path.relative_to(folder)) for path in files - carried) == []
