"""The CSV dialogs driven like a user: choose a file, read the preview, create, save the report; export."""
from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import httpx
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.api.connectivity import ConnectionState
from app.transfer.csv_export import EXPORT_COLUMNS
from app.validation import LICENSE_UNIQUE
from tests.app.transfer.test_roster_csv import FakeCache, fake_rows, roster_text
from tests.helpers.factories import create_provider, unique
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import SignedIn, run_ui, signed_in, signed_out, wait_until
from ui.directory.export_dialog import ExportDialog
from ui.directory.roster_import_dialog import OFFLINE, ImportDialog


def choose(dialog: ImportDialog | ExportDialog, path: Path) -> None:
    assert dialog.dialog is not None
    dialog.dialog.selectFile(str(path))
    dialog.dialog.accept()


def opened_import(parts: SignedIn, qtbot) -> ImportDialog:
    dialog = ImportDialog(parts.client, parts.own_directory(), parts.runner)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def statuses(dialog: ImportDialog) -> list[tuple[str, str, str]]:
    return [(e[0], e[4], e[5]) for e in dialog.model.entries]


def test_import_previews_creates_and_reports(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, admin: httpx.Client, tmp_path: Path, qtbot
) -> None:
    existing = create_provider(admin)
    tag = unique()
    path = tmp_path / "roster.csv"
    path.write_text(roster_text(existing["license_number"], tag), encoding="utf-8")

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path / "data", "facility_admin")
        dialog = opened_import(parts, qtbot)
        dialog.choose_button.click()
        choose(dialog, path)
        await wait_until(lambda: dialog.table.isVisible() and parts.runner.running == 0, what="preview")
        assert statuses(dialog) == [
            ("2", "Will be created", "ok"), ("3", "Will be created", "ok"),
            ("4", LICENSE_UNIQUE, "error"), ("5", "Please enter a valid email address", "error")]
        assert dialog.create_button.text() == "Create 2 providers"
        assert "4 rows: 2 will be created" in dialog.counts.text()
        dialog.create_button.click()
        await wait_until(lambda: dialog.report is not None and parts.runner.running == 0, what="report")
        rows = statuses(dialog)
        assert [r[2] for r in rows] == ["ok", "ok", "error", "error"]
        assert rows[2][1] == "Not sent: " + LICENSE_UNIQUE
        assert dialog.counts.text() == "2 providers created, 2 not created."
        found = await parts.client.search_providers(f"mira.{tag}")
        assert [p.license_number for p in found] == [f"RST-A-{tag}"]
        assert await parts.client.search_providers(f"omar.{tag}") == []
        dialog.save_button.click()
        choose(dialog, tmp_path / "report.csv")
        await wait_until(lambda: (tmp_path / "report.csv").exists() and parts.runner.running == 0,
                         what="report file")
        with (tmp_path / "report.csv").open(encoding="utf-8-sig", newline="") as handle:
            saved = list(csv.DictReader(handle))
        assert [r["outcome"] for r in saved][2:] == ["Not sent: problems in the file"] * 2
        dialog.close()
        await signed_out(parts)

    run_ui(loop, body)


def test_import_of_a_malformed_file_says_why(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot
) -> None:
    path = tmp_path / "names.csv"
    path.write_text("first_name,last_name\nAna,Silva\n", encoding="utf-8")

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path / "data", "facility_admin")
        dialog = opened_import(parts, qtbot)
        dialog.choose_button.click()
        choose(dialog, path)
        await wait_until(lambda: dialog.notice.isVisible() and parts.runner.running == 0, what="error")
        assert dialog.notice_text.text().startswith("Required columns are missing: professional_title, email")
        assert dialog.notice.property("level") == "error"
        assert not dialog.table.isVisible()
        dialog.close()
        await signed_out(parts)

    run_ui(loop, body)


def test_import_refuses_to_start_or_create_offline(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, admin: httpx.Client, tmp_path: Path, qtbot
) -> None:
    tag = unique()
    path = tmp_path / "roster.csv"
    path.write_text(roster_text(f"NEW-{tag}", tag), encoding="utf-8")

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path / "data", "facility_admin")
        directory, connectivity = parts.own_directory(), parts.connectivity
        dialog = opened_import(parts, qtbot)
        dialog.choose_button.click()
        choose(dialog, path)
        await wait_until(lambda: dialog.table.isVisible() and parts.runner.running == 0
                         and not directory.syncing, what="preview")
        assert dialog.create_button.isEnabled()
        connectivity.set(ConnectionState.OFFLINE)
        assert not directory.online
        dialog.create_button.click()
        assert dialog.notice.isVisible()
        assert dialog.notice_text.text() == OFFLINE
        assert parts.runner.running == 0, "nothing was started"
        assert dialog.progress_line.isHidden()
        dialog.show_notice("", "info")
        dialog.dialog = None
        dialog.choose_button.click()
        assert dialog.dialog is None, "no file is asked for"
        assert dialog.notice_text.text() == OFFLINE
        assert dialog.report is None
        dialog.close()
        await signed_out(parts)

    run_ui(loop, body)
    assert admin.get("/providers/search/", params={"q": f"mira.{tag}"}).json() == []


def test_export_writes_the_header_and_every_row(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot
) -> None:
    cache = FakeCache(fake_rows(7_500))
    target = tmp_path / "export.csv"

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path / "data", "facility_admin", directory=False)
        dialog = ExportDialog(cache, None, parts.runner)
        qtbot.addWidget(dialog)
        dialog.open()
        assert dialog.summary.text().startswith("7,500 providers match")
        dialog.choose_button.click()
        choose(dialog, target)
        await wait_until(lambda: target.exists() and parts.runner.running == 0, what="export")
        assert dialog.notice_text.text() == f"Saved 7,500 providers to {target}."
        dialog.close()
        await signed_out(parts)

    run_ui(loop, body)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(EXPORT_COLUMNS)
    assert len(rows) == 7_501
    assert rows[1][:2] == ["id-0", "Ana María Núñez 0"]


def test_enter_does_the_main_thing_and_escape_closes(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot
) -> None:
    """Enter presses the dialog's main button even with focus on Close (it used to close the dialog)."""
    async def body() -> None:
        parts = await signed_in(live_server, tmp_path / "data", "facility_admin", directory=False)
        export = ExportDialog(FakeCache(fake_rows(3)), None, parts.runner)
        qtbot.addWidget(export)
        export.open()
        export.close_button.setFocus()
        QTest.keyClick(export.close_button, Qt.Key.Key_Return)
        assert export.isVisible(), "Enter did not close it"
        assert export.dialog is not None, "Enter chose the file to export to"
        export.dialog.reject()
        QTest.keyClick(export, Qt.Key.Key_Escape)
        assert not export.isVisible()
        imports = ImportDialog(parts.client, FakeDirectory(), parts.runner)
        qtbot.addWidget(imports)
        imports.open()
        imports.close_button.setFocus()
        QTest.keyClick(imports.close_button, Qt.Key.Key_Enter)
        assert imports.isVisible()
        assert imports.dialog is not None, "Enter chose the roster to read"
        imports.dialog.reject()
        QTest.keyClick(imports, Qt.Key.Key_Escape)
        assert not imports.isVisible()
        await signed_out(parts)

    run_ui(loop, body)


class FakeDirectory:
    """What the import dialog reads of the directory before a file is chosen."""

    cache = None
    online = True


def test_the_import_dialogs_empty_state_is_compact(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot,
) -> None:
    """Issue 22, item 13: before a file is chosen the dialog opened at 900x560 with its heading, its
    text and its buttons spread over it, large gaps between them."""

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path / "data", "facility_admin", directory=True)
        dialog = opened_import(parts, qtbot)
        await asyncio.sleep(0.05)
        line = dialog.intro.fontMetrics().lineSpacing()

        def gaps() -> tuple[int, int]:
            under_intro = dialog.intro.geometry().bottom()
            return (dialog.intro.geometry().top() - dialog.heading.geometry().bottom(),
                    dialog.choose_button.geometry().top() - under_intro)

        assert all(gap < 2 * line for gap in gaps()), gaps()
        assert dialog.height() < 12 * line, f"compact: {dialog.height()} px high"
        dialog.resize(900, 560)  # made taller by the user: the texts stay together at the top
        await asyncio.sleep(0.05)
        assert gaps()[0] < 2 * line, gaps()
        dialog.close()
        await signed_out(parts)

    run_ui(loop, body)
