"""The directory's state as Qt signals: an adapter around `app.directory.service.DirectoryService`.

Opened by the shell after sign-in and closed on sign-out or quit; the pages that read the cache
receive it in their constructors and listen to its signals. The policy (when to sync, probe, say
what) is the service's; its coroutines run through the task runner, so their errors reach the
window like any other task's.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from app.api.capabilities import ALL, Capabilities
from app.api.client import ApiClient
from app.api.connectivity import Connectivity
from app.api.models import Provider, User
from app.directory.cache import DirectoryCache
from app.directory.query import BOOKABLE, ProviderRow
from app.directory.service import DirectoryService
from ui.common.tasks import TaskRunner


class ShowsLoading(Protocol):
    """Where a page shows that it is loading (a `ui.widgets.state_view.StateView`)."""

    def show_loading(self, text: str) -> None: ...


class DirectoryState(QObject):
    """The cache of one server and account, and the syncs that fill it (see DirectoryService).

    Signals:
        opened(): the cache is open (`cache` is set).
        synced(): a sync applied changes to the cache; views read again.
        sync_running(bool): a sync started or ended.
        progress(int, object): providers synced so far, and the total when known (or None).
        online_changed(bool): the server became reachable (True) or not (False).
        notice(str, str): a message for the message bar (text, level).
    """

    opened = Signal()
    synced = Signal()
    sync_running = Signal(bool)
    progress = Signal(int, object)
    online_changed = Signal(bool)
    notice = Signal(str, str)

    def __init__(self, client: ApiClient, connectivity: Connectivity, runner: TaskRunner, *, user: User,
                 server_key: str, data_dir: Path, capabilities: Capabilities = ALL) -> None:
        super().__init__()
        self.service = DirectoryService(
            client, connectivity, user=user, server_key=server_key, data_dir=data_dir, start=runner.start,
            capabilities=capabilities,
            on_opened=self.opened.emit, on_synced=self.synced.emit, on_sync_running=self.sync_running.emit,
            on_progress=self.progress.emit, on_online_changed=self.online_changed.emit,
            on_notice=self.notice.emit)

    @property
    def cache(self) -> DirectoryCache | None:
        return self.service.cache

    @property
    def lists_everyone(self) -> bool:
        """Whether the cache holds what the server lists, without license statuses to keep to the
        credentialed (a server without the change feed: the seed's backend)."""
        return self.service.list_walk

    @property
    def online(self) -> bool:
        return self.service.online

    @property
    def syncing(self) -> bool:
        return self.service.syncing

    @property
    def synced_at(self) -> datetime | None:
        """When the cache last matched the server."""
        return self.service.synced_at

    @property
    def last_sync(self) -> datetime | None:
        return self.service.last_sync

    def bookable_providers(self) -> list[ProviderRow]:
        """The cached directory's providers an appointment can be booked with, by name (none before it opens)."""
        cache = self.cache
        if cache is None:
            return []
        return cache.rows(BOOKABLE, 0, cache.count(BOOKABLE))

    def offline_text(self) -> str:
        return self.service.offline_text()

    def open(self) -> None:
        """Open the cache of this server and account, then sync."""
        self.service.open()

    async def aclose(self) -> None:
        """Stop syncing and probing and close the cache."""
        await self.service.aclose()

    def sync_now(self) -> None:
        """Sync unless offline; a request during a sync runs one more sync after it."""
        self.service.sync_now()

    def cancel_sync(self) -> None:
        """Stop the running sync; what it applied stays, the next sync resumes from there."""
        self.service.cancel_sync()

    def show_own_change(self, provider: Provider) -> None:
        """Show a record the server has just returned in every view at once; a sync confirms it."""
        self.service.show_own_change(provider)

    def keep_profile(self, provider: Provider) -> None:
        """Keep the signed-in provider's profile on this computer, for My Profile offline."""
        self.service.keep_profile(provider)

    def kept_profile(self) -> tuple[Provider, datetime] | None:
        return self.service.kept_profile()


def follow_directory(directory: DirectoryState, state: ShowsLoading, what: str, *, opened: Callable[[], None],
                     synced: Callable[[], None], online_changed: Callable[[bool], None],
                     sync_running: Callable[[bool], None] | None = None) -> None:
    """Connect a page that reads the directory's cache to it, and start from where it is now.

    `what` names the page's content in its loading state ("the worklist").
    """
    directory.opened.connect(opened)
    directory.synced.connect(synced)
    directory.online_changed.connect(online_changed)
    if sync_running is not None:
        directory.sync_running.connect(sync_running)
    if directory.cache is not None:
        opened()
    else:
        state.show_loading(f"Opening {what}…")
    online_changed(directory.online)
