"""Loads a page's data one load at a time into a StateView: loading, the content, or an error."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from app.api import errors
from ui.common.notify import words_for
from ui.common.tasks import TaskRunner
from ui.widgets.state_view import StateView

log = logging.getLogger(__name__)
T = TypeVar("T")


def scrolled(content: QWidget) -> QScrollArea:
    """`content` in a frameless scroll area that only scrolls vertically when it must."""
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


class PageState(StateView):
    """A StateView whose error message is never cut off.

    StateView centres its word-wrapped error label with a layout alignment, and QBoxLayout then
    sizes the label's height for the whole width (one line), so a longer message is clipped.
    Here the label gets the width its text wants (up to its maximum) and the height for it.
    """

    def show_error(self, text: str) -> None:
        super().show_error(text)
        label = self._error
        label.ensurePolished()
        width = min(label.maximumWidth(), label.fontMetrics().horizontalAdvance(text) + 8)
        label.setMinimumWidth(width)
        label.setMinimumHeight(label.heightForWidth(width))


class PageLoader(Generic[T]):
    """Fetches with `fetch()` through the task runner and hands the answer to `show`.

    A load that is running is not started again. The loading state shows only while there is no
    content yet; a reload keeps the content on screen until the answer comes. A failure shows in
    the StateView in plain words with Try again, unless an earlier answer is on screen: that one
    stays, and `stale(text)` says since when it is shown and why it is not newer (`stale(None)`
    once a newer one came). An ended session is left to the error presenter, which returns to
    sign-in.
    """

    def __init__(
        self, runner: TaskRunner, state: StateView, fetch: Callable[[], Coroutine[Any, Any, T]],
        show: Callable[[T], None], *, loading_text: str = "Loading…", failure: str = "This page could not be loaded.",
        stale: Callable[[str | None], None] | None = None,
    ) -> None:
        self._runner = runner
        self._state = state
        self._fetch = fetch
        self._show = show
        self._loading_text = loading_text
        self._failure = failure
        self._task: asyncio.Task[T] | None = None
        self._stale = stale
        self.loaded_at: datetime | None = None  # when the answer on screen came
        self.loads = 0

    @property
    def loading(self) -> bool:
        return self._task is not None and not self._task.done()

    def load(self) -> None:
        """Start a load unless one is running."""
        if self.loading:
            return
        if self._state.state != "content":
            self._state.show_loading(self._loading_text)
        self.loads += 1
        self._task = self._runner.start(self._fetch(), busy=[self._state.retry_button],
                                        on_done=self._on_load_done, on_error=self._on_load_failed)

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _on_load_done(self, result: T) -> None:
        self.loaded_at = datetime.now()
        self._show(result)
        if self._stale is not None:
            self._stale(None)

    def _on_load_failed(self, error: Exception) -> bool:
        if isinstance(error, errors.AuthenticationError):
            return False
        if isinstance(error, errors.ApiError):
            reason = error.message
        else:
            log.error("loading the page failed unexpectedly", exc_info=error)
            reason = words_for(error)[1]
        if self._stale is not None and self.loaded_at is not None and self._state.state == "content":
            self._stale(f"Shown as loaded at {self.loaded_at:%H:%M}: it could not be updated. {reason}")
            return True
        self._state.show_error(f"{self._failure} {reason}")
        return True
