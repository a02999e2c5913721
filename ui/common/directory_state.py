"""The directory's life beside the windows: the local cache, its syncs, and offline/online.

Opened by the shell after sign-in and closed on sign-out or quit; the pages that read the cache
receive it in their constructors. It syncs at start, every few
minutes while online, when asked and after the user's own edits; offline it probes the server
every few seconds and syncs as soon as the server answers again. Widgets listen to its signals.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.api.connectivity import ConnectionState
from app.api.errors import ApiError, OfflineError

if TYPE_CHECKING:
    from app.api.client import ApiClient
    from app.api.connectivity import Connectivity
    from app.api.models import Provider, User
    from app.directory.cache import DirectoryCache
    from ui.common.tasks import TaskRunner
    from ui.widgets.state_view import StateView

log = logging.getLogger(__name__)
SYNC_EVERY_MS = 5 * 60 * 1000
PROBE_EVERY_MS = 15 * 1000
CLOSE_WAIT_S = 10
NO_KEYRING = ("Offline review needs the system keyring: without it the directory's copy on this computer "
              "lasts only until you quit.")


def as_of(when: datetime | None, now: datetime | None = None) -> str:
    """ "10:42, 2 hours ago" (or "not synced yet") for the time of a sync."""
    if when is None:
        return "not synced yet"
    local = when.astimezone()
    now = now or datetime.now().astimezone()
    minutes = max(0, int((now - local).total_seconds() // 60))
    if minutes < 1:
        ago = "just now"
    elif minutes < 60:
        ago = f"{minutes} minute{'s' * (minutes != 1)} ago"
    elif minutes < 48 * 60:
        hours = minutes // 60
        ago = f"{hours} hour{'s' * (hours != 1)} ago"
    else:
        ago = f"{minutes // 1440} days ago"
    clock = f"{local:%H:%M}" if local.date() == now.date() else f"{local:%d %b %H:%M}"
    return f"{clock}, {ago}"


class DirectoryState(QObject):
    """The cache of one server and account, and the syncs that fill it.

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
                 server_key: str, data_dir: Path) -> None:
        super().__init__()
        self.client = client
        self.connectivity = connectivity
        self.runner = runner
        self.user = user
        self.server_key = server_key
        self.data_dir = data_dir
        self.cache: DirectoryCache | None = None
        self.last_sync: datetime | None = None
        self._sync_task: asyncio.Task[Any] | None = None
        self._cancel: asyncio.Event | None = None
        self._again = False
        self._closed = False
        self._loop = asyncio.get_event_loop()
        self._timer = QTimer(self)
        self._timer.setInterval(SYNC_EVERY_MS)
        self._timer.timeout.connect(self.sync_now)
        self._probe_timer = QTimer(self)
        self._probe_timer.setInterval(PROBE_EVERY_MS)
        self._probe_timer.timeout.connect(self._on_probe_timer_timeout)
        connectivity.on_change(self._on_connectivity_changed)

    # ---- state ----

    @property
    def online(self) -> bool:
        return self.connectivity.state is not ConnectionState.OFFLINE

    @property
    def syncing(self) -> bool:
        return self._sync_task is not None and not self._sync_task.done()

    @property
    def synced_at(self) -> datetime | None:
        """When the cache last matched the server."""
        full = self.cache.last_full_sync if self.cache is not None else None
        return max((t for t in (self.last_sync, full) if t is not None), default=None)

    def offline_text(self) -> str:
        return f"Offline — directory as of {as_of(self.synced_at)}"

    # ---- opening and closing ----

    def open(self) -> None:
        """Open the cache of this server and account, then sync."""
        self.runner.start(self._open(), on_done=self._on_open_done)

    async def _open(self) -> DirectoryCache:
        from app.directory.keys import cache_for
        from app.directory.query import Viewer

        user = self.user
        viewer = Viewer(staff=user.role.is_staff, own_id=user.provider_id)
        return await cache_for(self.data_dir, self.server_key, user.email, viewer=viewer)

    def _on_open_done(self, cache: DirectoryCache) -> None:
        if self._closed:
            cache.close()
            return
        self.cache = cache
        self.opened.emit()
        if not cache.persistent:
            self.notice.emit(getattr(cache, "reason", "") or NO_KEYRING, "warning")
        self._timer.start()
        if self.online:
            self.sync_now()
        else:
            self._went_offline()

    async def aclose(self) -> None:
        """Stop syncing and probing and close the cache."""
        self._closed = True
        self.connectivity.off_change(self._on_connectivity_changed)
        self._timer.stop()
        self._probe_timer.stop()
        task = self._sync_task
        if task is not None and not task.done():
            # Asked to stop, a sync ends after the batch it is writing. Cancelling the task instead
            # would leave a worker thread writing while the cache closes under it.
            if self._cancel is not None:
                self._cancel.set()
            await asyncio.wait([task], timeout=CLOSE_WAIT_S)
            if not task.done():  # stuck on the network, not in a write: safe to cancel
                task.cancel()
                await asyncio.wait([task], timeout=CLOSE_WAIT_S)
        if self.cache is not None:
            self.cache.close()
            self.cache = None

    # ---- syncing ----

    def sync_now(self) -> None:
        """Sync unless offline; a request during a sync runs one more sync after it."""
        if self._closed or self.cache is None:
            return
        if not self.online:
            self._on_probe_timer_timeout()
            return
        if self.syncing:
            self._again = True
            return
        from app.directory.sync import DirectorySync

        self._cancel = asyncio.Event()
        self._again = False
        self.connectivity.set(ConnectionState.SYNCING)
        self.sync_running.emit(True)
        work = DirectorySync(self.client, self.cache).run(self._on_progress, self._cancel)
        self._sync_task = self.runner.start(work, on_done=self._on_sync_done, on_error=self._on_sync_failed)
        self._sync_task.add_done_callback(self._on_sync_ended)

    def show_own_change(self, provider: Provider) -> None:
        """Write a record the server has just returned (the user's own decision or edit) into the cache
        now, so every view shows it at once; the sync that follows confirms it."""
        cache = self.cache
        if cache is None or self._closed or cache.size() == 0:  # nothing shown yet: the sync fills it
            self.sync_now()
            return
        from app.directory.sync import CacheWriter

        record = provider.model_dump(mode="json")

        def written(_result: object) -> None:
            if not self._closed:
                self.synced.emit()
                self.sync_now()

        work = asyncio.to_thread(CacheWriter(cache).put, [record])
        self.runner.start(work, on_done=written)

    def cancel_sync(self) -> None:
        """Stop the running sync; what it applied stays, the next sync resumes from there."""
        if self._cancel is not None:
            self._cancel.set()

    def _on_progress(self, done: int, total: int | None) -> None:
        if threading.current_thread() is threading.main_thread():
            self.progress.emit(done, total)
        else:  # parsing and writing run in a worker thread
            self._loop.call_soon_threadsafe(self.progress.emit, done, total)

    def _on_sync_done(self, _result: object) -> None:
        cancelled = self._cancel is not None and self._cancel.is_set()
        if not cancelled:
            self.last_sync = datetime.now().astimezone()
        self.synced.emit()
        if cancelled and not self._closed:
            empty = self.cache is None or self.cache.size() == 0  # a first fill shows nothing until it ends
            self.notice.emit("Sync cancelled. " + ("The directory fills when it syncs again; it goes on from where "
                                                   "it stopped." if empty else
                                                   "The directory shows what was synced so far."), "info")

    def _on_sync_failed(self, error: Exception) -> bool:
        if isinstance(error, OfflineError):
            return True  # the connectivity listener says it once
        if isinstance(error, ApiError) and not self._closed:
            log.warning("sync failed: %s", error.message)
            self.synced.emit()  # batches applied before the failure are in the cache
            self.notice.emit(f"The directory could not be synced. {error.message}", "warning")
            return True
        return False

    def _on_sync_ended(self, _task: asyncio.Task[Any]) -> None:
        if self.connectivity.state is ConnectionState.SYNCING:
            self.connectivity.set(ConnectionState.ONLINE)
        self.sync_running.emit(False)
        if self._again and not self._closed:
            self.sync_now()

    # ---- offline and back ----

    def _on_connectivity_changed(self, state: ConnectionState) -> None:
        if self._closed:
            return
        if state is ConnectionState.OFFLINE:
            self._went_offline()
        elif not self._probe_timer.isActive():
            return
        else:
            self._probe_timer.stop()
            self.online_changed.emit(True)
            self.notice.emit("Back online. Syncing the directory…", "success")
            QTimer.singleShot(0, self.sync_now)

    def _went_offline(self) -> None:
        """Probe until the server answers; the window's offline bar says it (once, for every page)."""
        if not self._probe_timer.isActive():
            self._probe_timer.start()
            self.online_changed.emit(False)

    def _on_probe_timer_timeout(self) -> None:
        if not self._closed:
            with contextlib.suppress(RuntimeError):
                self.runner.start(self.connectivity.probe())


def follow_directory(directory: DirectoryState, state: StateView, what: str, *, opened: Callable[[], None],
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
