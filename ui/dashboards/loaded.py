"""A page that shows one answer of the server, loaded each time the page is shown.

Loading, the content, an empty state and an error with Try again come from `PageState` and
`PageLoader`; a subclass says what to fetch (`_fetch`), how to show it (`_show`) and fills the
scrolling column that `_set_up` returns.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ui.common.labels import plain_label
from ui.common.tasks import TaskRunner
from ui.widgets.page import Page
from ui.widgets.page_loader import PageLoader, PageState, scrolled


class LoadedPage(Page):
    """The scaffolding of a dashboard-like page; see the module's docstring."""

    state: PageState
    loader: PageLoader[Any]
    unavailable: str | None = None  # why the server cannot give this page (capabilities.py): said instead

    def _set_up(self, runner: TaskRunner, *, loading_text: str, failure: str, empty_text: str = "Nothing here yet."
                ) -> QVBoxLayout:
        """Build the states and the loader (loading through `runner`); the content's column, to be filled
        by the subclass.

        The column's widget already has its parents then, so each widget added is styled once.
        """
        content = QWidget()
        self.state = PageState(scrolled(content), retry=self._on_state_retry, empty_text=empty_text)
        self.loader = PageLoader(runner, self.state, self._fetch, self._show, loading_text=loading_text,
                                 failure=failure, stale=self._on_loader_stale)
        # offline, the last answer stays with its time (it went blank: "could not be loaded")
        self.stale_note = plain_label(role="muted", wrap=True, name="Shown as of")
        self.stale_note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state)
        column = QVBoxLayout(content)
        column.setContentsMargins(20, 16, 20, 20)
        column.setSpacing(14)
        column.addWidget(self.stale_note)
        return column

    def _on_loader_stale(self, text: str | None) -> None:
        self.stale_note.setText(text or "")
        self.stale_note.setVisible(text is not None)

    async def _fetch(self) -> Any:
        raise NotImplementedError

    def _show(self, answer: Any) -> None:
        raise NotImplementedError

    def activate(self) -> None:
        if self.unavailable is not None:
            self.state.show_empty(self.unavailable)
            return
        self.loader.load()

    def shutdown(self) -> None:
        self.loader.cancel()

    def _on_state_retry(self) -> None:
        self.loader.load()


def card_row(cards: Iterable[QWidget]) -> QHBoxLayout:
    """Number cards side by side, sharing the width."""
    row = QHBoxLayout()
    row.setSpacing(12)
    for card in cards:
        row.addWidget(card, 1)
    return row
