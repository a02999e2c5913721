"""Every interactive widget of the main pages and dialogs has a name a screen reader can announce.

Each page and dialog is built alone (as its own tests build it), shown and loaded; every visible
line edit, text edit, combo box, spin box, check box, button, table or list, and tab bar must
have an accessible name (a button with text is named by its text). The failure lists them all.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

import httpx
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
    QWizard,
)

from app.api.client import ApiClient
from app.api.models import Decision, Provider
from app.directory.query import DirectoryQuery
from app.settings import Settings
from tests.app.transfer.test_roster_csv import roster_text
from tests.helpers.dialogs import SAMPLE_APPOINTMENT
from tests.helpers.factories import create_provider, unique
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import SignedIn, run_ui, signed_in, signed_out, wait_until
from ui.appointments.dialogs import BookingDialog, CancelDialog, RescheduleDialog
from ui.appointments.page import AppointmentsPage
from ui.common.dialogs import open_dialog
from ui.common.tasks import TaskRunner
from ui.credentialing.audit_export_dialog import AuditExportDialog
from ui.credentialing.decision_dialog import DecisionDialog
from ui.credentialing.page import CredentialingPage
from ui.dashboards.provider_dashboard import ProviderDashboardPage
from ui.dashboards.staff_dashboard import StaffDashboardPage
from ui.directory.export_dialog import ExportDialog
from ui.directory.fhir_export_dialog import FhirExportDialog
from ui.directory.page import DirectoryPage
from ui.directory.roster_import_dialog import ImportDialog
from ui.profile.page import ProfilePage
from ui.profile.wizard import RegistrationWizard
from ui.providers.detail import ProviderDetailDialog
from ui.providers.edit_dialog import ProviderEditDialog
from ui.shell.password_dialog import PasswordDialog
from ui.shell.settings_dialog import SettingsDialog
from ui.widgets.page import Page

INTERACTIVE = (QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QCheckBox, QAbstractButton,
               QAbstractItemView, QTabBar)
# Compound widgets announced as a whole: what is inside them (a spin box's or combo box's line edit,
# a combo box's popup list) is not checked on its own; nor are a table's headers.
INNER_OF = (QAbstractSpinBox, QComboBox)


def _described(widget: QWidget) -> str:
    """Enough to find the widget: its class, object name, tooltip or placeholder, and its parents' names."""
    parts = [type(widget).__name__]
    if widget.objectName():
        parts.append(f"#{widget.objectName()}")
    hint = widget.toolTip() or getattr(widget, "placeholderText", lambda: "")()
    if hint:
        parts.append(f"({hint!r})")
    owner = widget.parentWidget()
    while owner is not None and not owner.accessibleName() and not owner.isWindow():
        owner = owner.parentWidget()
    if owner is not None:
        parts.append(f"in {owner.accessibleName() or type(owner).__name__}")
    return " ".join(parts)


def _named(widget: QWidget) -> bool:
    if widget.accessibleName().strip():
        return True
    return isinstance(widget, QAbstractButton) and bool(widget.text().replace("&", "").strip())


def _skipped(widget: QWidget) -> bool:
    """A part of a compound widget: a table's header, or anything inside a spin or combo box (its popup too)."""
    return isinstance(widget, QHeaderView) or any(isinstance(p, INNER_OF) for p in _ancestors(widget))


def _ancestors(widget: QWidget) -> Iterable[QWidget]:
    parent = widget.parentWidget()
    while parent is not None:
        yield parent
        parent = parent.parentWidget()


def unnamed(root: QWidget) -> list[str]:
    """Every interactive widget shown within `root` that a screen reader could not announce."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or _skipped(widget) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QTabBar) and isinstance(widget.parentWidget(), QTabWidget):
            if not widget.accessibleName().strip():
                found.append(f"the tab bar of {_described(widget.parentWidget())}")
            continue
        if not _named(widget):
            found.append(_described(widget))
    for tabs in root.findChildren(QTabWidget):  # the tabs not shown now, as each shows when chosen
        if tabs.isVisibleTo(root):
            found += [f"tab {tabs.tabText(i)!r}: {problem}" for i in range(tabs.count()) if i != tabs.currentIndex()
                      for problem in unnamed(tabs.widget(i))]
    return found


def unnamed_in_wizard(wizard: QWizard) -> list[str]:
    """`unnamed` for each page of the wizard (as shown when it is the current page), and its buttons."""
    found = [f"page {wizard.page(i).title()!r}: {problem}" for i in wizard.pageIds() for problem in
             unnamed(wizard.page(i))]
    buttons = (wizard.button(b) for b in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                                          QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton))
    return found + [_described(b) for b in buttons if b.isVisible() and not _named(b)]


def report(problems: dict[str, list[str]]) -> str:
    return "widgets without an accessible name:\n" + "\n".join(
        f"  {where}: {what}" for where, whats in problems.items() for what in whats)


async def shown_page(page: Page, runner: TaskRunner, *, loaded: bool = True) -> Page:
    page.resize(1200, 800)
    page.show()
    page.activate()
    if loaded:
        state = getattr(page, "state", None)
        await wait_until(lambda: state is None or state.state == "content", what=f"{page.title} loaded")
    await wait_until(lambda: runner.running == 0, what=f"{page.title} quiet")
    return page


async def shown_dialog(dialog: QDialog) -> QDialog:
    open_dialog(dialog)  # as the application opens it
    await asyncio.sleep(0.05)
    return dialog


async def closed(parts: SignedIn, *widgets: QWidget) -> None:
    for widget in widgets:
        if isinstance(widget, Page):
            widget.shutdown()
        widget.close()
        widget.deleteLater()
    await signed_out(parts)


def test_the_administrators_pages_and_dialogs(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client,
) -> None:
    made = create_provider(admin)
    roster = tmp_path / "roster.csv"
    roster.write_text(roster_text(made["license_number"], unique()), encoding="utf-8")

    async def body() -> dict[str, list[str]]:
        parts = await signed_in(live_server, tmp_path, "facility_admin")
        page = DirectoryPage(parts.own_directory(), parts.client, parts.runner, parts.user)
        directory = await shown_page(page, parts.runner)
        dashboard = await shown_page(StaffDashboardPage(parts.client, parts.runner), parts.runner)
        editor = ProviderEditDialog(parts.client, parts.runner, made["id"])
        await shown_dialog(editor)
        await wait_until(lambda: editor.base is not None and parts.runner.running == 0, what="provider loaded")
        provider = Provider.model_validate(made)
        detail = await shown_dialog(ProviderDetailDialog(provider, browse_hospitals=True))
        export = await shown_dialog(ExportDialog(parts.own_directory().cache, DirectoryQuery(), parts.runner))
        fhir_export = await shown_dialog(FhirExportDialog(parts.own_directory().cache, parts.runner))
        imports = await shown_dialog(ImportDialog(parts.client, parts.own_directory(), parts.runner))
        empty_import = unnamed(imports)
        imports.choose_button.click()
        assert imports.dialog is not None
        imports.dialog.selectFile(str(roster))
        imports.dialog.accept()
        await wait_until(lambda: imports.table.isVisible() and parts.runner.running == 0, what="roster preview")
        wizard = RegistrationWizard(parts.client, parts.runner, tmp_path / "drafts", on_behalf=True)
        open_dialog(wizard)  # as the application opens it
        appointments = await shown_page(AppointmentsPage(parts.client, parts.runner, parts.user,
                                                         bookable=parts.own_directory().bookable_providers),
                                        parts.runner)
        booking = await shown_dialog(BookingDialog(parts.own_directory().bookable_providers()))
        new_time = await shown_dialog(RescheduleDialog(SAMPLE_APPOINTMENT))
        cancel = await shown_dialog(CancelDialog(SAMPLE_APPOINTMENT))
        problems = {"Appointments": unnamed(appointments), "Book an appointment": unnamed(booking),
                    "New time": unnamed(new_time), "Cancel appointment": unnamed(cancel),
                    "Directory": unnamed(directory), "Staff dashboard": unnamed(dashboard),
                    "Edit provider": unnamed(editor), "Provider details": unnamed(detail),
                    "Export": unnamed(export), "Export as FHIR": unnamed(fhir_export), "Import": empty_import,
                    "Import preview": unnamed(imports),
                    "Registration on behalf": unnamed_in_wizard(wizard)}
        wizard.reject()
        await closed(parts, directory, dashboard, editor, detail, export, fhir_export, imports, wizard, appointments,
                     booking, new_time, cancel)
        return problems

    problems = {where: found for where, found in run_ui(loop, body).items() if found}
    assert not problems, report(problems)


def test_the_officers_pages_and_dialogs(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client,
) -> None:
    provider = Provider.model_validate(create_provider(admin))

    async def body() -> dict[str, list[str]]:
        parts = await signed_in(live_server, tmp_path, "credentialing_officer")
        worklist = await shown_page(CredentialingPage(parts.own_directory(), parts.client, parts.runner, parts.user),
                                    parts.runner, loaded=False)
        await asyncio.sleep(0.3)  # the first provider's review opens
        await wait_until(lambda: parts.runner.running == 0, what="review loaded")
        decisions = [await shown_dialog(DecisionDialog(d, provider)) for d in (Decision.VERIFIED, Decision.REJECTED)]
        audit = await shown_dialog(AuditExportDialog())
        problems = {"Credentialing": unnamed(worklist), "Verify": unnamed(decisions[0]),
                    "Reject": unnamed(decisions[1]), "Export decisions": unnamed(audit)}
        await closed(parts, worklist, *decisions, audit)
        return problems

    problems = {where: found for where, found in run_ui(loop, body).items() if found}
    assert not problems, report(problems)


def test_the_providers_pages_and_dialogs(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path,
) -> None:
    async def body() -> dict[str, list[str]]:
        parts = await signed_in(live_server, tmp_path, "provider", directory=False)
        profile = await shown_page(ProfilePage(parts.client, parts.runner), parts.runner)
        dashboard = await shown_page(ProviderDashboardPage(parts.client, parts.runner), parts.runner)
        password = await shown_dialog(PasswordDialog(parts.session, parts.runner))
        appointments = await shown_page(AppointmentsPage(parts.client, parts.runner, parts.user), parts.runner)
        problems = {"My Profile": unnamed(profile), "Provider dashboard": unnamed(dashboard),
                    "Change password": unnamed(password), "Appointments": unnamed(appointments)}
        await closed(parts, profile, dashboard, password, appointments)
        return problems

    problems = {where: found for where, found in run_ui(loop, body).items() if found}
    assert not problems, report(problems)


def test_the_dialogs_before_sign_in(loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path) -> None:
    async def body() -> dict[str, list[str]]:
        client, runner = ApiClient(live_server.api), TaskRunner()
        wizard = RegistrationWizard(client, runner, tmp_path)
        open_dialog(wizard)  # as the application opens it
        settings = SettingsDialog(Settings(server_url=live_server.api, data_dir=tmp_path))
        settings.open()
        await asyncio.sleep(0.05)
        problems = {"Registration": unnamed_in_wizard(wizard), "Settings": unnamed(settings)}
        wizard.reject()
        settings.reject()
        runner.cancel_all()
        await client.aclose()
        return problems

    problems = {where: found for where, found in run_ui(loop, body).items() if found}
    assert not problems, report(problems)
