"""The directory's life beside the windows, without Qt: the local cache, when it syncs, offline and back.

Opened after sign-in and closed on sign-out or quit. It syncs at open, every few minutes, when
asked and after the user's own edits; a request during a sync runs one more sync after it.
Between syncs it probes the server's health every few seconds, online or not: a server that goes
away is noticed while the user only reads, and offline lasts until a probe is answered (then it
syncs). Offline and back are each said once.
It reports through the callbacks given to its constructor, always on the event loop's thread.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from app.api.capabilities import ALL, Capabilities, Feature
from app.api.client import ApiClient
from app.api.connectivity import ConnectionState, Connectivity
from app.api.errors import ApiError, NotFoundError, OfflineError
from app.api.models import Provider, User
from app.directory.cache import DirectoryCache
from app.directory.clocks import replace_clocks
from app.directory.flags import replace_flags
from app.directory.keys import cache_for
from app.directory.list_walk import ListWalkSync
from app.directory.query import Viewer
from app.directory.sync import DirectorySync
from app.directory.writer import CacheWriter
from app.tasks import Start, TaskKeeper

log = logging.getLogger(__name__)
T = TypeVar("T")
SYNC_EVERY_S = 5 * 60
PROBE_EVERY_S = 15
CLOSE_WAIT_S = 10
NO_KEYRING = ("ProviderDesk cannot keep the directory on this computer for offline use after you quit. "
              "Everything works until then.")
CANCELLED = "Sync cancelled. "
CANCELLED_EMPTY = "The directory fills when it syncs again."  # a snapshot fill starts again; a feed fill goes on
CANCELLED_PARTLY = "The directory shows what was synced so far."
NOT_SYNCED = "The directory could not be synced. "
BACK_ONLINE = "Back online. Syncing the directory…"


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


class Repeating:
    """Calls `callback` every `interval` seconds on the event loop from `start()` until `stop()`."""

    def __init__(self, loop: asyncio.AbstractEventLoop, interval: float, callback: Callable[[], None]) -> None:
        self._loop = loop
        self.interval = interval
        self._callback = callback
        self._handle: asyncio.TimerHandle | None = None

    @property
    def active(self) -> bool:
        return self._handle is not None

    def start(self) -> None:
        """Start, or start again from now."""
        self.stop()
        self._handle = self._loop.call_later(self.interval, self._fire)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        self._handle = self._loop.call_later(self.interval, self._fire)
        self._callback()


def _nothing(*_args: object) -> None:
    """A callback nobody asked for."""


class DirectoryService:
    """The cache of one server and account, and the syncs that fill it.

    Callbacks (each optional, each called on the event loop's thread):
        on_opened(): the cache is open (`cache` is set).
        on_synced(): changes reached the cache; views read again.
        on_sync_running(bool): a sync started or ended.
        on_progress(int, int | None): providers synced so far, and the total when known.
        on_online_changed(bool): the server became reachable (True) or not (False).
        on_notice(str, str): a message for the user (text, level: info, success or warning).
    """

    def __init__(
        self, client: ApiClient, connectivity: Connectivity, *, user: User, server_key: str, data_dir: Path,
        start: Start | None = None, sync_every: float = SYNC_EVERY_S, probe_every: float = PROBE_EVERY_S,
        on_opened: Callable[[], None] = _nothing, on_synced: Callable[[], None] = _nothing,
        on_sync_running: Callable[[bool], None] = _nothing,
        on_progress: Callable[[int, int | None], None] = _nothing,
        on_online_changed: Callable[[bool], None] = _nothing, on_notice: Callable[[str, str], None] = _nothing,
        capabilities: Capabilities = ALL,
    ) -> None:
        self.client = client
        # without the change feed the cache is synced by walking the list (list_walk.py); learnt at
        # sign-in, or from the feed's 404 at the first sync
        self.list_walk = not capabilities.has(Feature.CHANGE_FEED)
        self._walker: ListWalkSync | None = None
        self.connectivity = connectivity
        self.user = user
        self.server_key = server_key
        self.data_dir = data_dir
        self.start = start or TaskKeeper(connectivity)
        self.on_opened, self.on_synced, self.on_sync_running = on_opened, on_synced, on_sync_running
        self.on_progress, self.on_online_changed, self.on_notice = on_progress, on_online_changed, on_notice
        self.cache: DirectoryCache | None = None
        self.last_sync: datetime | None = None
        self._loop = asyncio.get_event_loop()
        self.sync_timer = Repeating(self._loop, sync_every, self.sync_now)
        self.probe_timer = Repeating(self._loop, probe_every, self._probe)
        self._sync_task: asyncio.Task[Any] | None = None
        self._cancel: asyncio.Event | None = None
        self._probe_task: asyncio.Task[Any] | None = None
        self._offline_told = False  # on_online_changed(False) was the last said
        self._again = False
        self._closed = False
        self._profile_to_keep: Provider | None = None  # loaded before the cache was open
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
        self.start(self._open(), on_done=self._opened)

    async def _open(self) -> DirectoryCache:
        # A list walk keeps what the server lists: without license statuses (the seed's backend
        # gives none in its list and details) the cache cannot apply the directory's rule itself.
        viewer = Viewer(staff=self.user.role.is_staff or self.list_walk, own_id=self.user.provider_id)
        return await cache_for(self.data_dir, self.server_key, self.user.email, viewer=viewer)

    def _opened(self, cache: DirectoryCache) -> None:
        if self._closed:
            cache.close()
            return
        self.cache = cache
        if self._profile_to_keep is not None:
            self.keep_profile(self._profile_to_keep)
            self._profile_to_keep = None
        self.on_opened()
        if not cache.persistent:
            self.on_notice(getattr(cache, "reason", "") or NO_KEYRING, "warning")
        self.sync_timer.start()
        self.probe_timer.start()
        if self.online:
            self.sync_now()
        else:  # a request failed before: the copy on this computer until the server answers
            self._went_offline()
            self._probe()

    async def aclose(self) -> None:
        """Stop syncing and probing and close the cache."""
        self._closed = True
        self.connectivity.off_change(self._on_connectivity_changed)
        self.sync_timer.stop()
        self.probe_timer.stop()
        probe = self._probe_task
        if probe is not None and not probe.done():
            probe.cancel()  # only a request is waiting: nothing to finish
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
        """Sync unless offline (then probe); a request during a sync runs one more sync after it."""
        if self._closed or self.cache is None:
            return
        if not self.online:
            self._probe()
            return
        if self.syncing:
            self._again = True
            return
        self._cancel = asyncio.Event()
        self._again = False
        self.connectivity.set(ConnectionState.SYNCING)
        if self.list_walk and (self._walker is None or self._walker.cache is not self.cache):
            self._walker = ListWalkSync(self.client, self.cache)  # kept: it learnt whether ordering is honoured
        syncer = self._walker if self.list_walk and self._walker else DirectorySync(self.client, self.cache)
        work = self._then_flags(syncer.run(self._progress, self._cancel), self.cache, self._cancel)
        self._sync_task = self.start(work, on_done=self._sync_done, on_error=self._sync_failed)
        self._sync_task.add_done_callback(self._sync_ended)
        self.on_sync_running(True)  # `syncing` says so already to whoever it tells

    async def _then_flags(self, sync: Any, cache: DirectoryCache, cancel: asyncio.Event) -> Any:
        """The sync, then (for staff) the screening flags and the recredentialing clocks, so that the worklist's
        screening and recredentialing queues read them offline too. A provider's cache never holds any: the
        server answers staff only."""
        result = await sync
        if self.user.role.is_staff and not self.list_walk and not cancel.is_set():
            flags = await self.client.all_screening_flags()
            await asyncio.to_thread(replace_flags, cache, flags)
            clocks = await self.client.all_recredentialing_clocks()
            await asyncio.to_thread(replace_clocks, cache, clocks)
        return result

    def show_own_change(self, provider: Provider) -> None:
        """Write a record the server has just returned (the user's own decision or edit) into the cache
        now, so every view shows it at once; the sync that follows confirms it."""
        cache = self.cache
        if cache is None or self._closed or cache.size() == 0:  # nothing shown yet: the sync fills it
            self.sync_now()
            return
        record = provider.model_dump(mode="json")
        self.start(asyncio.to_thread(CacheWriter(cache).put, [record]), on_done=self._own_change_written)

    def keep_profile(self, provider: Provider) -> None:
        """Keep the signed-in provider's profile as just loaded, for My Profile offline (once the
        cache is open, when it is not yet)."""
        if self.cache is None:
            self._profile_to_keep = provider
        elif not self._closed:
            self.start(asyncio.to_thread(self.cache.keep_profile, provider))

    def kept_profile(self) -> tuple[Provider, datetime] | None:
        """The provider's profile as last kept (or its own record of the last sync), with its time."""
        return self.cache.kept_profile(self.user.provider_id) if self.cache is not None else None

    def _own_change_written(self, _result: object) -> None:
        if not self._closed:
            self.on_synced()
            self.sync_now()

    def cancel_sync(self) -> None:
        """Stop the running sync; what it applied stays, the next sync resumes from there."""
        if self._cancel is not None:
            self._cancel.set()

    def _progress(self, done: int, total: int | None) -> None:
        running = None
        with contextlib.suppress(RuntimeError):  # no loop in this thread
            running = asyncio.get_running_loop()
        if running is self._loop:
            self.on_progress(done, total)
        else:  # parsing and writing run in a worker thread
            self._loop.call_soon_threadsafe(self.on_progress, done, total)

    def _sync_done(self, _result: object) -> None:
        cancelled = self._cancel is not None and self._cancel.is_set()
        if not cancelled:
            self.last_sync = datetime.now().astimezone()
        self.on_synced()
        if cancelled and not self._closed:
            empty = self.cache is None or self.cache.size() == 0  # a first fill shows nothing until it ends
            self.on_notice(CANCELLED + (CANCELLED_EMPTY if empty else CANCELLED_PARTLY), "info")

    def _sync_failed(self, error: Exception) -> bool:
        if isinstance(error, OfflineError):
            return True  # the connectivity listener says it once
        if isinstance(error, NotFoundError) and not self.list_walk and not self._closed:
            log.info("the server has no change feed; the directory syncs by walking the list")
            self.list_walk = True
            if self.cache is not None:  # what the server lists, as `_open` would have chosen
                self.cache.viewer = Viewer(staff=True, own_id=self.user.provider_id)
            self._again = True
            return True
        if isinstance(error, ApiError) and not self._closed:
            log.warning("sync failed: %s", error.message)
            self.on_synced()  # batches applied before the failure are in the cache
            self.on_notice(NOT_SYNCED + error.message, "warning")
            return True
        return False

    def _sync_ended(self, _task: asyncio.Task[Any]) -> None:
        if self.connectivity.state is ConnectionState.SYNCING:
            self.connectivity.set(ConnectionState.ONLINE)
        self.on_sync_running(False)
        if self._again and not self._closed:
            self.sync_now()

    # ---- offline and back ----

    def _on_connectivity_changed(self, state: ConnectionState) -> None:
        if self._closed:
            return
        if state is ConnectionState.OFFLINE:
            self._went_offline()
        elif self._offline_told:  # only a probe the server answered gets here (see Connectivity)
            self._offline_told = False
            self.on_online_changed(True)
            self.on_notice(BACK_ONLINE, "success")
            self._loop.call_soon(self.sync_now)  # after the probe that told it has ended

    def _went_offline(self) -> None:
        """Say it once; the probes go on until the server answers (the window's offline bar says it for every page)."""
        if not self._offline_told:
            self._offline_told = True
            self.on_online_changed(False)

    @property
    def probing(self) -> bool:
        return self._probe_task is not None and not self._probe_task.done()

    def _probe(self) -> None:
        """Ask the server's health, unless a probe is still waiting for its answer or a sync's requests tell."""
        if self._closed or self.probing or self.syncing:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closing
            self._probe_task = self.start(self.connectivity.probe())
