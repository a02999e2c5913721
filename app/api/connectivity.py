"""Whether the server answers: online, offline or syncing, told to listeners when it changes.

Offline is learnt from any request that could not reach the server. Back online is learnt only
from a probe that the server answered: a task that ended without an error says nothing about the
server (it may have read only this computer's copy, or handled its own failure, as a probe does).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum

from app.api.client import ApiClient
from app.api.errors import ApiError, OfflineError

log = logging.getLogger(__name__)


class ConnectionState(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    SYNCING = "syncing"


class Connectivity:
    """Tracks the connection from what requests experience, and probes it when asked."""

    def __init__(self, client: ApiClient) -> None:
        self._client = client
        self.state = ConnectionState.ONLINE
        self._listeners: list[Callable[[ConnectionState], None]] = []

    def on_change(self, listener: Callable[[ConnectionState], None]) -> None:
        self._listeners.append(listener)

    def off_change(self, listener: Callable[[ConnectionState], None]) -> None:
        """Stop telling `listener` (a window or a cache that is closing); unknown listeners are ignored."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def set(self, state: ConnectionState) -> None:
        if state is self.state:
            return
        log.info("connection: %s -> %s", self.state.value, state.value)
        self.state = state
        for listener in list(self._listeners):
            listener(state)

    def report(self, error: BaseException | None) -> None:
        """Learn from a finished task: an OfflineError means offline; nothing else changes the state.

        Neither success nor another error proves the server answered (see the module's note), so
        only `probe()` brings the state back online.
        """
        if isinstance(error, OfflineError):
            self.set(ConnectionState.OFFLINE)

    async def probe(self) -> ConnectionState:
        """Ask the server's health endpoint; the state afterwards.

        Unreachable: offline. Answered: online if it was offline (a sync that runs stays syncing).
        Any other failure (a 5xx from the server or a proxy before it) leaves the state as it was:
        offline stays offline until the server answers properly.
        """
        try:
            await self._client.health()
        except OfflineError:
            self.set(ConnectionState.OFFLINE)
        except ApiError as error:
            log.info("health probe failed: %s", error.message)
        else:
            if self.state is ConnectionState.OFFLINE:
                self.set(ConnectionState.ONLINE)
        return self.state
