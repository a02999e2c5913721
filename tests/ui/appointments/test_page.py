"""The Appointments page against our server, with real widgets: a provider's week and its moves, an
administrator's booking from the cached directory (and the overlap the server refuses), offline writes off."""
from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.api.connectivity import ConnectionState
from contract import appointments as rules
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import SignedIn, run_ui, signed_in, signed_out, wait_until
from ui.appointments.dialogs import BookingDialog, CancelDialog
from ui.appointments.page import OFFLINE_WRITE, AppointmentsPage, week_of
from ui.common.dialogs import is_open
from ui.dashboards.provider_dashboard import ProviderDashboardPage
from ui.widgets.page import PageKey


async def shown(page: AppointmentsPage, parts: SignedIn) -> AppointmentsPage:
    page.resize(1100, 700)
    page.show()
    page.activate()
    await wait_until(lambda: page.state.state == "content" and parts.runner.running == 0, what="appointments")
    return page


async def done(parts: SignedIn, page: AppointmentsPage) -> None:
    page.shutdown()
    page.deleteLater()
    await signed_out(parts)


def test_the_provider_sees_its_week_and_confirms(loop: asyncio.AbstractEventLoop, live_server: LiveServer,
                                                 tmp_path: Path, provider: httpx.Client) -> None:
    monday, sunday = week_of(date.today())
    expected = provider.get("/appointments/", params={"start_date": str(monday), "end_date": str(sunday),
                                                      "page_size": 500}).json()

    confirmed: list[str] = []

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "provider", directory=False)
        page = await shown(AppointmentsPage(parts.client, parts.runner, parts.user), parts)
        assert page.range.currentData() == "week"
        assert page.table.rowCount() == expected["count"] > 0
        assert not page.book_button.isVisible()
        assert page.table.horizontalHeaderItem(1).text() == "Patient"  # no provider column for a provider
        page.view.setCurrentIndex(page.view.findData("calendar"))  # the same week as a calendar
        assert page.grid.isVisibleTo(page)
        assert not page.table.isVisibleTo(page)
        held = [a for a in page.appointments if a.status != "cancelled"]
        texts = [page.grid.item(r, c).text() for r in range(page.grid.rowCount()) for c in range(7)
                 if page.grid.item(r, c) is not None]
        assert sum(len(text.splitlines()) for text in texts) == len(held)
        page.view.setCurrentIndex(page.view.findData("list"))
        assert page.table.isVisibleTo(page)
        scheduled = [i for i, a in enumerate(page.appointments) if a.status == "scheduled"]
        page.status.setCurrentIndex(page.status.findData("scheduled"))
        await wait_until(lambda: parts.runner.running == 0 and page.state.state == "content", what="filtered")
        assert {a.status for a in page.appointments} <= {"scheduled"}
        assert len(page.appointments) == len(scheduled)
        if page.appointments:
            page.table.selectRow(0)
            button = page.action_buttons["confirmed"]
            assert button.isEnabled()
            chosen = page.appointments[0].id
            button.click()
            await wait_until(lambda: parts.runner.running == 0 and chosen not in [a.id for a in page.appointments],
                             what="confirmed and reloaded")
            confirmed.append(chosen)
        await done(parts, page)

    run_ui(loop, body)
    for chosen in confirmed:
        assert provider.get(f"/appointments/{chosen}/").json()["status"] == "confirmed"


def test_the_dashboards_quick_action_asks_for_the_appointments_page(
        loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path) -> None:
    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "provider", directory=False)
        dashboard = ProviderDashboardPage(parts.client, parts.runner)
        asked: list[PageKey] = []
        dashboard.navigate_requested.connect(asked.append)
        dashboard.appointments_button.click()
        assert asked == [PageKey.APPOINTMENTS]
        dashboard.deleteLater()
        await signed_out(parts)

    run_ui(loop, body)


def _fill(dialog: BookingDialog, start: datetime, name: str) -> None:
    dialog.provider.setCurrentIndex(0)
    dialog.times.date_edit.setDate(QDate(start.year, start.month, start.day))
    dialog.times.time_edit.setTime(QTime(start.hour, start.minute))
    dialog.patient_name.setText(name)
    dialog.patient_contact.setText("+1 555 0123")


def test_the_administrator_books_from_the_cached_directory_and_sees_the_overlap(
        loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client) -> None:
    start = (datetime.now().astimezone() + timedelta(days=1600)).replace(hour=10, minute=0, second=0,
                                                                         microsecond=0)

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "facility_admin")
        bookable = parts.own_directory().bookable_providers
        page = await shown(AppointmentsPage(parts.client, parts.runner, parts.user, bookable=bookable), parts)
        assert page.book_button.isEnabled()
        rows = bookable()
        assert rows
        assert all(row.license_status == "verified" for row in rows)
        dialog = page.book()
        assert dialog.provider.count() == len(rows)
        assert dialog.problem() == "Choose a provider from the list (type to search by name or specialization)."
        _fill(dialog, start - timedelta(days=1700), "Past Patient")
        assert dialog.problem() == rules.START_IN_PAST
        _fill(dialog, start, "First Patient")
        dialog.ok_button.click()
        await wait_until(lambda: not is_open(dialog), what="booked")
        booked = await parts.client.all_appointments(start=start.date(), end=start.date(), provider_id=rows[0].id)
        assert [a.patient_name for a in booked] == ["First Patient"]
        again = page.book()
        _fill(again, start + timedelta(minutes=15), "Second Patient")
        await wait_until(lambda: again.taken.text().startswith("Taken that day"), what="the taken times")
        assert f"{start:%H:%M}-{start + timedelta(minutes=30):%H:%M}" in again.taken.text()
        again.activateWindow()
        await wait_until(again.isActiveWindow, what="the dialog active")
        QTest.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)  # Book takes the focus, as a click gives it
        await wait_until(lambda: again.error.isVisible(), what="the overlap shown")
        assert "overlaps" in again.error.text()
        # Book, disabled while the booking was on its way, passed the focus to Cancel: Enter then
        # cancelled the corrected try, and the form with it (seen in a real window)
        assert again.ok_button.isDefault()
        assert QApplication.focusWidget() is again.ok_button
        again.times.time_edit.setTime(QTime((start + timedelta(hours=2)).hour, 0))
        assert not again.error.isVisible(), "the overlap was said of the time before: it goes with it"
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        await wait_until(lambda: not is_open(again), what="booked at the corrected time")
        booked = await parts.client.all_appointments(start=start.date(), end=start.date(), provider_id=rows[0].id)
        assert sorted(a.patient_name for a in booked) == ["First Patient", "Second Patient"]
        await done(parts, page)

    run_ui(loop, body)


def test_offline_the_list_stays_and_writes_are_off(loop: asyncio.AbstractEventLoop, live_server: LiveServer,
                                                   tmp_path: Path) -> None:
    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "facility_admin", directory=False)
        page = await shown(AppointmentsPage(parts.client, parts.runner, parts.user), parts)
        shown_rows = page.table.rowCount()
        parts.connectivity.set(ConnectionState.OFFLINE)
        assert not page.book_button.isEnabled()
        assert page.book_button.toolTip() == OFFLINE_WRITE
        assert all(not b.isEnabled() for b in page.action_buttons.values())
        assert page.table.rowCount() == shown_rows
        parts.connectivity.set(ConnectionState.ONLINE)
        assert page.book_button.isEnabled()
        await done(parts, page)

    run_ui(loop, body)


def test_cancel_needs_a_reason(loop: asyncio.AbstractEventLoop) -> None:
    from tests.helpers.dialogs import SAMPLE_APPOINTMENT

    async def body() -> None:
        dialog = CancelDialog(SAMPLE_APPOINTMENT)
        sent: list[bool] = []
        dialog.confirmed.connect(lambda: sent.append(True))
        dialog.ok_button.click()
        assert dialog.error.text() == rules.CANCEL_REASON_REQUIRED
        assert not sent
        dialog.reason.setText("The clinic is closed")
        dialog.ok_button.click()
        assert sent == [True]
        dialog.deleteLater()

    run_ui(loop, body)
