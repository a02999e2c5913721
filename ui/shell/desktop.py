"""The application's controller: server, session and windows, from start to quit.

Built by main.py (the composition root) from settings and the token store; it starts the
embedded server when no server is configured, restores a remembered session or shows the
sign-in window, opens the main window, and on quit stops everything in order.
"""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

from app.api.client import ApiClient, Timeouts
from app.api.connectivity import Connectivity
from app.api.errors import ApiError, OfflineError
from app.api.models import User
from app.embedded_server import EmbeddedServer, EmbeddedServerError
from app.session.session import Session
from app.session.token_store import TokenStore
from app.settings import Settings
from ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from ui.common.directory_state import DirectoryState
    from ui.shell.login_window import LoginWindow
    from ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)
EMBEDDED_KEY = "embedded-demo-server"
DEMO_ACCOUNTS = (
    ("Facility administrator", "admin@demo.local"),
    ("Credentialing officer", "credentialing@demo.local"),
    ("Provider", "provider@demo.local"),
)
DEMO_PASSWORD = "demo-pass-2026"


class Desktop(QObject):
    """Owns the client, session and windows.

    Signals:
        finished(): the application is done; main.py stops the event loop.
        server_ready(): the server answered; the sign-in form may be used.
    """

    finished = Signal()
    server_ready = Signal()

    def __init__(self, settings: Settings, store: TokenStore, *, demo_providers: int = 2000) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.window_state = QSettings(str(settings.data_dir / "window.ini"), QSettings.Format.IniFormat)
        self.embedded: EmbeddedServer | None = None
        if settings.uses_embedded_server:
            self.embedded = EmbeddedServer(settings.data_dir / "server", demo_providers=demo_providers)
        self.client: ApiClient | None = None
        self.session: Session | None = None
        self.connectivity: Connectivity | None = None
        self.runner = TaskRunner()
        self.login_window: LoginWindow | None = None
        self.main_window: MainWindow | None = None
        self.directory: DirectoryState | None = None
        self.startup_error: EmbeddedServerError | None = None
        self._closing = False

    @property
    def is_demo(self) -> bool:
        return self.embedded is not None

    @property
    def server_label(self) -> str:
        return "Local demo server" if self.is_demo else (self.settings.server_url or "")

    @property
    def user(self) -> User | None:
        return self.session.user if self.session else None

    def start(self) -> None:
        """Show the sign-in window at once and connect behind it."""
        self.show_login()
        self.runner.start(self._boot())

    async def _boot(self) -> None:
        url = self.settings.server_url
        if self.embedded is not None:
            try:
                url = await self.embedded.start()
            except EmbeddedServerError as error:
                self.startup_error = error
                log.error("embedded server failed: %s\n%s", error.message, error.output)
                self._login().show_startup_error(error.message, error.output)
                return
        assert url is not None
        self._connect(url)
        self.server_ready.emit()
        await self._restore()

    def _connect(self, url: str) -> None:
        self.client = ApiClient(url, timeouts=Timeouts(self.settings.connect_timeout, self.settings.read_timeout))
        self.session = Session(self.client, self.store, server_key=EMBEDDED_KEY if self.is_demo else None)
        self.connectivity = Connectivity(self.client)
        self.runner.connectivity = self.connectivity
        self.session.on_ended(self._on_session_ended)

    async def _restore(self) -> None:
        assert self.session is not None
        try:
            user = await self.session.restore()
        except OfflineError:
            self._login().show_error("The server cannot be reached. Check the address and the network.")
            return
        except ApiError as error:
            log.info("restoring the session failed: %s", error.message)
            return
        if user is not None:
            self.open_main_window()

    async def sign_in(self, email: str, password: str, *, remember: bool) -> User:
        """Sign in with the current server; opens the main window on success."""
        assert self.session is not None
        user = await self.session.login(email, password, remember=remember)
        self.open_main_window()
        return user

    def _login(self) -> LoginWindow:
        from ui.shell.login_window import LoginWindow

        if self.login_window is None:
            self.login_window = LoginWindow(self)
        return self.login_window

    def show_login(self, message: str | None = None) -> None:
        window = self._login()
        window.reset(message)
        window.show()
        window.raise_()

    def open_main_window(self) -> None:
        from ui.shell.main_window import MainWindow

        if self.main_window is not None:
            self.main_window.close_for_sign_out()
        self._open_directory()
        window = MainWindow(self)
        self.main_window = window
        window.show()
        if self.login_window is not None:
            self.login_window.hide()

    def _open_directory(self) -> None:
        """Open the signed-in account's directory cache; it syncs once open."""
        from ui.common.directory_state import DirectoryState

        self._close_directory()
        assert self.client is not None
        assert self.connectivity is not None
        assert self.session is not None
        assert self.user is not None
        self.directory = DirectoryState(self.client, self.connectivity, self.runner, user=self.user,
                                        server_key=self.session.server, data_dir=self.data_dir)
        self.directory.open()

    def _close_directory(self) -> None:
        if self.directory is not None:
            directory, self.directory = self.directory, None
            self.runner.start(directory.aclose())

    def sign_out(self) -> None:
        """End the session (also on the server, when it answers) and return to sign-in."""
        assert self.session is not None
        session = self.session
        if self.main_window is not None:
            self.main_window.close_for_sign_out()
            self.main_window = None
        self._close_directory()
        self.show_login("You are signed out.")
        self.runner.start(session.logout())

    def _on_session_ended(self) -> None:
        if self.main_window is not None:
            self.main_window.close_for_sign_out()
            self.main_window = None
        self._close_directory()
        self.show_login("Your session has ended. Sign in again.")

    def quit(self) -> None:
        """Close everything; `finished` is emitted when the shutdown is done."""
        if self._closing:
            return
        self._closing = True
        self._shutdown_task = asyncio.ensure_future(self._shutdown())

    async def _shutdown(self) -> None:
        if self.directory is not None:  # first: a sync stops between two batches, never inside a write
            directory, self.directory = self.directory, None
            await directory.aclose()
        self.runner.cancel_all()
        if self.main_window is not None:
            self.main_window.close_for_sign_out()
        if self.login_window is not None:
            self.login_window.hide()
        if self.client is not None:
            await self.client.aclose()
        if self.embedded is not None:
            await self.embedded.stop()
        self.finished.emit()

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir
