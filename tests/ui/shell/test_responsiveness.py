"""The event loop stays responsive through a sign-in and the dashboard's load, charts included.

A repeating 10 ms timer notes how late each tick comes; a tick much later than 10 ms means the
loop was blocked (a synchronous call, a big parse, slow widget building). This is a check that
nothing blocks, not a benchmark: the bound is generous, and the machine may be busy.

The modules of the main window and its pages are imported before the timer starts. The main
window imports them lazily when it first opens, and that first, cold import blocks the loop for
100-250 ms on this 2-core machine (compiling and importing the pages, QtCharts, the profile form),
which depends on the disk cache and on which tests ran first. main.py imports them before the
sign-in window shows, so in the application that cost falls before the first window; what is
checked here is every sign-in and every dashboard load.
"""
from __future__ import annotations

import asyncio
import importlib
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer

from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, LiveServer
from tests.helpers.qt import closed, run_ui, started_desktop, wait_until

INTERVAL_MS = 10
WORST_ALLOWED = 0.100
ATTEMPTS = 2
MAIN_WINDOW_MODULES = ("ui.shell.desktop",)  # as main.py imports it: with every page the shell builds


class LatenessProbe(QObject):
    """A repeating timer that records how late each tick arrives (in seconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.lateness: list[float] = []
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def worst(self) -> float:
        return max(self.lateness, default=0.0)

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        self.lateness.append(max(0.0, now - self._last - INTERVAL_MS / 1000))
        self._last = now


async def sign_in_and_load(server: LiveServer, data_dir: Path, role: str) -> float:
    """Sign in through the sign-in window and wait for the dashboard; the worst lateness meanwhile."""
    desktop = await started_desktop(server, data_dir)
    window = desktop.login_window
    probe = LatenessProbe()
    probe.start()
    window.email.setText(DEMO_ACCOUNTS[role])
    window.password.setText(DEMO_PASSWORD)
    window.sign_in_button.click()
    await wait_until(lambda: desktop.main_window is not None, what="main window")
    page = desktop.main_window.current_page()
    await wait_until(lambda: page.state.state == "content", what="dashboard")
    await asyncio.sleep(0.3)  # the first paint of the cards and charts
    probe.stop()
    assert len(probe.lateness) > 10, "the timer ran"
    await closed(desktop)
    return probe.worst


@pytest.mark.parametrize("role", ["provider", "credentialing_officer"])
def test_signing_in_and_loading_the_dashboard_never_blocks_the_loop(
    loop: asyncio.AbstractEventLoop, live_server: LiveServer, tmp_path: Path, role: str
) -> None:
    """Up to two tries: a call that blocks does so every time, a busy machine only now and then."""
    for module in MAIN_WINDOW_MODULES:
        importlib.import_module(module)
    worst: list[float] = []
    for attempt in range(ATTEMPTS):
        worst.append(run_ui(loop, lambda n=attempt: sign_in_and_load(live_server, tmp_path / f"try{n}", role)))
        if worst[-1] < WORST_ALLOWED:
            break
    words = ", ".join(f"{each * 1000:.0f} ms" for each in worst)
    print(f"\n{role}: worst lateness of a {INTERVAL_MS} ms timer per try: {words}")
    assert min(worst) < WORST_ALLOWED, f"the event loop was blocked on every try: {words}"
