"""Driving the desktop in tests: one qasync loop, bounded polls, a signed-in Desktop."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from app.session.token_store import MemoryTokenStore, TokenStore
from app.settings import Settings
from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, LiveServer
from ui.shell.desktop import Desktop

T = TypeVar("T")


async def wait_until(predicate: Callable[[], object], limit: float = 15.0, what: str = "condition") -> None:
    """Poll `predicate` on the running loop for at most `limit` seconds (never a blocking wait)."""
    deadline = asyncio.get_running_loop().time() + limit
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def run_ui(loop: asyncio.AbstractEventLoop, body: Callable[[], Awaitable[T]], timeout: float = 60) -> T:
    """Run an async test body on the Qt event loop, bounded in time."""
    return loop.run_until_complete(asyncio.wait_for(body(), timeout))  # type: ignore[arg-type]


async def started_desktop(
    server: LiveServer | str, data_dir: Path, store: TokenStore | None = None
) -> Desktop:
    """A Desktop connected to `server` (or an API address), its sign-in window showing."""
    settings = Settings(server_url=server if isinstance(server, str) else server.api, data_dir=data_dir)
    desktop = Desktop(settings, store or MemoryTokenStore("No secure keyring in tests."))
    desktop.start()
    await wait_until(lambda: desktop.session is not None and desktop.runner.running == 0, what="connection")
    return desktop


async def signed_in_desktop(server: LiveServer, data_dir: Path, role: str) -> Desktop:
    """A Desktop signed in as the demo account of `role`, its main window open."""
    desktop = await started_desktop(server, data_dir)
    await desktop.sign_in(DEMO_ACCOUNTS[role], DEMO_PASSWORD, remember=False)
    await wait_until(lambda: desktop.main_window is not None, what="main window")
    return desktop


async def closed(desktop: Desktop) -> None:
    """Quit the desktop and wait for its shutdown to finish."""
    done = asyncio.Event()
    desktop.finished.connect(done.set)
    desktop.quit()
    await asyncio.wait_for(done.wait(), 15)
    for window in (desktop.main_window, desktop.login_window):
        if window is not None:
            window.deleteLater()
