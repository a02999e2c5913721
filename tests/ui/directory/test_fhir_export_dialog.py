"""The FHIR export dialog driven like a user: choose a folder, watch the progress, read what was saved; offline."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

from app.directory.cache import DirectoryCache
from app.transfer.fhir_export import FILES
from tests.app.directory.feed import record, write_page
from tests.helpers.fhir import validate
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import run_ui, signed_in, signed_out, wait_until
from ui.directory.fhir_export_dialog import FhirExportDialog

KEY = bytes(range(32))
HOSPITAL = {"id": "0b1e7f2a-1111-4222-8333-944445555600", "name": "Harbour Infirmary", "city": "Bergen"}


def test_export_writes_every_type_into_the_chosen_folder(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, qtbot
) -> None:
    cache = DirectoryCache.open(tmp_path / "cache.db", KEY)
    write_page(cache, [record(f"Ana{n}", "Núñez", id=f"0b1e7f2a-1111-4222-8333-9444455{n:05d}",
                              hospitals=[HOSPITAL], organization_facility=f"Clinic {n % 3}") for n in range(2500)])
    folder = tmp_path / "fhir"
    folder.mkdir()

    async def body() -> str:
        parts = await signed_in(live_server, tmp_path / "data", "facility_admin", directory=False)
        dialog = FhirExportDialog(cache, parts.runner)
        qtbot.addWidget(dialog)
        dialog.open()
        dialog.choose_button.click()
        assert dialog.dialog is not None
        dialog.dialog.selectFile(str(folder))
        dialog.dialog.accept()
        await wait_until(lambda: parts.runner.running == 0 and dialog.notice.isVisible(), what="export")
        words = dialog.notice_text.text()
        assert dialog.progress.value() == 2500
        dialog.close()
        await signed_out(parts)
        return words

    try:
        words = run_ui(loop, body)
    finally:
        cache.close()
    assert words == f"Saved 2,500 providers and 4 organizations as FHIR to {folder}."
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES.values())
    practitioners = (folder / FILES["Practitioner"]).read_text(encoding="utf-8").splitlines()
    assert len(practitioners) == 2500
    assert validate(json.loads(practitioners[0]))["name"][0]["family"] == "Núñez"
    location = [validate(json.loads(line)) for line in (folder / FILES["Location"]).read_text().splitlines()]
    assert [(r["id"], r["name"]) for r in location] == [(HOSPITAL["id"], HOSPITAL["name"])]
