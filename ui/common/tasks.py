"""The one way from a click to the network: start a coroutine, keep it, show busy, route errors.

Every coroutine a widget starts goes through `TaskRunner.start`. It keeps a reference to the task
(nothing is fire-and-forget), disables the given widgets until the task ends, hands the outcome
to the connection tracker, and passes any error to `on_error` or else to the error presenter.
`cancel_all` runs when the owner closes. When `on_done` or `on_error` is a method of a QObject (a
dialog, a page), that object owns the task: the task is cancelled when the object is destroyed, and
an answer that arrives after it is dropped, never handed to a deleted widget.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.api.connectivity import Connectivity
from app.tasks import TaskKeeper

log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskRunner(QObject):
    """Runs coroutines for widgets, on the core's `TaskKeeper`.

    Signals:
        failed(object): an exception nobody handled; the presenter shows it.
        busy_changed(bool): whether any task is running.
    """

    failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, connectivity: Connectivity | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keeper = TaskKeeper(connectivity, unhandled=self.failed.emit)

    @property
    def connectivity(self) -> Connectivity | None:
        return self._keeper.connectivity

    @connectivity.setter
    def connectivity(self, connectivity: Connectivity | None) -> None:
        self._keeper.connectivity = connectivity

    @property
    def running(self) -> int:
        return self._keeper.running

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
        owner = _owner(on_done, on_error)
        if owner is not None:
            on_done, on_error = _while_alive(owner, on_done, on_error)
        task = self._keeper(coroutine, on_done=on_done, on_error=on_error, on_ended=lambda: self._ended(widgets))
        if owner is not None:
            owner.destroyed.connect(lambda *_: task.cancel())
        if self._keeper.running == 1:
            self.busy_changed.emit(True)
        return task

    def _ended(self, widgets: list[QWidget]) -> None:
        for widget in widgets:
            with contextlib.suppress(RuntimeError):  # the widget was deleted meanwhile
                widget.setEnabled(True)
        if not self._keeper.running:
            self.busy_changed.emit(False)

    def cancel_all(self) -> None:
        self._keeper.cancel_all()



def _owner(*callbacks: Callable[..., Any] | None) -> QObject | None:
    """The QObject whose methods the callbacks are, if any: the task's owner."""
    for callback in callbacks:
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, QObject):
            return owner
    return None


def _while_alive(owner: QObject, on_done: Callable[[T], None] | None,
                 on_error: Callable[[Exception], bool] | None
                 ) -> tuple[Callable[[T], None] | None, Callable[[Exception], bool] | None]:
    """The callbacks, called only while `owner` exists (an error for a deleted owner counts as handled)."""
    def done(result: T) -> None:
        if on_done is not None and shiboken6.isValid(owner):
            on_done(result)

    def error(failure: Exception) -> bool:
        if not shiboken6.isValid(owner):
            return True
        return on_error(failure) if on_error is not None else False

    return (done if on_done is not None else None), error
