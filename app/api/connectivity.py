"""Whether the server answers: online, offline or syncing, told to listeners when it changes."""
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
        """Learn from a finished request: an OfflineError means offline, anything else online."""
        if isinstance(error, OfflineError):
            self.set(ConnectionState.OFFLINE)
        elif (error is None or isinstance(error, ApiError)) and self.state is ConnectionState.OFFLINE:
            self.set(ConnectionState.ONLINE)

    async def probe(self) -> ConnectionState:
        """Ask the server's health endpoint; the state afterwards."""
        try:
            await self._client.health()
        except ApiError as error:
            self.report(error)
        else:
            self.report(None)
        return self.state
