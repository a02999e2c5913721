"""A password's strength as a bar with the reason, updated as the user types: empty while nothing is
typed, one step of five for "Very weak" (it showed an empty bar), five for "Strong"."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from app.validation import PasswordStrength
from ui.common.theme import current_colors


class StrengthMeter(QWidget):
    """A password's strength as a bar from 0 to 4 and the reason for it."""

    def __init__(self) -> None:
        super().__init__()
        self.bar = QProgressBar()
        self.bar.setRange(0, 5)  # 0: nothing typed; a score of 0 to 4 shows as 1 to 5
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.bar.setAccessibleName("Password strength")
        self.reason = QLabel()
        self.reason.setProperty("role", "muted")
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName("Password strength reason")
        # room for two lines from the start: a longer reason neither gets clipped in a form row
        # nor moves the fields below while the user types
        self.reason.ensurePolished()  # the style sheet's font, not the default one
        margins = self.reason.contentsMargins()
        self.reason.setMinimumHeight(2 * self.reason.fontMetrics().lineSpacing() + margins.top() + margins.bottom())
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 2, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.bar)
        column.addWidget(self.reason)
        self.show_strength(None)

    def show_strength(self, strength: PasswordStrength | None) -> None:
        """Show `strength`, or the rule to follow when nothing is typed yet."""
        colors = current_colors()
        score = strength.score if strength else 0
        color = (colors.danger, colors.danger, colors.warning, colors.success, colors.success)[score]
        self.bar.setValue(score + 1 if strength else 0)
        self.bar.setStyleSheet(f"QProgressBar {{ border: none; border-radius: 4px; background: {colors.sunken}; }}"
                               f"QProgressBar::chunk {{ border-radius: 4px; background: {color}; }}")
        if strength is None:
            self.reason.setText("At least 8 characters; longer, with capitals, digits and symbols, is stronger.")
        elif strength.reason.lower().startswith(strength.label.lower()):
            self.reason.setText(strength.reason)  # "Strong password.", not "Strong: Strong password."
        else:
            self.reason.setText(f"{strength.label}: {strength.reason}")
        self.bar.setAccessibleDescription(strength.label if strength else "Nothing typed yet")
