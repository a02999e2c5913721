"""The event loop's thread does no blocking work through a sign-in, the first sync and the dashboard's
load: no cache write, no sleep, no parse of a large answer (tests/helpers/loop_guard.py).

This checks where the work runs, not how fast the machine is: how long the loop stalls meanwhile is
a benchmark's question (`python -m bench responsiveness`), since on a busy machine any bound on time
fails without a defect.
"""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, LiveServer
from tests.helpers.loop_guard import PARSE_LIMIT, Blocked, watching
from tests.helpers.qt import closed, run_ui, started_desktop, wait_until


async def sign_in_and_load(server: LiveServer, data_dir: Path, role: str) -> list[Blocked]:
    """Sign in through the sign-in window, wait for the first sync and the dashboard; what blocked."""
    desktop = await started_desktop(server, data_dir)
    window = desktop.login_window
    with watching() as blocked:
        window.email.setText(DEMO_ACCOUNTS[role])
        window.password.setText(DEMO_PASSWORD)
        window.sign_in_button.click()
        await wait_until(lambda: desktop.main_window is not None, what="main window")
        page = desktop.main_window.current_page()
        await wait_until(lambda: page.state.state == "content", what="dashboard")
        await wait_until(lambda: desktop.runner.running == 0, what="the first sync")
        await asyncio.sleep(0.3)  # the first paint of the cards and charts
    await closed(desktop)
    return blocked


@pytest.mark.parametrize("role", ["provider", "credentialing_officer"])
def test_signing_in_and_loading_the_dashboard_do_no_blocking_work_on_the_loop(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, role: str
) -> None:
    blocked = run_ui(loop, lambda: sign_in_and_load(live_server, tmp_path, role))
    assert blocked == [], "blocking work on the event loop's thread:\n" + "\n".join(map(str, blocked))


def test_the_guard_sees_blocking_work_on_the_loop_and_not_in_a_worker(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    """The check above can fail: a write, a sleep and a large parse on the loop are each found;
    the same in a worker thread, and a read on the loop, are not."""
    large = b"[" + b"1," * PARSE_LIMIT + b"1]"

    def work(conn: sqlcipher.Connection) -> None:
        conn.execute("INSERT INTO t VALUES (1)")
        conn.execute("SELECT count(*) FROM t").fetchone()
        threading.Event().wait(0)
        import time
        time.sleep(0)
        import orjson
        orjson.loads(large)

    async def body() -> list[Blocked]:
        with watching() as blocked:
            conn = sqlcipher.connect(str(tmp_path / "guard.db"), check_same_thread=False, isolation_level=None)
            conn.execute("CREATE TABLE t (x)")
            await asyncio.to_thread(work, conn)
            assert blocked == [Blocked("sql", "CREATE TABLE t (x)")], "nothing from the worker thread"
            work(conn)
            conn.close()
        return blocked

    kinds = [each.kind for each in run_ui(loop, body)]
    assert kinds == ["sql", "sql", "sleep", "parse"]
