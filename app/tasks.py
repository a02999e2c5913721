"""Kept tasks: a coroutine started here is held until it ends, its outcome told to the connection
tracker (which learns only "unreachable" from it), and its error passed to the caller's `on_error`
or, unhandled, to one place.

The desktop's task runner (ui/common/tasks.py) builds on it with busy widgets and the error
presenter; Qt-free code (the directory service, scripts, tests) uses it as it is.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol, TypeVar

from app.api.connectivity import Connectivity

log = logging.getLogger(__name__)
T = TypeVar("T")


class Start(Protocol):
    """Runs a coroutine as a kept task: `on_done(result)`, or `on_error(error)` (True: handled)."""

    def __call__(self, coroutine: Coroutine[Any, Any, T], *, on_done: Callable[[T], None] | None = None,
                 on_error: Callable[[Exception], bool] | None = None) -> asyncio.Task[T]: ...


class TaskKeeper:
    """A `Start`: keeps each task until it ends and says how it went.

    `unhandled(error)` receives the errors no `on_error` handled; without it they are logged and
    kept in `unhandled_errors`.
    """

    def __init__(self, connectivity: Connectivity | None = None, *,
                 unhandled: Callable[[Exception], None] | None = None) -> None:
        self.connectivity = connectivity
        self.tasks: set[asyncio.Task[Any]] = set()
        self.unhandled_errors: list[Exception] = []
        self._unhandled = unhandled

    @property
    def running(self) -> int:
        return len(self.tasks)

    def __call__(self, coroutine: Coroutine[Any, Any, T], *, on_done: Callable[[T], None] | None = None,
                 on_error: Callable[[Exception], bool] | None = None,
                 on_ended: Callable[[], None] | None = None) -> asyncio.Task[T]:
        """Start `coroutine`; `on_ended()` runs first when it ends, however it ends (cancelled too)."""
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(lambda ended: self._ended(ended, on_done, on_error, on_ended))
        return task

    def _ended(self, task: asyncio.Task[Any], on_done: Callable[[Any], None] | None,
               on_error: Callable[[Exception], bool] | None, on_ended: Callable[[], None] | None) -> None:
        self.tasks.discard(task)
        if on_ended is not None:
            on_ended()
        if task.cancelled():
            return
        error = task.exception()
        if self.connectivity is not None:
            self.connectivity.report(error)
        if error is None:
            if on_done is not None:
                on_done(task.result())
        elif not isinstance(error, Exception):
            raise error
        elif on_error is None or not on_error(error):
            if self._unhandled is not None:
                self._unhandled(error)
            else:
                log.error("task failed: %r", error)
                self.unhandled_errors.append(error)

    def cancel_all(self) -> None:
        for task in list(self.tasks):
            task.cancel()
