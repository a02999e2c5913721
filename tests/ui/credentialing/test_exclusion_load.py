"""File → Load exclusion list…: an officer's LEIE file goes to the real server; the outcome is said in words,
the server's own when it refuses the file, and a file too big is never sent."""
from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from PySide6.QtWidgets import QWidget

from app.credentialing.exclusions import MAX_BYTES
from tests.helpers.factories import create_provider, later_published, leie_file, leie_line, unique_npi
from tests.helpers.live_server import LiveServer
from tests.helpers.qt import run_ui, signed_in, signed_out, wait_until
from ui.credentialing.exclusion_load import NOT_LOADED, ExclusionListLoad


def test_an_officer_loads_the_exclusion_list_and_reads_the_outcome(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, admin: httpx.Client,
) -> None:
    made = create_provider(admin, npi=unique_npi())
    newest = later_published().replace("-", "")  # the file's newest date is its publication date
    good = tmp_path / "UPDATED.csv"
    good.write_bytes(leie_file(leie_line("SOMEONE", "ELSE", npi=made["npi"], reinstated="00000000")
                               .replace("20200101", newest)))
    bad = tmp_path / "cut.csv"
    bad.write_bytes(leie_file(leie_line("A", "B"), "SMITH,JOHN,,,INDIVIDUAL"))
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as sparse:
        sparse.truncate(MAX_BYTES + 1)

    async def body() -> None:
        parts = await signed_in(live_server, tmp_path, "credentialing_officer", directory=False)
        window = QWidget()
        loader = ExclusionListLoad(parts.client, parts.runner, window)
        told: list[tuple[str, str]] = []
        loader.notice.connect(lambda text, level: told.append((text, level)))
        loader.load(str(good))
        await wait_until(lambda: any(level != "info" for _, level in told), what="the load")
        text, level = told[-1]
        assert level == "success", text
        assert text.startswith("Loaded UPDATED.csv: 1 rows, published ")
        assert "1 Excluded" in text
        loader.load(str(bad))
        await wait_until(lambda: told[-1][1] == "error", what="the refusal")
        assert told[-1][0] == NOT_LOADED + ("Line 3 has 5 columns; every line of the LEIE has 18 "
                                            "(is the file cut short?).")
        count = len(told)
        loader.load(str(huge))
        await wait_until(lambda: len(told) > count + 1, what="the size refusal")
        assert told[-1][0].startswith(NOT_LOADED + "huge.csv is 64 MB")
        window.deleteLater()
        await signed_out(parts)

    run_ui(loop, body)
