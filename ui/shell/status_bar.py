"""The main window's status bar: the connection, the directory's sync, the server and who is signed in."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.api.connectivity import ConnectionState, Connectivity
from ui.common.labels import plain_label
from ui.shell.signed_in import SignedIn
from ui.shell.sync_status import SyncStatus

STATE_WORDS = {ConnectionState.ONLINE: "● Online", ConnectionState.OFFLINE: "● Offline",
               ConnectionState.SYNCING: "● Syncing…"}


class ConnectionLabel(QLabel):
    """"● Online", "● Offline" or "● Syncing…", following `connectivity` until `stop`."""

    def __init__(self, connectivity: Connectivity, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connectivity = connectivity
        self.setAccessibleName("Connection")
        connectivity.on_change(self.show_state)
        self.show_state(connectivity.state)

    def show_state(self, state: ConnectionState) -> None:
        self.setText(STATE_WORDS[state])
        self.setProperty("state", state.value)

    def stop(self) -> None:
        self.connectivity.off_change(self.show_state)


class StatusBar(QStatusBar):
    """The connection, the sync's progress and the server on the left; the signed-in user on the right."""

    def __init__(self, account: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connection_label = ConnectionLabel(account.connectivity)
        self.sync_status = SyncStatus(account.directory)
        self.server_label = plain_label(account.server_label, "muted")
        user = account.user
        self.user_label = plain_label(f"{user.email} — {user.role.label}", name="Signed-in user")
        self.addWidget(self.connection_label)
        self.addWidget(self.sync_status)
        self.addWidget(self.server_label)
        self.addPermanentWidget(self.user_label)

    def stop(self) -> None:
        """Stop following the connection (the window closes)."""
        self.connection_label.stop()
