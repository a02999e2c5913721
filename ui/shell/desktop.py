"""The application's controller: server, session and windows, from start to quit.

Built by main.py (the composition root) from settings and the token store; it starts the
embedded server when no server is configured, restores a remembered session or shows the
sign-in window, and after a sign-in builds one `SignedIn` (the user and the objects that serve
them, nothing optional) and the main window from it; on quit it stops everything in order.
"""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

from app.api.client import ApiClient, Timeouts
from app.api.connectivity import ConnectionState, Connectivity
from app.api.errors import ApiError, OfflineError
from app.api.models import User
from app.embedded_server import EmbeddedServer, EmbeddedServerError
from app.session.session import Session
from app.session.token_store import TokenStore
from app.settings import Settings
from ui.common.dialogs import open_dialog
from ui.common.directory_state import DirectoryState
from ui.common.tasks import TaskRunner
from ui.profile.wizard import RegistrationWizard
from ui.shell.login_window import LoginWindow
from ui.shell.main_window import MainWindow
from ui.shell.signed_in import SignedIn
from ui.widgets.page import PageKey

log = logging.getLogger(__name__)
SIGNED_OUT = "You are signed out."
EMBEDDED_KEY = "embedded-demo-server"


class Desktop(QObject):
    """Owns the connection, the session and the windows; the one place that knows them all.

    Before sign-in there is a client and a session (once connected); after it, `account`.

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
        self.account: SignedIn | None = None
        self.startup_error: EmbeddedServerError | None = None
        self._closing = False
        # Unsaved edits of the account whose session the server ended, by page: its next sign-in gets them.
        self._kept_edits: tuple[str, dict[PageKey, dict[str, object]]] | None = None

    @property
    def is_demo(self) -> bool:
        return self.embedded is not None

    @property
    def server_label(self) -> str:
        return "Local demo server" if self.is_demo else (self.settings.server_url or "")

    @property
    def user(self) -> User | None:
        return self.session.user if self.session else None

    @property
    def directory(self) -> DirectoryState | None:
        """The signed-in account's directory (None while nobody is signed in)."""
        return self.account.directory if self.account is not None else None

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

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
        assert url is not None, "settings name a server, or the embedded one gave its address"
        self._connect(url)
        self._login().server_ready()
        log.info("sign-in window ready")  # the frozen app's test and its start-up time read this line
        self.server_ready.emit()
        await self._restore()

    def _connect(self, url: str) -> None:
        self.client = ApiClient(url, timeouts=Timeouts(self.settings.connect_timeout, self.settings.read_timeout))
        self.session = Session(self.client, self.store, server_key=EMBEDDED_KEY if self.is_demo else None)
        self.connectivity = Connectivity(self.client)
        self.runner.connectivity = self.connectivity
        self.session.on_ended(self._on_session_ended)

    async def _restore(self) -> None:
        assert self.session is not None, "connected first"
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
        assert self.session is not None, "the form is enabled only once connected"
        user = await self.session.login(email, password, remember=remember)
        self.open_main_window()
        return user

    # ---- the sign-in window ----

    def _login(self) -> LoginWindow:
        if self.login_window is None:
            window = LoginWindow(server_label=self.server_label, store=self.store, demo=self.is_demo,
                                 runner=self.runner, sign_in=self._sign_in_from_window)
            window.register_requested.connect(self._on_login_register_requested)
            window.closed.connect(self._on_login_closed)
            self.login_window = window
        return self.login_window

    async def _sign_in_from_window(self, email: str, password: str, remember: bool) -> User:
        return await self.sign_in(email, password, remember=remember)

    def _on_login_register_requested(self) -> None:
        assert self.client is not None, "the form is enabled only once connected"
        window = self._login()
        wizard = RegistrationWizard(self.client, self.runner, self.data_dir, parent=window)
        wizard.registered.connect(lambda email: window.registration_received(email, wizard.not_kept))
        open_dialog(wizard)  # the sign-in window holds it

    def _on_login_closed(self) -> None:
        if self.main_window is None:
            self.quit()

    def show_login(self, message: str | None = None) -> None:
        window = self._login()
        window.reset(message)
        window.show()
        window.raise_()

    # ---- signed in ----

    def open_main_window(self) -> None:
        if self.main_window is not None:
            self.main_window.close_for_sign_out()
        if self.connectivity is not None and self.connectivity.state is ConnectionState.OFFLINE:
            # the sign-in (or the restore) was just answered: an earlier failure's "offline" is stale
            self.connectivity.set(ConnectionState.ONLINE)
        self.account = self._signed_in()
        self.account.directory.open()
        window = MainWindow(self.account, self.settings)
        window.sign_out_requested.connect(self.sign_out)
        window.session_ended.connect(self._on_session_ended)
        window.quit_requested.connect(self.quit)
        self.main_window = window
        window.show()
        kept, self._kept_edits = self._kept_edits, None
        if kept is not None and kept[0] == self.account.user.id:
            window.restore_edits(kept[1])
        if self.login_window is not None:
            self.login_window.hide()

    def _signed_in(self) -> SignedIn:
        """What serves the user who just signed in (a previous account's directory closed first)."""
        self._close_directory()
        client, session, connectivity = self.client, self.session, self.connectivity
        assert client is not None, "connected first"
        assert session is not None, "connected first"
        assert connectivity is not None, "connected first"
        user = session.user
        assert user is not None, "signed in first"
        directory = DirectoryState(client, connectivity, self.runner, user=user, server_key=session.server,
                                   data_dir=self.data_dir, capabilities=session.capabilities)
        return SignedIn(user=user, session=session, client=client, connectivity=connectivity, runner=self.runner,
                        directory=directory, data_dir=self.data_dir, server_label=self.server_label,
                        window_state=self.window_state)

    def _close_directory(self) -> None:
        if self.account is not None:
            directory, self.account = self.account.directory, None
            self.runner.start(directory.aclose())

    def sign_out(self) -> None:
        """End the session (also on the server, when it answers) and return to sign-in."""
        assert self.session is not None, "signed in first"
        session = self.session
        if self.main_window is not None:
            self.main_window.close_for_sign_out()
            self.main_window = None
        self._close_directory()
        self.show_login(SIGNED_OUT)
        self.runner.start(session.logout(), on_done=self._on_logout_done)

    def _on_logout_done(self, not_ended: str | None) -> None:
        """Say so when the server did not end the session (unless the user has moved on meanwhile)."""
        window = self.login_window
        if not_ended and window is not None and window.message.text() == SIGNED_OUT:
            window.show_note(not_ended)  # signed out here all the same: no failure to show in red

    def _on_session_ended(self, words: str) -> None:
        """The server ended the session (a new password elsewhere, a deactivation, an expired sign-in):
        say why, and keep the unsaved edits for the same account's next sign-in."""
        if self.main_window is not None:
            edits = self.main_window.unsaved_edits()
            if edits and self.account is not None:
                self._kept_edits = (self.account.user.id, edits)
                words = f"{words} Your unsaved changes are kept until you sign in again."
            self.main_window.close_for_sign_out()
            self.main_window = None
        elif self.login_window is not None and self.login_window.isVisible():
            return  # told already (a refused refresh and the request it failed both report it)
        self._close_directory()
        self.show_login(words)

    # ---- quitting ----

    def quit(self) -> None:
        """Close everything; `finished` is emitted when the shutdown is done."""
        if self._closing:
            return
        self._closing = True
        self._shutdown_task = asyncio.ensure_future(self._shutdown())

    async def _shutdown(self) -> None:
        if self.account is not None:  # first: a sync stops between two batches, never inside a write
            directory, self.account = self.account.directory, None
            await directory.aclose()
        self.runner.cancel_all()
        if self.main_window is not None:
            self.main_window.close_for_sign_out()
            self.main_window = None
        if self.login_window is not None:
            self.login_window.hide()
        if self.client is not None:
            await self.client.aclose()
        if self.embedded is not None:
            await self.embedded.stop()
        self.finished.emit()
