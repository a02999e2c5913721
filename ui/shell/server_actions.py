"""The window's actions that need the server: off while offline, or always off on a server that cannot serve
them (app/api/capabilities.py gives the reason), with the reason in their tips."""
from __future__ import annotations

from PySide6.QtGui import QAction

from app.api.connectivity import ConnectionState, Connectivity
from ui.common.unavailable import serve_or_explain


class ServerActions:
    """Enables the actions added while `connectivity` is online; offline, disables them and says why."""

    def __init__(self, connectivity: Connectivity) -> None:
        self.connectivity = connectivity
        self._actions: list[tuple[QAction, str, str]] = []  # (action, its tip online, its tip offline)
        connectivity.on_change(self._on_connectivity_changed)

    def add(self, action: QAction, offline_tip: str, *, unavailable: str | None = None) -> QAction:
        """Follow the connection for `action`; offline its tips say `offline_tip` instead of its own.
        With `unavailable` (why this server cannot serve it) it stays off, its tips saying that."""
        if unavailable is not None:
            serve_or_explain(action, unavailable)
            return action
        self._actions.append((action, action.toolTip(), offline_tip))
        self._on_connectivity_changed(self.connectivity.state)
        return action

    def _on_connectivity_changed(self, state: ConnectionState) -> None:
        offline = state is ConnectionState.OFFLINE
        for action, online_tip, offline_tip in self._actions:
            serve_or_explain(action, None, enabled=not offline, tip=offline_tip if offline else online_tip)

    def stop(self) -> None:
        """Stop following the connection (the window closes)."""
        self.connectivity.off_change(self._on_connectivity_changed)

