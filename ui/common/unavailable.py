"""What a control looks like when the server cannot serve it: off, with the reason where the user looks.

The reasons are learnt once, at sign-in (app/api/capabilities.py, `Capabilities.reason`); every
menu item and button a server may lack goes through `serve_or_explain`, so they all say why the same
way: disabled, the reason as their tooltip and status tip, and for a screen reader in the
description.
"""
from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton


def serve_or_explain(control: QAction | QAbstractButton, reason: str | None, *, enabled: bool = True,
                     tip: str = "") -> None:
    """Enable `control` as `enabled` says, with `tip`; with a `reason` (the server cannot serve it) it is
    off whatever `enabled` says, and the reason is its tip."""
    shown = reason if reason is not None else tip
    control.setEnabled(enabled and reason is None)
    control.setToolTip(shown)
    control.setStatusTip(shown)
    if isinstance(control, QAbstractButton):
        control.setAccessibleDescription(reason or "")
