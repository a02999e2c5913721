"""Light and dark themes that follow the system, on Qt's Fusion style.

Widgets opt into the look with dynamic properties (`card`, `role`, `badge`, `level`) rather
than colors of their own, so one palette switch restyles everything. Applying the theme also
installs the app-wide feel of the inputs (the wheel scrolls forms, see `wheel_guard`) and of the
dialogs (never shorter than their wrapped text, see `window_fit`), so the
application and the UI tests, which both start from here, behave alike.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ui.common.wheel_guard import guard_wheel
from ui.common.window_fit import fit_windows


@dataclass(frozen=True)
class Colors:
    window: str
    surface: str
    sunken: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    success: str
    warning: str
    danger: str
    info: str


LIGHT = Colors(window="#f4f6f9", surface="#ffffff", sunken="#eef1f5", text="#1d2733", muted="#5f6b7a",
               border="#d8dee6", accent="#1f6feb", accent_text="#ffffff", success="#1a7f37", warning="#9a6700",
               danger="#cf222e", info="#0969da")
DARK = Colors(window="#15191e", surface="#1e242b", sunken="#262d35", text="#e6edf3", muted="#9aa7b4",
              border="#343d47", accent="#4493f8", accent_text="#0d1117", success="#3fb950", warning="#d29922",
              danger="#f85149", info="#58a6ff")


def is_dark(app: QApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def current_colors(app: QApplication | None = None) -> Colors:
    instance = app or QApplication.instance()
    return DARK if isinstance(instance, QApplication) and getattr(instance, "_providerdesk_dark", False) else LIGHT


def _palette(c: Colors) -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window, QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.surface, QPalette.ColorRole.AlternateBase: c.sunken,
        QPalette.ColorRole.Text: c.text, QPalette.ColorRole.Button: c.surface,
        QPalette.ColorRole.ButtonText: c.text, QPalette.ColorRole.Highlight: c.accent,
        QPalette.ColorRole.HighlightedText: c.accent_text, QPalette.ColorRole.ToolTipBase: c.surface,
        QPalette.ColorRole.ToolTipText: c.text, QPalette.ColorRole.PlaceholderText: c.muted,
        QPalette.ColorRole.Link: c.accent,
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.muted))
    return palette


def stylesheet(c: Colors) -> str:
    return f"""
    QWidget {{ font-size: 10pt; }}
    QFrame[card="true"] {{ background: {c.surface}; border: 1px solid {c.border}; border-radius: 8px; }}
    QLabel[role="title"] {{ font-size: 17pt; font-weight: 600; }}
    QLabel[role="heading"] {{ font-size: 12pt; font-weight: 600; }}
    QLabel[role="muted"] {{ color: {c.muted}; }}
    QLabel[role="error"] {{ color: {c.danger}; font-size: 9pt; }}
    QLabel[role="big-number"] {{ font-size: 22pt; font-weight: 600; }}
    QLabel[badge] {{ border-radius: 9px; padding: 2px 10px; font-weight: 600; }}
    QLabel[badge="verified"] {{ background: {c.success}; color: {c.surface}; }}
    QLabel[badge="pending_verification"] {{ background: {c.warning}; color: {c.surface}; }}
    QLabel[badge="rejected"], QLabel[badge="expired"] {{ background: {c.danger}; color: {c.surface}; }}
    QFrame[level] {{ border-radius: 6px; border: 1px solid {c.border}; }}
    QFrame[level="info"] {{ background: {c.sunken}; border-left: 4px solid {c.info}; }}
    QFrame[level="success"] {{ background: {c.sunken}; border-left: 4px solid {c.success}; }}
    QFrame[level="warning"] {{ background: {c.sunken}; border-left: 4px solid {c.warning}; }}
    QFrame[level="error"] {{ background: {c.sunken}; border-left: 4px solid {c.danger}; }}
    QListWidget#navigation {{ background: {c.sunken}; border: none; padding-top: 8px; outline: 0; }}
    QListWidget#navigation::item {{ padding: 10px 14px; border-radius: 6px; margin: 2px 8px; }}
    QListWidget#navigation::item:selected {{ background: {c.accent}; color: {c.accent_text}; }}
    QPushButton[primary="true"] {{ background: {c.accent}; color: {c.accent_text}; border: none;
        border-radius: 5px; padding: 6px 16px; font-weight: 600; }}
    QPushButton[primary="true"]:disabled {{ background: {c.border}; color: {c.muted}; }}
    QLineEdit[invalid="true"], QComboBox[invalid="true"], QPlainTextEdit[invalid="true"] {{
        border: 1px solid {c.danger}; border-radius: 3px; }}
    """


def apply_theme(app: QApplication, *, dark: bool | None = None) -> Colors:
    """Style `app` light or dark (default: as the system is), with the wheel guarded and the dialogs'
    heights fitted; the colors used."""
    guard_wheel(app)
    fit_windows(app)
    use_dark = is_dark(app) if dark is None else dark
    colors = DARK if use_dark else LIGHT
    app.setStyle("Fusion")
    app.setPalette(_palette(colors))
    app.setStyleSheet(stylesheet(colors))
    app._providerdesk_dark = use_dark  # type: ignore[attr-defined]
    return colors


def choose_theme(app: QApplication, theme: str) -> Colors:
    """Style `app` as chosen (app.settings.THEMES): light or dark whatever the system says, or as the
    system is ("system"), now and when the system switches; the colors used."""
    app._providerdesk_theme = theme  # type: ignore[attr-defined]
    return apply_theme(app, dark=None if theme == "system" else theme == "dark")


def chosen_theme(app: QApplication) -> str:
    return str(getattr(app, "_providerdesk_theme", "system"))


def follow_system_theme(app: QApplication) -> None:
    """Restyle when the system switches between light and dark, unless light or dark was chosen."""
    app.styleHints().colorSchemeChanged.connect(
        lambda _scheme: apply_theme(app) if chosen_theme(app) == "system" else None)


def restyle(widget: object) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    style = widget.style()  # type: ignore[attr-defined]
    style.unpolish(widget)
    style.polish(widget)
