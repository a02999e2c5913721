"""The six-step registration wizard (placeholder until built)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWizard


class RegistrationWizard(QWizard):
    registered = Signal(str)

    def __init__(self, desktop: object, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
