"""`python -m bench responsiveness`: how long the event loop stalls through a sign-in, the first sync
and the dashboard's load, per role, quiet or with the machine kept busy (`--busy N` CPU hogs).

A 10 ms Qt timer notes how late each tick comes; the worst lateness of a run is the longest the loop
was kept from answering. The test suite checks only that no blocking work runs on the loop
(tests/ui/shell/test_responsiveness.py); how long the loop stalls depends on the machine and is
measured here. Writes bench/results/responsiveness.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import server_process
from bench.report import machine_info
from bench.stalls import cpu_hogs

ROLES = {"provider": "provider@demo.local", "credentialing_officer": "credentialing@demo.local",
         "facility_admin": "admin@demo.local"}
PASSWORD = "demo-pass-2026"
INTERVAL_MS = 10


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("responsiveness", help="event-loop stalls through sign-in and the dashboard")
    parser.add_argument("--providers", type=int, default=2000, help="demo providers on the server (2000)")
    parser.add_argument("--repeats", type=int, default=5, help="sign-ins per role (5)")
    parser.add_argument("--busy", type=int, default=0, metavar="N", help="CPU hogs running beside it (0)")
    parser.add_argument("--keep", action="store_true", help="reuse the seeded data folder of an earlier run")
    parser.add_argument("--output", type=Path, help="results file (bench/results/responsiveness.json)")
    parser.set_defaults(run=run)


class LatenessProbe:
    """A repeating Qt timer that records how late each tick arrives (in seconds)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer  # late: the command line parses without Qt

        self.lateness: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        return max(self.lateness, default=0.0)

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        self.lateness.append(max(0.0, now - self._last - INTERVAL_MS / 1000))
        self._last = now


async def _until(predicate: Any, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out waiting for the desktop")
        await asyncio.sleep(0.02)


async def _sign_in_once(api: str, data_dir: Path, email: str) -> dict[str, float]:
    """One sign-in through the sign-in window to the loaded dashboard and the first sync's end."""
    from app.session.token_store import MemoryTokenStore
    from app.settings import Settings
    from ui.shell.desktop import Desktop

    desktop = Desktop(Settings(server_url=api, data_dir=data_dir), MemoryTokenStore("No keyring in the bench."))
    desktop.start()
    await _until(lambda: desktop.session is not None and desktop.runner.running == 0)
    probe = LatenessProbe()
    started = time.perf_counter()
    probe.start()
    window = desktop.login_window
    assert window is not None
    window.email.setText(email)
    window.password.setText(PASSWORD)
    window.sign_in_button.click()
    await _until(lambda: desktop.main_window is not None)
    assert desktop.main_window is not None
    page: Any = desktop.main_window.current_page()
    await _until(lambda: page.state.state == "content")
    dashboard = time.perf_counter() - started
    await _until(lambda: desktop.runner.running == 0)
    await asyncio.sleep(0.3)  # the first paint of the cards and charts
    worst = probe.stop()
    done = asyncio.Event()
    desktop.finished.connect(done.set)
    desktop.quit()
    await asyncio.wait_for(done.wait(), 30)
    return {"worst_stall_ms": worst * 1000, "dashboard_s": dashboard, "ticks": len(probe.lateness)}


def _measure(api: str, repeats: int) -> dict[str, list[dict[str, float]]]:
    import qasync
    from PySide6.QtWidgets import QApplication

    import main  # noqa: F401  (imports every page before the first window, as the application does)
    from ui.common.event_loop import close_abandoned_generators_on

    app = QApplication.instance() or QApplication([])
    app.setQuitOnLastWindowClosed(False)  # one sign-in's last window closing must not stop the next one's loop
    loop = qasync.QEventLoop(app)
    close_abandoned_generators_on(loop)
    asyncio.set_event_loop(loop)
    runs: dict[str, list[dict[str, float]]] = {role: [] for role in ROLES}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-responsiveness-") as scratch:
            for n in range(repeats):
                for role, email in ROLES.items():
                    data_dir = Path(scratch) / f"{role}-{n}"
                    runs[role].append(loop.run_until_complete(_sign_in_once(api, data_dir, email)))
                    print(f"  {role} #{n + 1}: worst stall {runs[role][-1]['worst_stall_ms']:.1f} ms", flush=True)
    finally:
        loop.close()  # joins the loop's worker threads, also after a failure
    return runs


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    seeded = server_process.seeded_cache(args.providers, args.keep)
    server = server_process.start(seeded)
    try:
        with cpu_hogs(args.busy):
            print(f"server {server.api}, {args.providers:,} providers, {args.busy} CPU hogs, "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
            runs = _measure(server.api, args.repeats)
            load = os.getloadavg()[0]
    finally:
        server.stop()
    summary = {role: {"median_worst_stall_ms": round(statistics.median(r["worst_stall_ms"] for r in rs), 1),
                      "max_worst_stall_ms": round(max(r["worst_stall_ms"] for r in rs), 1),
                      "median_dashboard_s": round(statistics.median(r["dashboard_s"] for r in rs), 3)}
               for role, rs in runs.items()}
    print(f"{'role':24} {'stall p50 ms':>13} {'stall max ms':>13} {'dashboard p50 s':>16}")
    for role, row in summary.items():
        print(f"{role:24} {row['median_worst_stall_ms']:>13} {row['max_worst_stall_ms']:>13} "
              f"{row['median_dashboard_s']:>16}")
    output = args.output or server_process.ROOT / "bench" / "results" / "responsiveness.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({
        "machine": machine_info(), "load_average_1m_at_end": round(load, 2), "busy_hogs": args.busy,
        "providers": args.providers, "repeats": args.repeats, "summary": summary, "runs": runs}, indent=1) + "\n")
    return 0
