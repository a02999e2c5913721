"""File → Export and Import open their dialogs, Import only for facility administrators."""
from __future__ import annotations

import asyncio
from pathlib import Path

from tests.helpers.live_server import LiveServer
from tests.helpers.qt import closed, run_ui, signed_in_desktop, wait_until
from ui.directory.export_dialog import ExportDialog
from ui.directory.fhir_export_dialog import FhirExportDialog
from ui.directory.roster_import_dialog import ImportDialog


def test_export_and_import_from_the_file_menu(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path
) -> None:
    async def body() -> None:
        desktop = await signed_in_desktop(live_server, tmp_path, "facility_admin")
        window = desktop.main_window
        assert window is not None
        await wait_until(lambda: desktop.directory is not None and desktop.directory.cache is not None
                         and desktop.directory.cache.size() > 0, what="the first sync")
        assert window.import_action.isVisible()
        window.export_action.trigger()
        assert isinstance(window.dialog, ExportDialog)
        window.dialog.close()
        window.fhir_export_action.trigger()
        assert isinstance(window.dialog, FhirExportDialog)
        window.dialog.close()
        window.import_action.trigger()
        assert isinstance(window.dialog, ImportDialog)
        window.dialog.close()
        await closed(desktop)
        officer = await signed_in_desktop(live_server, tmp_path / "officer", "credentialing_officer")
        assert officer.main_window is not None
        assert not officer.main_window.import_action.isVisible()
        await closed(officer)

    run_ui(loop, body)
