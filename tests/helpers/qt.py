"""Driving the desktop in tests: one qasync loop, bounded polls, what a page receives after sign-in
(`signed_in`), and a whole signed-in Desktop for the shell's own tests."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from app.api.client import ApiClient
from app.api.connectivity import Connectivity
from app.api.models import User
from app.session.session import Session
from app.session.token_store import MemoryTokenStore, TokenStore
from app.settings import Settings
from tests.helpers.aio import wait_until
from tests.helpers.live_server import DEMO_ACCOUNTS, DEMO_PASSWORD, LiveServer
from ui.common.directory_state import DirectoryState
from ui.common.tasks import TaskRunner
from ui.shell.desktop import Desktop

T = TypeVar("T")


# A bound against a hang, not a measure (see tests/helpers/aio.py, WAIT_LIMIT).
BODY_LIMIT = 240.0


def run_ui(loop: asyncio.AbstractEventLoop, body: Callable[[], Awaitable[T]], timeout: float = BODY_LIMIT) -> T:
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


@dataclass
class SignedIn:
    """What the shell hands a page after sign-in, built here without the shell: a session signed in
    as a demo role, its client and connectivity, a task runner, and the directory's cache (opened
    and synced once) unless left out."""

    user: User
    session: Session
    client: ApiClient
    connectivity: Connectivity
    runner: TaskRunner
    directory: DirectoryState | None

    def own_directory(self) -> DirectoryState:
        assert self.directory is not None, "signed_in(..., directory=True) opens it"
        return self.directory


async def signed_in(server: LiveServer, data_dir: Path, role: str, *, directory: bool = True,
                    email: str | None = None, password: str = DEMO_PASSWORD) -> SignedIn:
    """Sign in as the demo account of `role` (or `email`) and build what a page receives."""
    client = ApiClient(server.api)
    session = Session(client, MemoryTokenStore("No secure keyring in tests."))
    user = await session.login(email or DEMO_ACCOUNTS[role], password)
    connectivity = Connectivity(client)
    runner = TaskRunner(connectivity)
    state = None
    if directory:
        state = DirectoryState(client, connectivity, runner, user=user, server_key=session.server, data_dir=data_dir)
        state.open()
        await wait_until(lambda: state.cache is not None and not state.syncing and runner.running == 0,
                         limit=60, what="the directory's first sync")
    return SignedIn(user, session, client, connectivity, runner, state)


async def signed_out(parts: SignedIn) -> None:
    """Close what `signed_in` opened: the directory, the tasks, the client."""
    if parts.directory is not None:
        await parts.directory.aclose()
    parts.runner.cancel_all()
    await parts.client.aclose()
