"""The main window: navigation between pages, menus, a message bar and a status bar.

Its pages (`Pages`) are built from the parts of the signed-in account they use; what the pages ask
of the window (navigation, registering a provider) is wired in one place, `_connect_page`.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from app.api.capabilities import Feature
from app.api.connectivity import ConnectionState
from app.api.models import Role
from app.directory.cache import DirectoryCache
from app.directory.query import DirectoryQuery
from app.settings import Settings
from ui.appointments.page import AppointmentsPage
from ui.common.dialogs import open_dialog
from ui.common.notify import ErrorPresenter, MessageBar
from ui.credentialing.alerts import LicenseAlerts
from ui.credentialing.exclusion_load import ExclusionListLoad
from ui.dashboards.provider_dashboard import ProviderDashboardPage
from ui.directory.export_dialog import ExportDialog
from ui.directory.fhir_export_dialog import FhirExportDialog
from ui.directory.page import DirectoryPage
from ui.directory.roster_import_dialog import ImportDialog
from ui.profile.page import ProfilePage
from ui.profile.wizard import RegistrationWizard
from ui.shell.menus import Keys, add_menu, redraw_icons, window_action
from ui.shell.offline_bar import OfflineBar
from ui.shell.pages import Pages, slots_for
from ui.shell.password_dialog import NOTE_KEEPS_SESSIONS, OFFLINE, PasswordDialog
from ui.shell.server_actions import ServerActions
from ui.shell.settings_dialog import SettingsDialog
from ui.shell.shortcuts import ShortcutGuard, ShortcutsDialog, action_rows
from ui.shell.signed_in import SignedIn
from ui.shell.status_bar import StatusBar
from ui.widgets.page import Page, PageKey

PASSWORD_TIP = "Choose a new password; other computers signed in as you will have to sign in again"
PASSWORD_TIP_KEEPS_SESSIONS = "Choose a new password (this server ends no session: other computers stay signed in)"
PASSWORD_CHANGED = ("Your password was changed. You are signed in again with the new session; other computers "
                    "signed in as you must sign in again.")
PASSWORD_CHANGED_KEEPS_SESSIONS = f"Your password was changed. {NOTE_KEEPS_SESSIONS}"
# The smallest window whose pages show every text whole (tests/ui/shell/test_layout_fit.py checks it):
# the worklist's queue tabs, its list and the review pane side by side need this much.
MINIMUM_SIZE = (900, 600)


class MainWindow(QMainWindow):
    """Pages on the left, the current page on the right; remembers its size and last page.

    The dialog it has open is in `dialog` (one at a time: they are window-modal).

    Signals:
        sign_out_requested(): the user asked to sign out.
        session_ended(str): the server ended the session, for the reason given.
        quit_requested(): the user closed the window (not for a sign-out).
    """

    sign_out_requested = Signal()
    session_ended = Signal(str)
    quit_requested = Signal()

    def __init__(self, account: SignedIn, settings: Settings) -> None:
        super().__init__()
        self.account = account
        self.settings = settings
        self.dialog: QDialog | None = None
        self.setWindowTitle("ProviderDesk")
        self.setMinimumSize(*MINIMUM_SIZE)
        self.message_bar = MessageBar()
        self.presenter = ErrorPresenter(self.message_bar, self)
        self.presenter.session_ended.connect(self.session_ended)
        account.runner.failed.connect(self.presenter.show)
        self.pages = Pages(slots_for(account), self._connect_page, self)
        self.pages.leaving_unsaved.connect(self._on_pages_leaving_unsaved)
        self._build_body()
        self.server_actions = ServerActions(account.connectivity)
        self._build_menus()
        self.status_bar = StatusBar(account)
        self.setStatusBar(self.status_bar)
        account.directory.notice.connect(self.message_bar.show_message)
        self.shortcut_guard = ShortcutGuard(self)
        self._closing_for_sign_out = False
        self.alerts: LicenseAlerts | None = None
        if account.user.role.is_staff:
            self.alerts = LicenseAlerts(account.directory, account.user, account.window_state, self,
                                        server_key=account.session.server)
            self.alerts.notice.connect(self.message_bar.show_message)
            self.alerts.changed.connect(self.message_bar.replace_message)
            self.alerts.open_requested.connect(self._on_alerts_open_requested)
        self._restore_state()
        # after apply_theme (follow_system_theme connects first, at start): icons in the new colors
        QApplication.styleHints().colorSchemeChanged.connect(self.redraw_icons)

    def redraw_icons(self, *_scheme: object) -> None:
        """Draw the navigation's and the actions' icons again, in the current theme's color."""
        self.pages.redraw_icons()
        redraw_icons(self)

    # ---- layout ----

    def _build_body(self) -> None:
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(12, 8, 12, 0)
        self.offline_bar = OfflineBar(self.account.directory)  # steady while offline: it may take its place
        column.addWidget(self.offline_bar)
        self.pinned_messages = MessageBar()  # warnings and errors stay until dismissed: above the page, once
        column.addWidget(self.pinned_messages)
        column.addWidget(self.pages.stack, 1)
        # results that go by themselves: below the page, covering nothing and moving nothing at its top
        column.addWidget(self.message_bar)
        self.message_bar.keep_staying_in(self.pinned_messages)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.pages.navigation)
        row.addWidget(right, 1)
        self.setCentralWidget(body)

    def _build_menus(self) -> None:
        admin, bar, act = self.account.user.role is Role.FACILITY_ADMIN, self.menuBar(), self._action
        self.sync_action = act("&Sync now", QKeySequence.StandardKey.Refresh, self._on_sync_triggered,
                               "Reload the current page from the server", "refresh")
        self.export_action = act("&Export directory to CSV…", "Ctrl+E", self._on_export_triggered,
                                 "Export the directory's current search and filters as CSV", "export")
        self.fhir_export_action = act("Export directory as &FHIR (NDJSON)…", None, self._on_fhir_export_triggered,
                                      "Save the directory you see as HL7 FHIR R4 files, for payers and HIEs",
                                      "export")
        self.import_action = act("&Import roster from CSV…", "Ctrl+I", self._on_import_triggered,
                                 "Create providers from a CSV roster, after a preview", "import")
        self.import_action.setVisible(admin)
        settings = act("Se&ttings…", QKeySequence.StandardKey.Preferences, self._on_settings_triggered,
                       icon_name="settings")
        quit_action = act("&Quit", QKeySequence.StandardKey.Quit, self.close)
        self.register_action = self.server_actions.add(
            act("&Register a provider…", "Ctrl+N", self._on_register_provider_triggered,
                "Register a new provider on their behalf", "add"),
            "Not available offline: registering needs the server")
        self.register_action.setVisible(admin)
        self.exclusion_load = ExclusionListLoad(self.account.client, self.account.runner, self)
        self.exclusion_load.notice.connect(self.message_bar.show_message)
        self.load_exclusions_action = self.server_actions.add(
            act("&Load exclusion list (LEIE)…", None, self.exclusion_load.choose,
                "Load the OIG's UPDATED.csv and screen every provider against it"),
            "Not available offline: loading the exclusion list needs the server")
        self.load_exclusions_action.setVisible(self.account.user.role is Role.CREDENTIALING_OFFICER)
        add_menu(bar, "&File", [self.register_action, self.sync_action, self.export_action, self.fhir_export_action,
                                self.import_action, self.load_exclusions_action, settings, None, quit_action])
        self._build_account_menu()
        pages = [act(key.title, key.shortcut, lambda _checked=False, k=key: self.show_page(k),
                     help_text=f"Show {key.title}") for key in self.pages.slots]
        add_menu(bar, "&Go", [*pages, act("&Search the directory", QKeySequence.StandardKey.Find,
                                          self._on_search_triggered, "Go to the directory's search", "search")])
        add_menu(bar, "&Help", [act("&Keyboard shortcuts", "F1", self._on_shortcuts_triggered,
                                    help_text="This list of keyboard shortcuts"),
                                act("&About ProviderDesk", None, self._on_about_triggered)])

    def _action(self, text: str, keys: Keys, slot: Callable[..., object], tip: str = "",
                icon_name: str | None = None, *, help_text: str = "") -> QAction:
        return window_action(self, text, keys, slot, tip, icon_name, help_text=help_text)

    def _build_account_menu(self) -> None:
        """Who is signed in, their password, signing out."""
        user = self.account.user
        who = QAction(f"{user.email} — {user.role.label}", self)
        who.setEnabled(False)
        capabilities = self.account.session.capabilities
        tip = PASSWORD_TIP if capabilities.password_ends_other_sessions else PASSWORD_TIP_KEEPS_SESSIONS
        self.change_password_action = self.server_actions.add(
            self._action("Change &password…", None, self._on_change_password_triggered, tip),
            "Not available offline: changing the password needs the server",
            unavailable=capabilities.reason(Feature.PASSWORD_CHANGE))
        sign_out = self._action("Sign &out", "Ctrl+Shift+L", self._on_sign_out_triggered, icon_name="sign-out")
        self.account_menu = add_menu(self.menuBar(), "&Account",
                                     [who, None, self.change_password_action, None, sign_out])

    # ---- pages ----

    def _connect_page(self, page: Page) -> None:
        """Wire what a page asks of the window: the one place pages and the shell meet."""
        if isinstance(page, DirectoryPage):
            page.register_requested.connect(self._on_register_provider_triggered)
        elif isinstance(page, ProviderDashboardPage):
            page.navigate_requested.connect(self.show_page)
            page.upload_requested.connect(self._on_dashboard_upload_requested)
        elif isinstance(page, AppointmentsPage):
            page.changed.connect(self._on_appointments_changed)

    def _on_appointments_changed(self) -> None:
        """The dashboard's numbers count the appointments: reloaded when next shown."""
        dashboard = self.pages.built(PageKey.DASHBOARD)
        if dashboard is not None and dashboard.isVisible():
            dashboard.activate()

    def _on_dashboard_upload_requested(self) -> None:
        self.show_page(PageKey.PROFILE)
        profile = self.pages.page(PageKey.PROFILE)
        if isinstance(profile, ProfilePage):
            profile.choose_document()

    def current_page(self) -> Page:
        return self.pages.current()

    def show_page(self, key: PageKey) -> None:
        """Show the page `key` (say `PageKey.DIRECTORY`), if this role has it."""
        self.pages.show(key)

    def _on_pages_leaving_unsaved(self, page: Page, key: PageKey) -> None:
        self._ask_discard(page, lambda: self.show_page(key))

    def _ask_discard(self, page: Page, then: Callable[[], object]) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          f"{page.title} has changes that are not saved. Discard them?",
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def decided(_result: int) -> None:
            if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Discard:
                page.discard_changes()
                then()

        box.finished.connect(decided)
        self.dialog = open_dialog(box)

    # ---- menu actions ----

    def _on_sync_triggered(self) -> None:
        page = self.current_page()
        if page.key is PageKey.DIRECTORY:
            self.account.directory.sync_now()
        page.activate()

    def _on_search_triggered(self) -> None:
        self.show_page(PageKey.DIRECTORY)
        focus = getattr(self.current_page(), "focus_search", None)
        if focus is not None:
            focus()

    def _on_register_provider_triggered(self) -> None:
        account = self.account
        wizard = RegistrationWizard(account.client, account.runner, account.data_dir, on_behalf=True, parent=self)
        wizard.registered.connect(self._on_wizard_registered)
        self.dialog = open_dialog(wizard)

    def _directory_page(self) -> DirectoryPage | None:
        page = self.pages.built(PageKey.DIRECTORY)
        return page if isinstance(page, DirectoryPage) else None

    def _loaded_cache(self) -> DirectoryCache | None:
        """The directory's cache for an export, or None (said in the message bar) before the first sync."""
        cache = self.account.directory.cache
        if cache is None:
            self.message_bar.show_message("The directory is not loaded yet; export after the first sync.", "info")
        return cache

    def _on_export_triggered(self) -> None:
        cache = self._loaded_cache()
        if cache is None:
            return
        page = self._directory_page()
        query = page.model.query if page is not None else DirectoryQuery()
        # kept once closed: an export still writing reports to it
        self.dialog = open_dialog(ExportDialog(cache, query, self.account.runner, self), delete_on_close=False)

    def _on_fhir_export_triggered(self) -> None:
        cache = self._loaded_cache()
        if cache is None:
            return
        # kept once closed: an export still writing reports to it
        self.dialog = open_dialog(FhirExportDialog(cache, self.account.runner, self), delete_on_close=False)

    def _on_import_triggered(self) -> None:
        account = self.account
        self.dialog = open_dialog(ImportDialog(account.client, account.directory, account.runner, self),
                                  delete_on_close=False)  # kept once closed: an import still running reports to it

    def _on_wizard_registered(self, email: str) -> None:
        page = self._directory_page()
        if page is not None:
            page.show_registered(email)  # says so and syncs
        else:
            self.account.directory.sync_now()

    def _on_settings_triggered(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        dialog.accepted.connect(self.redraw_icons)  # a theme chosen there applies at once: icons in its colors
        self.dialog = open_dialog(dialog)

    def _on_change_password_triggered(self) -> None:
        if self.account.connectivity.state is ConnectionState.OFFLINE:
            self.message_bar.show_message(OFFLINE, "warning")  # the action is disabled; a shortcut may still come
            return
        dialog = PasswordDialog(self.account.session, self.account.runner, self)
        dialog.changed.connect(self._on_password_dialog_changed)
        self.dialog = open_dialog(dialog)

    def _on_password_dialog_changed(self) -> None:
        ends = self.account.session.capabilities.password_ends_other_sessions
        self.message_bar.show_message(PASSWORD_CHANGED if ends else PASSWORD_CHANGED_KEEPS_SESSIONS, "success")

    def _on_sign_out_triggered(self) -> None:
        page = self.current_page()
        if page.has_unsaved_changes():
            self._ask_discard(page, self.sign_out_requested.emit)
        else:
            self.sign_out_requested.emit()

    def _on_shortcuts_triggered(self) -> None:
        """The window's actions with a shortcut, then each page's own keys: read from them, never retyped."""
        sections = [("Anywhere in the window", action_rows(self.actions())),
                    *((f"On the {key.title} page", slot.shortcut_rows) for key, slot in self.pages.slots.items())]
        self.dialog = open_dialog(ShortcutsDialog(sections, self))

    def _on_about_triggered(self) -> None:
        self.dialog = open_dialog(QMessageBox(
            QMessageBox.Icon.Information, "About ProviderDesk",
            f"ProviderDesk — provider directory and license credentialing.\nConnected to: {self.account.server_label}",
            QMessageBox.StandardButton.Ok, self))

    def _on_alerts_open_requested(self) -> None:
        self.show_page(PageKey.CREDENTIALING)
        self.showNormal()
        self.raise_()
        self.activateWindow()

    # ---- state ----

    def _restore_state(self) -> None:
        state = self.account.window_state
        geometry = state.value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 760)
        saved = PageKey.saved(state.value(self._last_page_setting()))
        # none saved, or a page this role does not have: the first
        self.show_page(saved if saved in self.pages.slots else self.pages.current_key)

    def _last_page_setting(self) -> str:
        """Where the last page's key is kept: per account (an officer's Credentialing is no provider's
        My Profile, though both are the third page)."""
        return f"last_page/{self.account.user.id}"

    def _save_state(self) -> None:
        state = self.account.window_state
        state.setValue("main/geometry", self.saveGeometry())
        state.setValue(self._last_page_setting(), self.pages.current_key.value)  # a saved title becomes its key
        state.remove("main/page")  # the position every account shared before
        state.sync()

    def unsaved_edits(self) -> dict[PageKey, dict[str, object]]:
        """Every page's unsaved edits (kept while the user signs in again after the session ended)."""
        return {page.key: edits for page in self.pages.all_built() if (edits := page.unsaved_edits())}

    def restore_edits(self, kept: dict[PageKey, dict[str, object]]) -> None:
        """Give the pages back the edits `unsaved_edits` took, and show the first page that has some."""
        for key, edits in kept.items():
            self.pages.page(key).restore_edits(edits)
        if kept:
            self.show_page(next(iter(kept)))
            self.message_bar.show_message("Your unsaved changes are back. Save them when ready.", "info")

    def close_for_sign_out(self) -> None:
        """Close without asking (the session is over), and delete the window: nothing of the account it
        showed stays in memory (its pages, models and connections kept it alive after each sign-out)."""
        self._closing_for_sign_out = True
        self.close()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        page = self.current_page()
        if not self._closing_for_sign_out and page.has_unsaved_changes():
            event.ignore()
            self._ask_discard(page, self.close)
            return
        self._save_state()
        self.status_bar.stop()
        self.server_actions.stop()
        if self.alerts is not None:
            self.alerts.stop()
        for each in self.pages.all_built():
            each.shutdown()
        event.accept()
        if not self._closing_for_sign_out:
            self.quit_requested.emit()
