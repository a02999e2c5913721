"""The desktop against a server without our extensions (tests/helpers/seed_server.py), as a user tries it."""
from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWizard

from app.api.capabilities import NOT_REVIEWED, REASONS, Feature
from app.api.client import ApiClient
from app.api.errors import UnsupportedRoleError
from app.session.session import NOT_ENDED
from app.validation import PROFILE_FIELDS
from tests.helpers.factories import registration_fields
from tests.helpers.qt import closed, run_ui, started_desktop, wait_until
from tests.helpers.seed_server import SUPERUSER, SeedServer
from tests.ui.profile.test_wizard import fill_all
from ui.dashboards.provider_dashboard import ProviderDashboardPage
from ui.directory.page import LISTED, DirectoryPage
from ui.profile.page import OFFLINE_SAVE, ProfilePage
from ui.profile.wizard import RegistrationWizard
from ui.providers.detail import provider_groups
from ui.providers.license_card import NOT_VERIFIED
from ui.providers.table_model import COLUMNS
from ui.shell.main_window import PASSWORD_CHANGED_KEEPS_SESSIONS
from ui.shell.password_dialog import NOTE_KEEPS_SESSIONS, PasswordDialog
from ui.widgets.page import PageKey


def test_sign_in_dashboard_profile_directory_sign_out(
    loop: asyncio.AbstractEventLoop, seed_server: SeedServer, tmp_path: Path, qtbot: object
) -> None:
    async def body() -> None:
        desktop = await started_desktop(seed_server.api, tmp_path)
        window = desktop.login_window
        assert window is not None
        window.email.setText(seed_server.email)
        window.password.setText("not-the-password")
        window.sign_in_button.click()
        await wait_until(lambda: window.message.text() != "", what="error message")
        assert window.message.text() == "The email or password is not right. Check both and try again."
        window.password.setText(seed_server.password)
        window.sign_in_button.click()
        await wait_until(lambda: desktop.main_window is not None, what="main window")
        main = desktop.main_window
        assert [main.pages.page(key).title for key in main.pages.slots] == ["Dashboard", "Directory", "My Profile",
                                                                            "Appointments"]
        appointments = main.pages.page(PageKey.APPOINTMENTS)
        main.show_page(PageKey.APPOINTMENTS)  # its appointments are its patients' own: said, not shown
        assert appointments.state.state == "empty"
        assert "appointments cannot be shown or booked here" in appointments.state._empty.text()
        main.show_page(PageKey.DASHBOARD)

        dashboard = main.current_page()
        assert isinstance(dashboard, ProviderDashboardPage)
        await wait_until(lambda: dashboard.state.state == "content", what="dashboard")
        assert "Sam Seed" in dashboard.greeting.text()
        assert dashboard.cards["total_appointments"].accessibleName() == "Total appointments: 12"
        assert dashboard.cards["patients_count"].accessibleName() == "Patients: unknown"
        assert dashboard.license.badge.text() == "Verified", "its dashboard says nothing: completed from the profile"

        main.show_page(PageKey.PROFILE)
        profile = main.current_page()
        assert isinstance(profile, ProfilePage)
        await wait_until(lambda: profile.state.state == "content", what="profile")
        assert profile.server_note.isVisibleTo(profile)
        assert "the last save wins" in profile.server_note.text()
        assert "uploads are not possible" in profile.server_note.text()
        assert not profile.license_panel.upload_button.isEnabled()
        widget = profile.form.fields.inputs["specialization"]
        widget.selectAll()
        QTest.keyClicks(widget, "Neurology")  # as a user types (textEdited)
        npi = profile.form.fields.inputs["npi"]
        npi.setFocus()
        QTest.keyClicks(npi, "1234567893")  # a field this server does not have: it takes the request, drops it
        profile.save_button.click()
        await wait_until(lambda: not profile.has_unsaved_changes() and desktop.runner.running == 0, what="saved")
        assert profile.form.base is not None
        assert profile.form.base.specialization == "Neurology"
        assert main.message_bar.level == "warning"
        assert main.message_bar.text.startswith("Your profile is saved, but this server did not keep: National "
                                                "Provider Identifier (NPI).")

        main.show_page(PageKey.DIRECTORY)
        directory = main.current_page()
        assert isinstance(directory, DirectoryPage)
        await wait_until(lambda: directory.model.rowCount() == 46, what="the directory walked")
        assert directory.model.index(0, 0).data() == "Dr. First01 Last01"
        assert directory.model.index(0, 5).data() == "—", "a status this server does not report"

        main.change_password_action.trigger()  # its own path and fields; it ends no session
        dialog = main.dialog
        assert isinstance(dialog, PasswordDialog)
        assert dialog.note.text() == NOTE_KEEPS_SESSIONS
        for name, text in (("old_password", seed_server.password), ("new_password", "Bright-Lantern-4821"),
                           ("new_password_confirm", "Bright-Lantern-4821")):
            dialog.inputs[name].setText(text)
        dialog.ok_button.click()
        await wait_until(lambda: main.message_bar.text == PASSWORD_CHANGED_KEEPS_SESSIONS, what="password changed")

        desktop.sign_out()
        await wait_until(lambda: desktop.runner.running == 0, what="logout")
        assert desktop.main_window is None
        assert window.isVisible()
        assert desktop.session is not None
        assert desktop.session.user is None
        await wait_until(lambda: window.message.text() != "You are signed out.", what="the server's answer")
        assert window.message.text() == NOT_ENDED.format(why="it answered: Invalid token")
        assert window.message.property("role") == "muted", "signed out here all the same: not shown as a failure"
        await closed(desktop)

    run_ui(loop, body)


def test_pages_say_what_this_server_reports(
    loop: asyncio.AbstractEventLoop, seed_server: SeedServer, tmp_path: Path, qtbot: object
) -> None:
    """A new provider (license not verified) on a server with no credentialing, no documents and no statuses."""
    form = registration_fields(email="new.doc@example.org", phone_number="")

    async def body() -> None:
        client = ApiClient(seed_server.api)
        try:
            await client.register(form)
        finally:
            await client.aclose()
        desktop = await started_desktop(seed_server.api, tmp_path)
        await desktop.sign_in(form["email"], form["password"], remember=False)
        await wait_until(lambda: desktop.main_window is not None, what="main window")
        main = desktop.main_window
        dashboard = main.current_page()
        assert isinstance(dashboard, ProviderDashboardPage)
        await wait_until(lambda: dashboard.state.state == "content", what="dashboard")
        assert dashboard.license.badge.text() == NOT_VERIFIED, "nothing is pending where nobody reviews it"
        assert dashboard.license.explanation.text() == NOT_REVIEWED
        uploads = REASONS[Feature.UPLOADS]
        action = dashboard.license.action_button
        assert not action.isHidden(), "the call to action is there, and says why it cannot be followed"
        assert not action.isEnabled()
        assert action.toolTip() == uploads

        main.show_page(PageKey.PROFILE)
        profile = main.current_page()
        assert isinstance(profile, ProfilePage)
        await wait_until(lambda: profile.state.state == "content", what="profile")
        assert profile.license_panel.explanation.text() == NOT_REVIEWED, "the same words on both pages"
        assert profile.license_panel.badge.text() == NOT_VERIFIED
        assert profile.license_panel.expiry.text() == "", "no verification will ever set an expiry there"
        assert profile.license_panel.document.isHidden(), "no document to speak of where none can be kept"
        assert not profile.license_panel.upload_button.isEnabled()
        assert profile.license_panel.upload_button.toolTip() == uploads
        menu_item = main.change_password_action
        assert menu_item.isEnabled(), "this server changes passwords (at its own path)"
        assert profile.completion.count.text().endswith(f"of {len(PROFILE_FIELDS) - 1} completed"), \
            "no license document counted where the server cannot hold one, nor the NPI it has no place for"
        assert "License document" not in profile.completion.hint.text()
        assert "NPI" not in profile.completion.hint.text()

        main.show_page(PageKey.DIRECTORY)
        directory = main.current_page()
        assert isinstance(directory, DirectoryPage)
        await wait_until(lambda: directory.model.rowCount() == 47, what="the directory walked")
        assert directory.scope_label.text() == LISTED
        assert directory.count_label.text() == "47 listed providers"
        other = directory.model.row_at(0)
        assert other is not None
        cached = directory.model.cache.provider(other.id)
        assert cached is not None
        rows = dict(row for _, group in provider_groups(cached, private_fields=False) for row in group)
        for unsent in ("Professional Title", "Professional Role", "Organization/Facility", "License status",
                       "License expiry date", "License document"):
            assert unsent not in rows, f"{unsent}: not sent by this server, so not said (neither blank nor —)"
        assert rows["Specialization"] == cached.specialization
        # its list has no role, organization or status: no empty column, no filter that finds nobody
        hidden = {COLUMNS[c][0] for c in range(len(COLUMNS)) if directory.table.isColumnHidden(c)}
        assert hidden == {"Role", "Organization", "License status", "License expiry", "Registered"}
        offered = {name for name, combo in directory.filters.combos.items() if combo.isVisibleTo(directory)}
        assert offered == {"specialization", "hospital_id"}
        await closed(desktop)

    run_ui(loop, body)


def test_my_profile_opened_first_offline_shows_the_profile_the_dashboard_brought(
    loop: asyncio.AbstractEventLoop, seed_server: SeedServer, tmp_path: Path, qtbot: object
) -> None:
    """The walk: server stopped, My Profile opened for the first time said "could not be loaded",
    though the dashboard had just shown the profile. It shows the kept copy, saving waits."""
    async def body() -> None:
        desktop = await started_desktop(seed_server.api, tmp_path)
        await desktop.sign_in(seed_server.email, seed_server.password, remember=False)
        await wait_until(lambda: desktop.main_window is not None, what="main window")
        main = desktop.main_window
        directory = desktop.directory
        assert directory is not None
        await wait_until(lambda: directory.kept_profile() is not None, what="the dashboard's profile kept")
        seed_server.process.terminate()
        seed_server.process.wait()
        main.show_page(PageKey.PROFILE)
        profile = main.current_page()
        assert isinstance(profile, ProfilePage)
        await wait_until(lambda: profile.state.state != "loading", what="the profile, or why not")
        assert profile.state.state == "content"
        assert profile.form.fields.value("last_name") == "Seed"
        assert main.message_bar.text.startswith("Offline: your profile as this computer last had it")
        widget = profile.form.fields.inputs["specialization"]
        widget.selectAll()
        QTest.keyClicks(widget, "Neurology")
        assert not profile.save_button.isEnabled(), "saving waits for the server"
        assert profile.save_button.toolTip() == OFFLINE_SAVE
        await closed(desktop)

    run_ui(loop, body)


def test_a_superuser_reads_why_it_cannot_sign_in(
    loop: asyncio.AbstractEventLoop, seed_server: SeedServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await started_desktop(seed_server.api, tmp_path)
        window = desktop.login_window
        window.email.setText(SUPERUSER)
        window.password.setText(seed_server.password)
        window.sign_in_button.click()
        await wait_until(lambda: window.message.text() != "", what="error message")
        assert window.message.text() == UnsupportedRoleError("user").message
        assert "ProviderDesk has no pages for it" in window.message.text()
        assert desktop.main_window is None
        assert window.sign_in_button.isEnabled()
        await closed(desktop)

    run_ui(loop, body)


def test_an_unreadable_sign_in_answer_says_so(
    loop: asyncio.AbstractEventLoop, seed_server: SeedServer, tmp_path: Path
) -> None:
    seed_server.control("broken-login")

    async def body() -> None:
        desktop = await started_desktop(seed_server.api, tmp_path)
        window = desktop.login_window
        window.email.setText(seed_server.email)
        window.password.setText(seed_server.password)
        window.sign_in_button.click()
        await wait_until(lambda: window.message.text() != "", what="error message")
        assert window.message.text() == ("This server's answer to sign-in is not one ProviderDesk understands "
                                         "(no access token).")
        assert "try again" not in window.message.text().lower()
        assert desktop.main_window is None
        await closed(desktop)

    run_ui(loop, body)


def test_a_registration_says_what_this_server_did_not_keep(
    loop: asyncio.AbstractEventLoop, seed_server: SeedServer, tmp_path: Path
) -> None:
    """The seed guide's backend has no NPI: it takes a registration with one and drops it; the sign-in
    window says so instead of letting the number vanish (seen in a real window against that backend)."""
    form = registration_fields(username="", npi="1234567893")

    async def body() -> None:
        desktop = await started_desktop(seed_server.api, tmp_path)
        login = desktop.login_window
        assert login is not None
        await wait_until(lambda: login.register_button.isEnabled(), what="connected")
        login.register_button.click()
        wizard = next(w for w in login.findChildren(RegistrationWizard) if w.isVisible())
        fill_all(wizard, form)
        wizard.button(QWizard.WizardButton.FinishButton).click()
        await wait_until(lambda: "registration was received" in login.message.text(), what="registered")
        assert "This server did not keep: National Provider Identifier (NPI)" in login.message.text()
        assert login.email.text() == form["email"].lower()
        await closed(desktop)

    run_ui(loop, body)
