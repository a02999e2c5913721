"""The sign-in window: email, password, remember me, the server, and the demo accounts."""
from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api import errors
from app.session.token_store import TokenStore
from ui.common.labels import plain_label
from ui.common.tasks import TaskRunner
from ui.providers.fields import labels_of

DEMO_ACCOUNTS = (
    ("Facility administrator", "admin@demo.local"),
    ("Credentialing officer", "credentialing@demo.local"),
    ("Provider", "provider@demo.local"),
)
DEMO_PASSWORD = "demo-pass-2026"
SHORT_LABELS = {"Facility administrator": "Administrator", "Credentialing officer": "Credentialing"}


def _words(error: Exception) -> str:
    if isinstance(error, errors.AuthenticationError):
        return "The email or password is not right. Check both and try again."
    if isinstance(error, errors.RateLimitedError):
        return f"Too many attempts. Wait {error.retry_after} seconds, then try again."
    if isinstance(error, errors.OfflineError):
        return "The server cannot be reached. Check the network connection, or the server address."
    if isinstance(error, errors.ValidationError):
        return "Enter your email address and password."
    if isinstance(error, errors.IncompatibleServerError | errors.UnsupportedRoleError):
        return error.message  # names what is missing, or the role: trying again would not help
    if isinstance(error, errors.ServerError):
        return "The server had a problem signing you in. Try again in a moment."
    return "Signing in failed unexpectedly. The details are in the log file."


SignIn = Callable[[str, str, bool], Coroutine[Any, Any, object]]


class LoginWindow(QWidget):
    """Signs a user in; also where a failed start of the local server is explained.

    `sign_in(email, password, remember)` is the shell's coroutine that signs in and opens the
    main window; the form is usable once `server_ready()` is called.

    Signals:
        register_requested(): the user wants to register as a provider (the shell opens the wizard).
        closed(): the user closed the window.
    """

    register_requested = Signal()
    closed = Signal()

    def __init__(self, *, server_label: str, store: TokenStore, demo: bool, runner: TaskRunner,
                 sign_in: SignIn) -> None:
        super().__init__()
        self.server_text = server_label
        self.store = store
        self.demo = demo
        self.runner = runner
        self.sign_in = sign_in
        self.ready = False
        self.start_failed = False
        self.setWindowTitle("Sign in — ProviderDesk")
        self.setMinimumWidth(520)
        self._build()
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._on_countdown_timeout)
        self._wait = 0

    def _build(self) -> None:
        title = QLabel("ProviderDesk")
        title.setProperty("role", "title")
        subtitle = QLabel("Sign in to the provider directory")
        subtitle.setProperty("role", "muted")
        self.server_label = QLabel(self.server_text)
        self.server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.server_label.setAccessibleName("Server")
        self.email = QLineEdit()
        self.email.setPlaceholderText("you@hospital.org")
        self.email.setAccessibleName("Email")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.remember = QCheckBox("Keep me signed in on this computer")
        self.remember.setAccessibleName("Remember me")
        self._explain_remember()
        form = QFormLayout()
        form.addRow("Server", self.server_label)
        form.addRow("&Email", self.email)
        form.addRow("&Password", self.password)
        form.addRow("", self.remember)
        self.remember_note = plain_label(self.store.reason or "", "muted", wrap=True)
        self.remember_note.setVisible(not self.store.persistent)
        form.addRow("", self.remember_note)
        self.message = plain_label(role="error", wrap=True, name="Sign-in message")
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Server output")
        self.details.hide()
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setProperty("primary", True)
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self._on_sign_in_clicked)
        self.register_button = QPushButton("Register as a provider…")
        self.register_button.setFlat(True)
        self.register_button.clicked.connect(self._on_register_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.register_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_in_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        for widget in (title, subtitle):
            layout.addWidget(widget)
        layout.addSpacing(12)
        if self.demo:
            layout.addWidget(self._demo_panel())
            layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.details)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addStretch(1)  # a window made taller keeps its rows together at the top, not spread apart
        self.email.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._on_sign_in_clicked)
        self.setTabOrder(self.email, self.password)
        self.setTabOrder(self.password, self.remember)
        self.setTabOrder(self.remember, self.sign_in_button)

    def _demo_panel(self) -> QFrame:
        panel = QFrame()
        panel.setProperty("level", "info")
        column = QVBoxLayout(panel)
        note = QLabel("This is a local demo server with sample data. Choose a demo account "
                      f"(password {DEMO_PASSWORD}):")
        note.setWordWrap(True)
        column.addWidget(note)
        row = QHBoxLayout()
        for label, email in DEMO_ACCOUNTS:
            button = QPushButton(SHORT_LABELS.get(label, label))
            button.setToolTip(email)
            button.setAccessibleName(f"Use the demo account {email}")
            button.clicked.connect(lambda _checked=False, e=email: self.fill_demo(e))
            row.addWidget(button)
        column.addLayout(row)
        return panel

    def _explain_remember(self) -> None:
        store = self.store
        self.remember.setEnabled(store.persistent)
        self.remember.setToolTip(store.reason or "Your sign-in is kept in this computer's secure password store "
                                 "(system keyring) until you sign out.")

    def fill_demo(self, email: str) -> None:
        self.email.setText(email)
        self.password.setText(DEMO_PASSWORD)
        self.sign_in_button.setFocus()

    def reset(self, message: str | None = None) -> None:
        self.password.clear()
        self._set_message(message or "", error=False)
        self._set_ready(self.ready)
        if not self.ready and not self.start_failed:
            self._set_message("Starting the local demo server…" if self.demo else "Connecting…", error=False)

    def _set_ready(self, ready: bool) -> None:
        for widget in (self.email, self.password, self.sign_in_button, self.register_button):
            widget.setEnabled(ready)
        self.remember.setEnabled(ready and self.store.persistent)
        self.sign_in_button.setText("Sign in")

    def _set_message(self, text: str, *, error: bool = True) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "error" if error else "muted")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self._set_message(text)

    def show_note(self, text: str) -> None:
        """Something to know that is no failure (a sign-out done here that the server did not confirm)."""
        self._set_message(text, error=False)

    def show_startup_error(self, message: str, output: str) -> None:
        self._set_message(f"{message} Its last output is below. Quit, then start ProviderDesk again; "
                          "if it fails again, send this output to your administrator.")
        self.details.setPlainText(output or "(the server printed nothing)")
        self.details.show()
        self.start_failed = True
        self._set_ready(False)

    def server_ready(self) -> None:
        """The server answered: the form may be used."""
        self.ready = True
        self._set_message("")
        self._set_ready(True)
        self.email.setFocus()

    def _on_sign_in_clicked(self) -> None:
        if not self.sign_in_button.isEnabled():
            return  # a sign-in is running (Enter pressed twice)
        email, password = self.email.text().strip(), self.password.text()
        if not email or not password:
            self._set_message("Enter your email address and password.")
            return
        self._set_message("")
        self.sign_in_button.setText("Signing in…")
        self.runner.start(
            self.sign_in(email, password, self.remember.isChecked()),
            busy=(self.email, self.password, self.sign_in_button, self.register_button),
            on_done=lambda _user: self._set_ready(True),
            on_error=self._on_sign_in_failed,
        )

    def _on_sign_in_failed(self, error: Exception) -> bool:
        self.sign_in_button.setText("Sign in")
        self._set_message(_words(error))
        if isinstance(error, errors.RateLimitedError):
            self._wait = error.retry_after
            self._countdown.start()
        self.password.setFocus()
        self.password.selectAll()
        return True

    def _on_countdown_timeout(self) -> None:
        self._wait -= 1
        if self._wait <= 0:
            self._countdown.stop()
            self._set_message("You can try again now.", error=False)
        else:
            self._set_message(f"Too many attempts. Wait {self._wait} seconds, then try again.")

    def _on_register_clicked(self) -> None:
        self.register_requested.emit()

    def registration_received(self, email: str, not_kept: Sequence[str] = ()) -> None:
        """A registration went through: sign in with it next (and what the server did not keep, said)."""
        self.email.setText(email)
        self.password.clear()
        dropped = f" This server did not keep: {labels_of(not_kept)} (it has no place for it)." if not_kept else ""
        self._set_message(f"Your registration was received.{dropped} Sign in with your new password.", error=False)
        self.password.setFocus()

    def closeEvent(self, event: object) -> None:
        self.closed.emit()
        super().closeEvent(event)  # type: ignore[arg-type]
