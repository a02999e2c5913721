"""The theme chosen in Settings (issue 22, item 13): light, dark or as the system, applied at once
when saved, kept in the settings file for the next start, and kept when the system switches."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.settings import Settings, config_file, load_settings
from tests.helpers.text_fit import misfits, report
from ui.common.theme import DARK, LIGHT, apply_theme, choose_theme, chosen_theme, current_colors, follow_system_theme
from ui.shell.settings_dialog import SettingsDialog


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    choose_theme(qapp, "system")
    apply_theme(qapp, dark=False)  # the other UI tests run light


def save(app: QApplication, tmp_path: Path, theme: str) -> SettingsDialog:
    dialog = SettingsDialog(Settings(data_dir=tmp_path))
    dialog.show()
    dialog.theme.setCurrentIndex(dialog.theme.findData(theme))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.chosen is not None
    assert dialog.chosen.theme == theme
    dialog.deleteLater()
    return dialog


def window_color(app: QApplication) -> str:
    return app.palette().color(QPalette.ColorRole.Window).name()


def test_a_chosen_theme_applies_at_once_and_is_kept(app: QApplication, tmp_path: Path) -> None:
    apply_theme(app, dark=False)
    dialog = SettingsDialog(Settings(data_dir=tmp_path))
    assert dialog.theme.currentData() == "system", "the default"
    assert [dialog.theme.itemText(i) for i in range(dialog.theme.count())] == ["As the system", "Light", "Dark"]
    dialog.deleteLater()

    save(app, tmp_path, "dark")
    assert current_colors(app) is DARK
    assert window_color(app) == DARK.window
    assert load_settings(environ={}).theme == "dark", "in the settings file, for the next start"
    assert '"theme": "dark"' in config_file().read_text(encoding="utf-8")
    assert SettingsDialog(Settings(data_dir=tmp_path)).theme.currentData() == "dark", "shown as chosen"

    save(app, tmp_path, "light")
    assert current_colors(app) is LIGHT
    assert window_color(app) == LIGHT.window
    assert load_settings(environ={}).theme == "light"


def test_a_chosen_theme_stays_when_the_system_switches(app: QApplication, tmp_path: Path) -> None:
    follow_system_theme(app)
    save(app, tmp_path, "dark")
    hints = app.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert current_colors(app) is DARK, "chosen dark: the system's light does not change it"
    save(app, tmp_path, "system")
    assert chosen_theme(app) == "system"
    assert current_colors(app) is (DARK if hints.colorScheme() == Qt.ColorScheme.Dark else LIGHT)


def test_with_no_server_set_the_address_placeholder_shows_whole_at_the_minimum(app: QApplication,
                                                                               tmp_path: Path) -> None:
    """Seen in a real window: "Empty: the local d…" (the guards open it with a server address set,
    where the placeholder never shows)."""
    dialog = SettingsDialog(Settings(data_dir=tmp_path))
    dialog.show()
    dialog.resize(1, 1)
    QApplication.processEvents()
    assert not dialog.server.text()
    assert not misfits(dialog), report(misfits(dialog))
    dialog.deleteLater()
