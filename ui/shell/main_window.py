"""The main window: navigation between pages, menus, a message bar and a status bar.

It builds each page from the parts of the signed-in account the page uses and wires the pages'
requests (navigation, registering a provider) to the window in one place, `_connect_page`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.api.capabilities import Feature
from app.api.connectivity import ConnectionState
from app.api.models import Role
from app.directory.query import DirectoryQuery
from app.settings import Settings
from ui.common.dialogs import open_dialog
from ui.common.icons import icon
from ui.common.notify import ErrorPresenter, MessageBar
from ui.credentialing.alerts import LicenseAlerts
from ui.credentialing.page import CredentialingPage
from ui.dashboards.provider_dashboard import ProviderDashboardPage
from ui.dashboards.staff_dashboard import StaffDashboardPage
from ui.directory.export_dialog import ExportDialog
from ui.directory.page import DirectoryPage
from ui.directory.roster_import_dialog import ImportDialog
from ui.directory.sync_status import SyncStatus
from ui.profile.page import ProfilePage
from ui.profile.wizard import RegistrationWizard
from ui.shell.offline_bar import OfflineBar
from ui.shell.password_dialog import OFFLINE, PasswordDialog
from ui.shell.settings_dialog import SettingsDialog
from ui.shell.shortcuts import HELP_PROPERTY, Rows, ShortcutGuard, ShortcutsDialog, action_rows
from ui.shell.signed_in import SignedIn
from ui.widgets.page import Page

PASSWORD_TIP = "Choose a new password; other computers signed in as you will have to sign in again"
PASSWORD_CHANGED = ("Your password was changed. You are signed in again with the new session; other computers "
                    "signed in as you must sign in again.")
# The smallest window whose pages show every text whole (tests/ui/shell/test_layout_fit.py checks it):
# the worklist's queue tabs, its list and the review pane side by side need this much.
MINIMUM_SIZE = (900, 600)
NAVIGATION_SLACK = 4
STATE_WORDS = {ConnectionState.ONLINE: "● Online", ConnectionState.OFFLINE: "● Offline",
               ConnectionState.SYNCING: "● Syncing…"}


# the navigation's icons (resources/icons/)
PAGE_ICONS = {"Dashboard": "dashboard", "Directory": "directory", "Credentialing": "credentialing",
              "My Profile": "profile"}
ICON_PROPERTY = "providerdesk_icon"  # an action's icon name, to redraw it when the theme changes


@dataclass
class PageSlot:
    """A page of the window, built the first time it is shown (sign-in stays quick)."""

    title: str
    shortcut: str
    build: Callable[[], Page]
    keys: Rows = ()  # the page's own shortcuts (keys, what they do), for Help
    page: Page | None = None

    def get(self) -> Page:
        if self.page is None:
            self.page = self.build()
        return self.page


def _slots_for(account: SignedIn) -> list[PageSlot]:
    """The pages of `account`'s role, each built from the parts of the account it uses."""
    directory, client, runner, user = account.directory, account.client, account.runner, account.user
    capabilities = account.session.capabilities

    def dashboard() -> Page:
        if user.role is Role.PROVIDER:
            return ProviderDashboardPage(client, runner)
        return StaffDashboardPage(client, runner, unavailable=capabilities.reason(Feature.STAFF_DASHBOARD))

    slots = [
        PageSlot("Dashboard", "Ctrl+1", dashboard),
        PageSlot("Directory", "Ctrl+2", lambda: DirectoryPage(directory, client, runner, user)),
    ]
    if user.role.is_staff:
        no_worklist = capabilities.reason(Feature.WORKLIST)
        slots.append(PageSlot("Credentialing", "Ctrl+3",
                              lambda: CredentialingPage(directory, client, runner, user, unavailable=no_worklist),
                              CredentialingPage.shortcuts))
    else:
        slots.append(PageSlot("My Profile", "Ctrl+3", lambda: ProfilePage(client, runner, capabilities=capabilities),
                              ProfilePage.shortcuts))
    return slots


class MainWindow(QMainWindow):
    """Pages on the left, the current page on the right; remembers its size and last page.

    Signals:
        sign_out_requested(): the user asked to sign out, or the server ended the session.
        quit_requested(): the user closed the window (not for a sign-out).
    """

    sign_out_requested = Signal()
    quit_requested = Signal()

    def __init__(self, account: SignedIn, settings: Settings) -> None:
        super().__init__()
        self.account = account
        self.settings = settings
        self.setWindowTitle("ProviderDesk")
        self.setMinimumSize(*MINIMUM_SIZE)
        self.message_bar = MessageBar()
        self.presenter = ErrorPresenter(self.message_bar, self)
        self.presenter.session_ended.connect(self.sign_out_requested)
        account.runner.failed.connect(self.presenter.show)
        self.slots = _slots_for(account)
        self._build_body()
        self._build_menus()
        self._build_status_bar()
        self.shortcut_guard = ShortcutGuard(self)
        self._closing_for_sign_out = False
        self.alerts: LicenseAlerts | None = None
        if account.user.role.is_staff:
            self.alerts = LicenseAlerts(account.directory, account.user, account.window_state, self,
                                        server_key=account.session.server)
            self.alerts.notice.connect(self.message_bar.show_message)
            self.alerts.open_requested.connect(self._on_alerts_open_requested)
        self._restore_state()
        # after apply_theme (follow_system_theme connects first, at start): icons in the new colors
        QApplication.styleHints().colorSchemeChanged.connect(self.redraw_icons)

    def redraw_icons(self, *_scheme: object) -> None:
        """Draw the navigation's and the actions' icons again, in the current theme's color."""
        for row, slot in enumerate(self.slots):
            self.navigation.item(row).setIcon(icon(PAGE_ICONS[slot.title]))
        for action in self.actions():
            if name := action.property(ICON_PROPERTY):
                action.setIcon(icon(name))

    # ---- layout ----

    def _build_body(self) -> None:
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Pages")
        self.stack = QStackedWidget()
        for slot in self.slots:
            item = QListWidgetItem(icon(PAGE_ICONS[slot.title]), slot.title)
            item.setToolTip(f"{slot.title} ({slot.shortcut})" if slot.shortcut else slot.title)
            self.navigation.addItem(item)
            self.stack.addWidget(QWidget())  # stands in until the page is first shown
        self.navigation.ensurePolished()  # the theme's font, then as wide as the widest item (icon and title)
        # the item's size hint holds its icon, title, padding and margin (theme.py); a little slack
        self.navigation.setFixedWidth(max(150, self.navigation.sizeHintForColumn(0) + NAVIGATION_SLACK))
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it fits: never a bar
        self.navigation.currentRowChanged.connect(self._on_navigation_current_row_changed)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(12, 8, 12, 0)
        self.offline_bar = OfflineBar(self.account.directory)  # steady while offline: it may take its place
        column.addWidget(self.offline_bar)
        self.pinned_messages = MessageBar()  # warnings and errors stay until dismissed: in their place
        column.addWidget(self.pinned_messages)
        column.addWidget(self.stack, 1)
        # messages that go by themselves float over the page, moving nothing in it
        self.message_bar.float_over(self.stack, pinned=self.pinned_messages)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.navigation)
        row.addWidget(right, 1)
        self.setCentralWidget(body)

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None, slot: object,
                tip: str = "", icon_name: str | None = None) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
            action.setProperty(ICON_PROPERTY, icon_name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.sync_action = self._action("&Sync now", QKeySequence.StandardKey.Refresh, self._on_sync_triggered,
                                        "Reload the current page from the server", "refresh")
        self.export_action = self._action("&Export directory to CSV…", "Ctrl+E", self._on_export_triggered,
                                          "Export the directory's current search and filters as CSV", "export")
        self.import_action = self._action("&Import roster from CSV…", "Ctrl+I", self._on_import_triggered,
                                          "Create providers from a CSV roster, after a preview", "import")
        self.import_action.setVisible(self.account.user.role is Role.FACILITY_ADMIN)
        settings = self._action("Se&ttings…", QKeySequence.StandardKey.Preferences, self._on_settings_triggered,
                                icon_name="settings")
        quit_action = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        register = self._action("&Register a provider…", "Ctrl+N", self._on_register_provider_triggered,
                                "Register a new provider on their behalf", "add")
        register.setVisible(self.account.user.role is Role.FACILITY_ADMIN)
        self.register_action = register
        file_menu.addAction(register)
        for action in (self.sync_action, self.export_action, self.import_action, settings):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self._build_account_menu()
        go_menu = self.menuBar().addMenu("&Go")
        for index, slot in enumerate(self.slots):
            action = self._action(slot.title, f"Ctrl+{index + 1}", lambda _c=False, i=index: self.show_page(i))
            action.setProperty(HELP_PROPERTY, f"Show {slot.title}")
            go_menu.addAction(action)
        search = self._action("&Search the directory", QKeySequence.StandardKey.Find,
                              self._on_search_triggered, "Go to the directory's search", "search")
        go_menu.addAction(search)
        help_menu = self.menuBar().addMenu("&Help")
        keys_action = self._action("&Keyboard shortcuts", "F1", self._on_shortcuts_triggered)
        keys_action.setProperty(HELP_PROPERTY, "This list of keyboard shortcuts")
        help_menu.addAction(keys_action)
        help_menu.addAction(self._action("&About ProviderDesk", None, self._on_about_triggered))

    def _build_account_menu(self) -> None:
        """Who is signed in, their password, signing out."""
        self.account_menu = self.menuBar().addMenu("&Account")
        user = self.account.user
        who = QAction(f"{user.email} — {user.role.label}", self)
        who.setEnabled(False)
        self.account_menu.addAction(who)
        self.account_menu.addSeparator()
        self.change_password_action = self._action("Change &password…", None, self._on_change_password_triggered,
                                                   PASSWORD_TIP)
        self.account_menu.addAction(self.change_password_action)
        self.account_menu.addSeparator()
        self.account_menu.addAction(self._action("Sign &out", "Ctrl+Shift+L", self._on_sign_out_triggered,
                                                  icon_name="sign-out"))

    def _build_status_bar(self) -> None:
        self.connection_label = QLabel()
        self.connection_label.setAccessibleName("Connection")
        self.server_label = QLabel(self.account.server_label)
        self.server_label.setProperty("role", "muted")
        user = self.account.user
        self.user_label = QLabel(f"{user.email} — {user.role.label}")
        self.user_label.setAccessibleName("Signed-in user")
        self.sync_status = SyncStatus()
        status = self.statusBar()
        status.addWidget(self.connection_label)
        status.addWidget(self.sync_status)
        status.addWidget(self.server_label)
        status.addPermanentWidget(self.user_label)
        directory = self.account.directory
        directory.sync_running.connect(self.sync_status.set_running)
        directory.progress.connect(self.sync_status.set_progress)
        directory.notice.connect(self.message_bar.show_message)
        self.sync_status.cancel_clicked.connect(self._on_sync_status_cancel_clicked)
        self.account.connectivity.on_change(self._on_connectivity_changed)
        self._on_connectivity_changed(self.account.connectivity.state)

    def _on_connectivity_changed(self, state: ConnectionState) -> None:
        self.connection_label.setText(STATE_WORDS[state])
        self.connection_label.setProperty("state", state.value)
        offline = state is ConnectionState.OFFLINE
        self.register_action.setEnabled(not offline)
        self.register_action.setToolTip("Not available offline: registering needs the server" if offline
                                        else "Register a new provider on their behalf")
        self.change_password_action.setEnabled(not offline)
        tip = "Not available offline: changing the password needs the server" if offline else PASSWORD_TIP
        self.change_password_action.setToolTip(tip)
        self.change_password_action.setStatusTip(tip)

    def _on_sync_status_cancel_clicked(self) -> None:
        self.sync_status.on_cancel()
        self.account.directory.cancel_sync()

    # ---- pages ----

    @property
    def pages(self) -> list[Page]:
        """Every page, building those not shown yet."""
        return [self._page(index) for index in range(len(self.slots))]

    def built_pages(self) -> list[Page]:
        return [slot.page for slot in self.slots if slot.page is not None]

    def _page(self, index: int) -> Page:
        slot = self.slots[index]
        if slot.page is None:
            page = slot.get()
            self._connect_page(page)
            stand_in = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            if stand_in is not None:
                self.stack.removeWidget(stand_in)
                stand_in.deleteLater()
        return slot.get()

    def _connect_page(self, page: Page) -> None:
        """Wire what a page asks of the window: the one place pages and the shell meet."""
        if isinstance(page, DirectoryPage):
            page.register_requested.connect(self._on_register_provider_triggered)
        elif isinstance(page, ProviderDashboardPage):
            page.navigate_requested.connect(self.show_page_titled)

    def current_page(self) -> Page:
        return self._page(max(0, self.stack.currentIndex()))

    def show_page(self, index: int) -> None:
        if 0 <= index < len(self.slots):
            self.navigation.setCurrentRow(index)

    def show_page_titled(self, title: str) -> None:
        """Show the page called `title` ("Directory", "My Profile"), if this role has it."""
        titles = [slot.title for slot in self.slots]
        if title in titles:
            self.show_page(titles.index(title))

    def _on_navigation_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        leaving = self.stack.currentWidget()
        if isinstance(leaving, Page) and leaving is not self.slots[row].page and leaving.has_unsaved_changes():
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(self.stack.currentIndex())
            self.navigation.blockSignals(False)
            self._ask_discard(leaving, lambda: self.show_page(row))
            return
        page = self._page(row)
        self.stack.setCurrentIndex(row)
        page.activate()

    def _ask_discard(self, page: Page, then: object) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          f"{page.title} has changes that are not saved. Discard them?",
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def decided(result: int) -> None:
            if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Discard:
                page.discard_changes()
                then()  # type: ignore[operator]

        box.finished.connect(decided)
        self.discard_dialog = box
        box.open()

    # ---- menu actions ----

    def _on_sync_triggered(self) -> None:
        page = self.current_page()
        if page.title == "Directory":
            self.account.directory.sync_now()
        page.activate()

    def _on_search_triggered(self) -> None:
        self.show_page(1)
        focus = getattr(self.current_page(), "focus_search", None)
        if focus is not None:
            focus()

    def _on_register_provider_triggered(self) -> None:
        account = self.account
        wizard = RegistrationWizard(account.client, account.runner, account.data_dir, on_behalf=True, parent=self)
        wizard.registered.connect(self._on_wizard_registered)
        open_dialog(wizard)

    def _directory_query(self) -> DirectoryQuery:
        page = self.slots[1].page
        return page.model.query if isinstance(page, DirectoryPage) else DirectoryQuery()

    def _on_export_triggered(self) -> None:
        cache = self.account.directory.cache
        if cache is None:
            self.message_bar.show_message("The directory is not loaded yet; export after the first sync.", "info")
            return
        self.csv_dialog: QDialog = ExportDialog(cache, self._directory_query(), self.account.runner, self)
        self.csv_dialog.open()

    def _on_import_triggered(self) -> None:
        self.csv_dialog = ImportDialog(self.account.client, self.account.directory, self.account.runner, self)
        self.csv_dialog.open()

    def _on_wizard_registered(self, email: str) -> None:
        page = self.slots[1].page
        if isinstance(page, DirectoryPage):
            page.show_registered(email)  # says so and syncs
        else:
            self.account.directory.sync_now()

    def _on_settings_triggered(self) -> None:
        self.settings_dialog = SettingsDialog(self.settings, self)
        self.settings_dialog.open()

    def _on_change_password_triggered(self) -> None:
        if self.account.connectivity.state is ConnectionState.OFFLINE:
            self.message_bar.show_message(OFFLINE, "warning")  # the action is disabled; a shortcut may still come
            return
        dialog = PasswordDialog(self.account.session, self.account.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self._on_password_dialog_changed)
        self.password_dialog = dialog
        dialog.open()

    def _on_password_dialog_changed(self) -> None:
        self.message_bar.show_message(PASSWORD_CHANGED, "success")

    def _on_sign_out_triggered(self) -> None:
        page = self.current_page()
        if page.has_unsaved_changes():
            self._ask_discard(page, self.sign_out_requested.emit)
        else:
            self.sign_out_requested.emit()

    def _on_shortcuts_triggered(self) -> None:
        """The window's actions with a shortcut, then each page's own keys: read from them, never retyped."""
        sections = [("Anywhere in the window", action_rows(self.actions())),
                    *((f"On the {slot.title} page", slot.keys) for slot in self.slots)]
        dialog = ShortcutsDialog(sections, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.info_dialog: QDialog = dialog
        dialog.open()

    def _on_about_triggered(self) -> None:
        self._inform("About ProviderDesk", "ProviderDesk — provider directory and license credentialing.\n"
                     f"Connected to: {self.account.server_label}")

    def _inform(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.info_dialog = box
        box.open()

    def _on_alerts_open_requested(self) -> None:
        self.show_page_titled("Credentialing")
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
        self.show_page_titled(str(state.value(self._page_key(), self.slots[0].title)))
        if self.navigation.currentRow() < 0:
            self.show_page(0)  # a page this role does not have (or none yet): the first

    def _page_key(self) -> str:
        """Where the last page is kept: by title and per account (an officer's Credentialing is no
        provider's My Profile, though both are the third page)."""
        return f"last_page/{self.account.user.id}"

    def _save_state(self) -> None:
        state = self.account.window_state
        state.setValue("main/geometry", self.saveGeometry())
        state.setValue(self._page_key(), self.slots[max(0, self.stack.currentIndex())].title)
        state.remove("main/page")  # the position every account shared before
        state.sync()

    def close_for_sign_out(self) -> None:
        """Close without asking (the session is over)."""
        self._closing_for_sign_out = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        page = self.current_page()
        if not self._closing_for_sign_out and page.has_unsaved_changes():
            event.ignore()
            self._ask_discard(page, self.close)
            return
        self._save_state()
        self.account.connectivity.off_change(self._on_connectivity_changed)
        if self.alerts is not None:
            self.alerts.stop()
        for each in self.built_pages():
            each.shutdown()
        event.accept()
        if not self._closing_for_sign_out:
            self.quit_requested.emit()
