"""Settings: which server to use and how long to wait for it, saved for the next start; the theme, at once."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from app.settings import THEMES, Settings, SettingsError, load_settings, save_settings
from ui.common.labels import plain_label
from ui.common.theme import choose_theme, chosen_theme

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


class SettingsDialog(QDialog):
    """Edits the saved settings: the server and the timeouts apply at the next start, the theme at
    once when saved (`chosen` is what was saved)."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.chosen: Settings | None = None
        self.setWindowTitle("Settings")
        current = settings
        self.server = QLineEdit(current.server_url or "")
        self.server.setPlaceholderText("Empty: the local demo server")
        # shown whole while the field is empty (the dialog opened too narrow for it in a real window)
        self.server.setMinimumWidth(self.server.fontMetrics().horizontalAdvance(self.server.placeholderText()) + 24)
        self.server.setAccessibleName("Server address")
        self.connect_timeout = self._seconds(current.connect_timeout, 120)
        self.connect_timeout.setAccessibleName("Connect timeout")
        self.read_timeout = self._seconds(current.read_timeout, 600)
        self.read_timeout.setAccessibleName("Read timeout")
        self.theme = QComboBox()
        self.theme.setAccessibleName("Theme")
        for value, words in THEMES.items():
            self.theme.addItem(words, value)
        app = QApplication.instance()
        self.theme.setCurrentIndex(max(0, self.theme.findData(
            chosen_theme(app) if isinstance(app, QApplication) else current.theme)))
        self.error = plain_label(role="error", wrap=True)
        note = QLabel("The theme changes at once; the server and the timeouts the next time ProviderDesk starts.")
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        form = QFormLayout()
        form.addRow("Server address", self.server)
        form.addRow("Connect timeout", self.connect_timeout)
        form.addRow("Read timeout", self.read_timeout)
        form.addRow("Theme", self.theme)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(note)
        layout.addWidget(buttons)

    @staticmethod
    def _seconds(value: float, maximum: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0.5, maximum)
        box.setSuffix(" s")
        box.setValue(value)
        return box

    def _on_buttons_accepted(self) -> None:
        values = {"server_url": self.server.text().strip() or None, "connect_timeout": self.connect_timeout.value(),
                  "read_timeout": self.read_timeout.value(), "data_dir": str(self.settings.data_dir),
                  "theme": self.theme.currentData()}
        try:
            chosen: Settings = load_settings(values, environ={})
        except SettingsError as error:
            self.error.setText(str(error))
            return
        save_settings(chosen.model_copy(update={"data_dir": Settings().data_dir}))
        self.chosen = chosen
        app = QApplication.instance()
        if isinstance(app, QApplication) and chosen_theme(app) != chosen.theme:
            choose_theme(app, chosen.theme)
        self.accept()
