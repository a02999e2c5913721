"""The worklist's screening and recredentialing queues on the page: every queue in the picker with its count,
a flag's evidence and decisions, an officer's Confirm and Clear (with a reason) against the real server, the
queue and its count following at once; an administrator reads only; offline the evidence stays and decisions
wait; Verify refused in words when the provider has no recent screening."""
from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.credentialing.worklist import ALL_QUEUES
from contract.validation import FLAG_CLEAR_REASON, VERIFY_NOT_SCREENED
from tests.helpers.factories import (
    create_provider,
    leie_file,
    leie_line,
    leie_upload,
    register_provider,
    unique,
    unique_npi,
)
from tests.helpers.live_server import LiveServer, running_server
from tests.helpers.qt import run_ui, signed_in, wait_until
from tests.ui.credentialing.test_page import client_for, closed, shown_ids, worklist
from ui.common.dialogs import is_open
from ui.credentialing.decision_dialog import DecisionDialog

EXCLUDED = next(i for i, q in enumerate(ALL_QUEUES) if q.key == "excluded")
POSSIBLE = next(i for i, q in enumerate(ALL_QUEUES) if q.key == "possible_match")


def flagged(server: LiveServer) -> tuple[dict, dict]:
    """Two new providers, one Excluded (its NPI on the list), one a Possible match (its name and state)."""
    tag = unique()
    with client_for(server, "facility_admin") as admin:
        excluded = create_provider(admin, npi=unique_npi(), last_name=f"Flagged{tag}", license_number=f"CA-F{tag}")
        named = create_provider(admin, first_name="Ines", last_name=f"Named{tag}", license_number=f"TX-N{tag}")
    with client_for(server, "credentialing_officer") as officer:
        content = leie_file(leie_line("SOMEONE", "ELSE", npi=excluded["npi"]),
                            leie_line(f"NAMED{tag}", "INES", state="TX"))
        answer = leie_upload(officer, content, name="UPDATED-test.csv")
        assert answer.status_code == 201, answer.text
    return excluded, named


def test_an_officer_decides_flags_from_the_screening_queues(loop: asyncio.AbstractEventLoop, tmp_path: Path,
                                                            qtbot: object) -> None:
    with running_server(tmp_path / "server", demo_providers=20) as own:
        excluded, named = flagged(own)

        async def body() -> None:
            parts = await signed_in(own, tmp_path / "desk", "credentialing_officer")
            page = await worklist(parts)
            assert page.queues.count_of_queues() == len(ALL_QUEUES)
            page.queues.set_queue(EXCLUDED)
            assert page.flag_pane.isVisible()
            assert not page.pane.isVisible()
            assert excluded["id"] in shown_ids(page)
            before = page.model.count
            await wait_until(lambda: page.queues.queue_text(EXCLUDED) == f"Screening: Excluded ({before:,})",
                             what="the Excluded count")
            page.select_row(shown_ids(page).index(excluded["id"]))
            pane = page.flag_pane
            assert pane.flag is not None
            assert pane.flag.provider_id == excluded["id"]
            assert pane.found_in.text().startswith("OIG exclusion list (LEIE): UPDATED-test.csv, published ")
            assert pane.found_in.text().endswith(", line 2")
            values = {pane.evidence.item(r, 0).text(): pane.evidence.item(r, 1).text()
                      for r in range(pane.evidence.rowCount())}
            assert values["NPI"] == excluded["npi"]
            assert values["LASTNAME"] == "SOMEONE"
            await wait_until(lambda: parts.runner.running == 0, what="the history")
            assert pane.history.text() == "Open: no officer has decided yet."
            assert pane.confirm_button.isEnabled()
            # Clear needs a reason: said in the server's words, nothing sent
            pane.clear_button.click()
            assert pane.message.text() == FLAG_CLEAR_REASON
            QTest.keyClicks(pane.decision_reason, "Another person: different NPI owner")
            QTest.keyClick(pane.decision_reason, Qt.Key.Key_Return)
            assert excluded["id"] in shown_ids(page), "Enter decides nothing: Confirm or Clear is pressed"
            QTest.keyClick(pane, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # Clear's mnemonic
            await wait_until(lambda: excluded["id"] not in shown_ids(page), what="the cleared one leaves the queue")
            await wait_until(lambda: page.queues.queue_text(EXCLUDED) == f"Screening: Excluded ({before - 1:,})",
                             what="the count follows at once")
            with client_for(own, "credentialing_officer") as officer:
                found = officer.get("/screening/flags/", params={"provider": excluded["id"]}).json()["results"]
            assert [(f["decision"], f["decision_reason"]) for f in found] == [
                ("cleared", "Another person: different NPI owner")]
            # the Possible match: confirmed, and it leaves its queue (no open flag) with the history said
            page.queues.set_queue(POSSIBLE)
            page.select_row(shown_ids(page).index(named["id"]))
            assert pane.flag is not None
            assert pane.flag.kind.value == "possible_match"
            pane.confirm_button.click()
            await wait_until(lambda: named["id"] not in shown_ids(page), what="the confirmed one leaves the queue")
            # offline: the evidence reads from the cache, decisions wait with the reason
            page.queues.set_queue(EXCLUDED)
            own.stop()
            parts.own_directory().sync_now()
            await wait_until(lambda: not parts.own_directory().online, 20, "offline noticed")
            if page.model.count:
                page.select_row(0)
                assert pane.flag is not None
                assert pane.evidence.rowCount() == 18
                assert not pane.confirm_button.isEnabled()
                assert "offline" in pane.clear_button.toolTip().lower()
                assert "offline" in pane.note.text().lower()
            await closed(parts, page)

        run_ui(loop, body)


@pytest.mark.parametrize("role", ["facility_admin"])
def test_an_administrator_reads_flags_but_cannot_decide(loop: asyncio.AbstractEventLoop, tmp_path: Path,
                                                        qtbot: object, role: str) -> None:
    with running_server(tmp_path / "server", demo_providers=20) as own:
        excluded, _named = flagged(own)

        async def body() -> None:
            parts = await signed_in(own, tmp_path / "desk", role)
            page = await worklist(parts)
            page.queues.set_queue(EXCLUDED)
            page.select_row(shown_ids(page).index(excluded["id"]))
            pane = page.flag_pane
            assert pane.flag is not None
            assert pane.evidence.rowCount() == 18
            assert not pane.confirm_button.isEnabled()
            assert not pane.clear_button.isEnabled()
            assert "only credentialing officers" in pane.note.text()
            await closed(parts, page)

        run_ui(loop, body)


def test_recredentialing_queues_show_the_demos_due_and_overdue_with_counts(
    loop: asyncio.AbstractEventLoop, tmp_path: Path, qtbot: object,
) -> None:
    due = next(i for i, q in enumerate(ALL_QUEUES) if q.key == "recredential_due")
    overdue = next(i for i, q in enumerate(ALL_QUEUES) if q.key == "recredential_overdue")
    with running_server(tmp_path / "server", demo_providers=20) as own:
        with client_for(own, "credentialing_officer") as officer:
            clocks = officer.get("/credentialing/recredentialing/", params={"page_size": 500}).json()["results"]
        today = date.today().isoformat()
        late = {c["provider_id"] for c in clocks if c["due"] < today}
        assert late, "the demo has overdue recredentialing"

        async def body() -> None:
            parts = await signed_in(own, tmp_path / "desk", "credentialing_officer")
            page = await worklist(parts)
            page.queues.set_queue(overdue)
            assert page.pane.isVisible(), "a recredentialing is a license's review"
            assert not page.flag_pane.isVisible()
            active = set(shown_ids(page))
            assert active <= late
            assert active
            await wait_until(lambda: page.queues.queue_text(overdue) == f"Recredentialing overdue ({len(active):,})",
                             what="the overdue count")
            page.queues.set_queue(due)
            assert shown_ids(page), "the demo has recredentialing due within 90 days"
            assert not set(shown_ids(page)) & late
            # Ctrl+PgDown goes round the queues over the headings: from the last back to the first
            page.queues.set_queue(len(ALL_QUEUES) - 1)
            QTest.keyClick(page.table, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
            assert page.queue is ALL_QUEUES[0]
            await closed(parts, page)

        run_ui(loop, body)


def test_verify_says_why_it_is_refused_when_the_provider_was_never_screened(
    loop: asyncio.AbstractEventLoop, tmp_path: Path, qtbot: object,
) -> None:
    with running_server(tmp_path / "server", demo_providers=5) as own:
        with own.client() as anon:
            newcomer = register_provider(anon, first_name="Unscreena", last_name="Aaberg")  # after the demo's run

        async def body() -> None:
            parts = await signed_in(own, tmp_path / "desk", "credentialing_officer")
            page = await worklist(parts)
            page.queues.set_queue(0)
            page.select_row(shown_ids(page).index(newcomer["profile"]["id"]))
            await wait_until(lambda: page.review.version is not None, what="the server's record")
            QTest.keyClick(page.table, Qt.Key.Key_V)
            dialog = page.actions_.dialog
            assert isinstance(dialog, DecisionDialog)
            await wait_until(dialog.isVisible, what="dialog")
            assert dialog.expiry_edit is not None
            QTest.keyClick(dialog.expiry_edit, Qt.Key.Key_Return)
            await wait_until(lambda: dialog.error.text() == VERIFY_NOT_SCREENED, what="the reason in words")
            assert is_open(dialog), "the dialog stays: the officer reads why"
            dialog.reject()
            with client_for(own, "credentialing_officer") as officer:
                assert officer.get(f"/providers/{newcomer['profile']['id']}/").json()["license_status"] == \
                    "pending_verification"
            await closed(parts, page)

        run_ui(loop, body)
