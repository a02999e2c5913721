"""The one way from a click to the network: start a coroutine, keep it, show busy, route errors.

Every coroutine a widget starts goes through `TaskRunner.start`. It keeps a reference to the task
(nothing is fire-and-forget), disables the given widgets until the task ends, hands the outcome
to the connection tracker, and passes any error to `on_error` or else to the error presenter.
`cancel_all` runs when the owner closes.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.api.connectivity import Connectivity

log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskRunner(QObject):
    """Runs coroutines for widgets.

    Signals:
        failed(object): an exception nobody handled; the presenter shows it.
        busy_changed(bool): whether any task is running.
    """

    failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, connectivity: Connectivity | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.connectivity = connectivity
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def running(self) -> int:
        return len(self._tasks)

    def start(
        self,
        coroutine: Coroutine[Any, Any, T],
        *,
        busy: Iterable[QWidget] = (),
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[Exception], bool] | None = None,
    ) -> asyncio.Task[T]:
        """Run `coroutine`; `on_done(result)` or `on_error(error)` (True: handled) afterwards."""
        widgets = [w for w in busy if w.isEnabled()]
        for widget in widgets:
            widget.setEnabled(False)
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        if len(self._tasks) == 1:
            self.busy_changed.emit(True)
        task.add_done_callback(lambda done: self._finished(done, widgets, on_done, on_error))
        return task

    def _finished(
        self, task: asyncio.Task[Any], widgets: list[QWidget], on_done: Callable[[Any], None] | None,
        on_error: Callable[[Exception], bool] | None,
    ) -> None:
        self._tasks.discard(task)
        for widget in widgets:
            with contextlib.suppress(RuntimeError):  # the widget was deleted meanwhile
                widget.setEnabled(True)
        if not self._tasks:
            self.busy_changed.emit(False)
        if task.cancelled():
            return
        error = task.exception()
        if self.connectivity is not None:
            self.connectivity.report(error)
        if error is None:
            if on_done is not None:
                on_done(task.result())
            return
        if not isinstance(error, Exception):
            raise error
        if on_error is not None and on_error(error):
            return
        self.failed.emit(error)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
