"""The dashboards against the real server: the server's numbers, charts, the license's next step, errors.

Each page is built alone from a signed-in client and a task runner; where it asks for another page
(`navigate_requested`), the test records the page's key; showing that page is the main window's.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.api.models import LicenseStatus, MonitoringRun, MonitoringStatus
from tests.helpers.factories import register_provider, screened
from tests.helpers.live_server import LiveServer, start_server
from tests.helpers.qt import SignedIn, run_ui, signed_in, signed_out, started_desktop, wait_until
from tests.helpers.qt import closed as closed_desktop
from ui.dashboards.charts import bar_values, pie_values
from ui.dashboards.provider_dashboard import ProviderDashboardPage
from ui.dashboards.staff_dashboard import NEVER_RUN, OVERDUE, StaffDashboardPage, monitoring_text
from ui.profile.page import ProfilePage
from ui.providers.license_card import UPDATE, UPLOAD, long_date
from ui.widgets.page import Page, PageKey

Dashboard = ProviderDashboardPage | StaffDashboardPage


async def loaded_page(parts: SignedIn) -> Dashboard:
    """The dashboard of the signed-in role, shown as the main window shows it, once its content shows."""
    page = (StaffDashboardPage if parts.user.role.is_staff else ProviderDashboardPage)(parts.client, parts.runner)
    page.resize(1100, 800)
    page.show()
    page.activate()
    await wait_until(lambda: page.state.state == "content", what="dashboard content")
    return page


async def closed(parts: SignedIn, *pages: Page) -> None:
    """Close the pages and what `signed_in` opened."""
    for page in pages:
        page.shutdown()
        page.deleteLater()
    await signed_out(parts)


def navigations(page: ProviderDashboardPage) -> list[PageKey]:
    """The pages the page asks the main window to show, as it asks."""
    keys: list[PageKey] = []
    page.navigate_requested.connect(keys.append)
    return keys


async def in_thread(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a blocking call (starting or stopping a server) in a plain thread, polling for its end.

    Not `asyncio.to_thread`: qasync runs that on QThreads that outlive the session's loop and
    end the test run with "QThread: Destroyed while thread is still running".
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = function(*args, **kwargs)
        except Exception as error:
            outcome["error"] = error

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    await wait_until(lambda: not thread.is_alive(), limit=150, what=f"{function.__name__} to finish")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


async def provider_signed_in(server: LiveServer, data_dir: Path, account: dict) -> SignedIn:
    return await signed_in(server, data_dir, "provider", directory=False, email=account["user"]["email"],
                           password=account["password"])


def test_provider_dashboard_shows_the_servers_numbers(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, provider: httpx.Client
) -> None:
    expected = provider.get("/auth/provider/dashboard/").json()
    stats = expected["stats"]

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "provider", directory=False)
        page = await loaded_page(parts)
        assert page.title == "Dashboard"
        assert expected["provider_profile"]["full_name"] in page.greeting.text()
        assert {key: card.value for key, card in page.cards.items()} == stats
        assert page.cards["patients_count"].accessibleName() == f"Patients: {stats['patients_count']}"
        values = pie_values(page.chart)
        assert sum(values.values()) == stats["total_appointments"]
        assert values["Completed"] == stats["completed_appointments"]
        assert values["Upcoming"] == stats["upcoming_appointments"]
        newest_first = sorted(expected["recent_activities"], key=lambda a: a["at"], reverse=True)
        assert page.activity.messages == [a["message"] for a in newest_first]
        rows = page.notifications.rows
        assert [row.message.text() for row in rows] == [n["message"] for n in expected["notifications"]]
        assert [row.message.font().bold() for row in rows] == [not n["read"] for n in expected["notifications"]]
        assert all(row.message.textFormat() == Qt.TextFormat.PlainText for row in rows)
        assert page.license.badge.text() == LicenseStatus(expected["license_status"]).label
        await closed(parts, page)

    run_ui(loop, body)


def test_reloading_keeps_the_content_and_never_stacks_loads(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "credentialing_officer", directory=False)
        page = await loaded_page(parts)
        before = page.loader.loads
        page.activate()  # as the main window's Sync does
        page.activate()
        page.activate()
        assert page.loader.loads == before + 1, "one load at a time"
        assert page.state.state == "content", "a reload keeps the numbers on screen"
        await wait_until(lambda: not page.loader.loading, what="reload")
        assert page.state.state == "content"
        await closed(parts, page)

    run_ui(loop, body)


def test_staff_dashboard_shows_the_servers_numbers_and_charts(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, officer: httpx.Client
) -> None:
    expected = officer.get("/dashboard/").json()

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "credentialing_officer", directory=False)
        page = await loaded_page(parts)
        numbers = {key: card.value for key, card in page.cards.items()}
        assert numbers == {"providers_total": expected["providers_total"], "pending_queue": expected["pending_queue"],
                           **expected["expiring"]}
        by_status = expected["by_license_status"]
        assert list(pie_values(page.status_chart).values()) == [by_status[s.value] for s in LicenseStatus]
        assert sum(pie_values(page.status_chart).values()) == expected["providers_total"]
        expiring = expected["expiring"]
        assert bar_values(page.expiring_chart) == [expiring["within_30"], expiring["within_60"], expiring["within_90"]]
        weeks = bar_values(page.weeks_chart)
        assert len(weeks) == 12
        assert weeks == [week["count"] for week in expected["registrations_by_week"]]
        assert page.activity.messages == [a["message"] for a in expected["recent_activities"]]
        assert page.status_chart.view.accessibleName() == "License status chart"
        assert "Verified" in page.status_chart.view.accessibleDescription()
        await closed(parts, page)

    run_ui(loop, body)


def test_staff_dashboard_shows_the_last_screening_run_and_its_counts(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, officer: httpx.Client
) -> None:
    run = officer.post("/screening/runs/").json()  # a run now: this month's, today's
    status = officer.get("/screening/status/").json()["last_run"]

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "facility_admin", directory=False)
        page = await loaded_page(parts)
        shown = {kind: card.value for kind, card in page.screening_cards.items()}
        assert shown == {"excluded": status["counts"]["excluded"], "possible_match": status["counts"]["possible_match"]}
        assert status["started_at"] >= run["started_at"]
        assert page.monitoring.text().startswith("Last screening run today (")
        assert OVERDUE not in page.monitoring.text()
        assert page.monitoring.isVisibleTo(page)
        await closed(parts, page)

    run_ui(loop, body)


def test_monitoring_says_when_it_is_overdue_or_never_ran() -> None:
    when = datetime(2026, 10, 3, 9, 30, tzinfo=UTC)
    last = MonitoringRun(id="r", started_at=when, counts={"excluded": 2, "possible_match": 5})
    assert monitoring_text(MonitoringStatus(last_run=last, age_days=65, overdue=True)).endswith(OVERDUE)
    assert "65 days ago" in monitoring_text(MonitoringStatus(last_run=last, age_days=65, overdue=True))
    assert "1 day ago" in monitoring_text(MonitoringStatus(last_run=last, age_days=1, overdue=False))
    assert monitoring_text(MonitoringStatus()) == NEVER_RUN


def test_rejected_provider_reads_the_note_and_goes_to_my_profile(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, anon: httpx.Client,
    officer: httpx.Client,
) -> None:
    account = register_provider(anon)
    note = "The number does not match the <b>state</b> register."
    decided = officer.post(f"/providers/{account['profile']['id']}/license/decision/",
                           json={"decision": "rejected", "note": note})
    assert decided.status_code == 200, decided.text

    async def body() -> None:
        parts = await provider_signed_in(live_server, tmp_path, account)
        page = await loaded_page(parts)
        card = page.license
        assert card.badge.text() == "Rejected"
        assert card.badge.property("badge") == "rejected"
        assert card.note.isVisibleTo(card)
        assert note in card.note.text()
        assert card.note.textFormat() == Qt.TextFormat.PlainText
        assert card.action_button.isVisibleTo(card)
        assert card.action_button.text() == UPDATE
        asked = navigations(page)
        card.action_button.click()
        assert asked == [PageKey.PROFILE]
        await closed(parts, page)

    run_ui(loop, body)


def test_a_license_expiring_soon_is_counted_down_and_notified(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, anon: httpx.Client,
    officer: httpx.Client,
) -> None:
    account = register_provider(anon)
    screened(officer)
    expiry = date.today() + timedelta(days=12)
    decided = officer.post(f"/providers/{account['profile']['id']}/license/decision/",
                           json={"decision": "verified", "license_expiry_date": expiry.isoformat()})
    assert decided.status_code == 200, decided.text

    async def body() -> None:
        parts = await provider_signed_in(live_server, tmp_path, account)
        page = await loaded_page(parts)
        assert page.license.badge.text() == "Verified"
        assert page.license.expiry.text() == f"Expires on {long_date(expiry)} — in 12 days"
        messages = [row.message.text() for row in page.notifications.rows]
        assert f"Your license expires on {long_date(expiry)}, in 12 days. Upload your renewed license before then." \
            in messages
        assert f"Your license was verified. It expires on {expiry.isoformat()}." in messages
        profile = ProfilePage(parts.client, parts.runner)  # My Profile says it too
        profile.activate()
        await wait_until(lambda: profile.state.state == "content", what="profile")
        assert profile.license_panel.expiry.text() == f"Expires on {long_date(expiry)} — in 12 days"
        await closed(parts, page, profile)

    run_ui(loop, body)


def test_new_provider_has_no_appointments_and_is_asked_for_the_document(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, anon: httpx.Client
) -> None:
    account = register_provider(anon)

    async def body() -> None:
        parts = await provider_signed_in(live_server, tmp_path, account)
        page = await loaded_page(parts)
        assert page.chart.is_empty
        assert "No appointments yet" in page.chart.empty_text
        assert [card.value for card in page.cards.values()] == [0, 0, 0, 0]
        assert page.license.badge.text() == "Pending verification"
        assert page.license.action_button.text() == UPLOAD
        assert not page.license.note.isVisibleTo(page.license)
        assert page.activity.messages == ["You registered with ProviderDesk."]
        asked = navigations(page)
        page.edit_profile_button.click()
        assert asked == [PageKey.PROFILE]
        page.directory_button.click()
        assert asked == [PageKey.PROFILE, PageKey.DIRECTORY]
        await closed(parts, page)

    run_ui(loop, body)


def test_a_lost_server_keeps_the_last_dashboard_with_its_time_and_try_again_recovers(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    """The server goes away after sign-in: the dashboard loaded before stays, marked with its time
    (issue 22, item 7: it went blank); one never loaded shows the error with Try again; the server
    comes back on its port and both recover."""
    server = start_server(tmp_path / "server", demo_providers=5)
    port = int(server.url.rsplit(":", 1)[1])
    servers = [server]

    async def body() -> None:
        parts = await signed_in(server, tmp_path / "desktop", "facility_admin", directory=False)
        page = await loaded_page(parts)
        assert page.stale_note.isHidden()
        shown = {key: card.value for key, card in page.cards.items()}
        await in_thread(server.stop)
        page.activate()
        await wait_until(lambda: page.stale_note.isVisibleTo(page), what="the last one, marked")
        assert page.state.state == "content"
        assert {key: card.value for key, card in page.cards.items()} == shown
        assert page.loader.loaded_at is not None
        assert page.stale_note.text().startswith(f"Shown as loaded at {page.loader.loaded_at:%H:%M}")
        assert "cannot be reached" in page.stale_note.text()

        never = StaffDashboardPage(parts.client, parts.runner)
        never.activate()
        await wait_until(lambda: never.state.state == "error", what="error state")
        assert never.state.error_text.startswith("The dashboard could not be loaded.")
        assert "cannot be reached" in never.state.error_text
        assert never.state.retry_button.isVisibleTo(never)

        servers.append(await in_thread(start_server, server.data_dir, demo_providers=5, port=port))
        never.state.retry_button.click()
        await wait_until(lambda: never.state.state == "content", what="content after Try again")
        page.activate()
        await wait_until(lambda: page.stale_note.isHidden(), what="the note gone with a new answer")
        await closed(parts, page, never)

    try:
        run_ui(loop, body)
    finally:
        for each in servers:
            each.stop()


def test_upload_your_license_document_opens_the_file_picker(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, anon: httpx.Client
) -> None:
    """Issue 22, item 13: the dashboard's "Upload your license document" only showed My Profile."""
    account = register_provider(anon)

    async def body() -> None:
        desktop = await started_desktop(live_server, tmp_path)
        await desktop.sign_in(account["user"]["email"], account["password"], remember=False)
        await wait_until(lambda: desktop.main_window is not None, what="main window")
        main = desktop.main_window
        assert main is not None
        main.show_page(PageKey.DASHBOARD)
        page = main.pages.page(PageKey.DASHBOARD)
        assert isinstance(page, ProviderDashboardPage)
        await wait_until(lambda: page.state.state == "content", what="dashboard")
        assert page.license.action_button.text() == UPLOAD
        page.license.action_button.click()
        profile = main.pages.page(PageKey.PROFILE)
        assert isinstance(profile, ProfilePage)
        await wait_until(lambda: isinstance(profile.license_panel.dialog, QFileDialog)
                         and profile.license_panel.dialog.isVisible(), what="the file picker")
        assert main.current_page() is profile
        profile.license_panel.dialog.reject()
        await closed_desktop(desktop)

    run_ui(loop, body)
