"""The main window's pages by key: which pages a role has, the navigation list and the stack that shows them.

Each page is built the first time it is shown (sign-in stays quick), from the parts of the signed-in
account it uses. Pages are found by their `PageKey`, never by title or position: the navigation's
items carry their key, and the stack shows a page by the widget it is.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStackedWidget, QWidget

from app.api.capabilities import Feature
from app.api.models import Role
from ui.appointments.page import AppointmentsPage
from ui.common.icons import icon
from ui.credentialing.page import CredentialingPage
from ui.dashboards.provider_dashboard import ProviderDashboardPage
from ui.dashboards.staff_dashboard import StaffDashboardPage
from ui.directory.page import DirectoryPage
from ui.profile.page import ProfilePage
from ui.shell.shortcuts import Rows
from ui.shell.signed_in import SignedIn
from ui.widgets.page import Page, PageKey

KEY_ROLE = Qt.ItemDataRole.UserRole  # a navigation item's PageKey
NAVIGATION_SLACK = 4


@dataclass
class PageSlot:
    """A page of the window, built the first time it is shown."""

    key: PageKey
    build: Callable[[], Page]
    shortcut_rows: Rows = ()  # the page's own shortcuts (keys, what they do), for Help
    page: Page | None = None


def slots_for(account: SignedIn) -> list[PageSlot]:
    """The pages of `account`'s role in navigation order, each built from the parts of the account it uses."""
    directory, client, runner, user = account.directory, account.client, account.runner, account.user
    capabilities = account.session.capabilities

    def dashboard() -> Page:
        if user.role is Role.PROVIDER:
            page = ProviderDashboardPage(client, runner, not_reviewed=capabilities.license_review,
                                         no_uploads=capabilities.reason(Feature.UPLOADS))
            page.profile_loaded.connect(directory.keep_profile)  # My Profile reads it offline
            return page
        return StaffDashboardPage(client, runner, unavailable=capabilities.reason(Feature.STAFF_DASHBOARD))

    slots = [PageSlot(PageKey.DASHBOARD, dashboard),
             PageSlot(PageKey.DIRECTORY, lambda: DirectoryPage(directory, client, runner, user))]
    if user.role.is_staff:
        no_worklist = capabilities.reason(Feature.WORKLIST)
        slots.append(PageSlot(PageKey.CREDENTIALING,
                              lambda: CredentialingPage(directory, client, runner, user, unavailable=no_worklist),
                              CredentialingPage.shortcuts))
    else:
        def profile() -> Page:
            page = ProfilePage(client, runner, capabilities=capabilities, copy=directory)
            page.saved.connect(directory.show_own_change)  # the directory shows the new name at once
            return page

        slots.append(PageSlot(PageKey.PROFILE, profile, ProfilePage.shortcuts))
    if user.role in (Role.PROVIDER, Role.FACILITY_ADMIN):  # credentialing officers see no appointments
        no_appointments = capabilities.reason(Feature.APPOINTMENTS)
        slots.append(PageSlot(PageKey.APPOINTMENTS, lambda: AppointmentsPage(
            client, runner, user, bookable=directory.bookable_providers, unavailable=no_appointments)))
    return slots


class Pages(QObject):
    """The navigation list and the stack of pages, both by key; a page with unsaved changes is left only
    once the window says so.

    Signals:
        leaving_unsaved(object, object): the user chose the page with this key (second) while the current
            page (first) has unsaved changes; nothing moved. The window asks, then calls `show` again.
    """

    leaving_unsaved = Signal(object, object)

    def __init__(self, slots: Sequence[PageSlot], connect: Callable[[Page], None], parent: QWidget) -> None:
        """`connect` wires each page to the window once it is built."""
        super().__init__(parent)
        self.slots = {slot.key: slot for slot in slots}
        self._connect = connect
        self.current_key = next(iter(self.slots))  # the first page, until another is shown
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Pages")
        self.stack = QStackedWidget()
        self._items: dict[PageKey, QListWidgetItem] = {}
        for key in self.slots:
            item = QListWidgetItem(icon(key.icon), key.title)
            item.setData(KEY_ROLE, key)
            item.setToolTip(f"{key.title} ({key.shortcut})")
            self.navigation.addItem(item)
            self._items[key] = item
        self.navigation.ensurePolished()  # the theme's font, then as wide as the widest item (icon and title)
        # the item's size hint holds its icon, title, padding and margin (theme.py); a little slack
        self.navigation.setFixedWidth(max(150, self.navigation.sizeHintForColumn(0) + NAVIGATION_SLACK))
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it fits: never a bar
        self.navigation.currentItemChanged.connect(self._on_navigation_current_item_changed)

    def redraw_icons(self) -> None:
        for key, item in self._items.items():
            item.setIcon(icon(key.icon))

    def page(self, key: PageKey) -> Page:
        """The page `key` (this role has it), built and put in the stack the first time."""
        slot = self.slots[key]
        if slot.page is None:
            slot.page = slot.build()
            self._connect(slot.page)
            self.stack.addWidget(slot.page)
        return slot.page

    def built(self, key: PageKey) -> Page | None:
        """The page `key` if it has been built, else None."""
        slot = self.slots.get(key)
        return slot.page if slot is not None else None

    def all_built(self) -> list[Page]:
        return [slot.page for slot in self.slots.values() if slot.page is not None]

    def current(self) -> Page:
        return self.page(self.current_key)

    def show(self, key: PageKey) -> None:
        """Show the page `key`, if this role has it (else nothing)."""
        if key in self._items:
            self.navigation.setCurrentItem(self._items[key])

    def _on_navigation_current_item_changed(self, item: QListWidgetItem | None, _old: object) -> None:
        if item is None:
            return
        key = item.data(KEY_ROLE)
        leaving = self.built(self.current_key)
        if key is not self.current_key and leaving is not None and leaving.has_unsaved_changes():
            self.navigation.blockSignals(True)
            self.navigation.setCurrentItem(self._items[self.current_key])
            self.navigation.blockSignals(False)
            self.leaving_unsaved.emit(leaving, key)
            return
        page = self.page(key)
        self.current_key = key
        self.stack.setCurrentWidget(page)
        page.activate()
