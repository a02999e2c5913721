"""The message bar: what goes by itself, what stays, several messages at once, in its place below a page.

Messages are shown in a window on the offscreen platform; time is shortened by patching the
durations, never measured.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from app.api import errors
from tests.helpers.qt import run_ui, wait_until
from tests.helpers.text_fit import covered
from ui.common import notify
from ui.common.notify import ErrorPresenter, MessageBar

SHORT = {"info": 150, "success": 150, "warning": 150, "error": 150}


@pytest.fixture
def page() -> Iterator[tuple[QWidget, QLineEdit, MessageBar]]:
    """A window whose page starts with a field, the bar in its place below the page."""
    window = QWidget()
    column = QVBoxLayout(window)
    host = QWidget()
    column.addWidget(host, 1)
    inner = QVBoxLayout(host)
    field = QLineEdit()
    inner.addWidget(field)
    inner.addStretch(1)
    bar = MessageBar()
    column.addWidget(bar)
    window.resize(700, 400)
    window.show()
    yield window, field, bar
    window.close()
    window.deleteLater()


def test_a_message_covers_nothing_and_moves_nothing_above_it(
    loop: asyncio.AbstractEventLoop, page: tuple[QWidget, QLineEdit, MessageBar], monkeypatch: pytest.MonkeyPatch,
) -> None:
    window, field, bar = page
    monkeypatch.setattr(notify, "HIDE_AFTER_MS", SHORT)

    async def body() -> None:
        await asyncio.sleep(0.05)
        before = field.mapTo(window, field.rect().topLeft())
        bar.show_message("Saved. " * 40, "success")  # long enough to wrap
        await asyncio.sleep(0.05)
        assert bar.isVisible()
        assert bar.height() > 40, "its wrapped lines are all there"
        assert field.mapTo(window, field.rect().topLeft()) == before
        assert not covered(window, bar), "in its own place, over no control"
        await wait_until(lambda: not bar.isVisible(), what="the success message going")
        assert field.mapTo(window, field.rect().topLeft()) == before

    run_ui(loop, body)


def test_an_important_message_stays_after_a_transient_one_went(
    loop: asyncio.AbstractEventLoop, page: tuple[QWidget, QLineEdit, MessageBar], monkeypatch: pytest.MonkeyPatch,
) -> None:
    _window, _field, bar = page
    monkeypatch.setattr(notify, "HIDE_AFTER_MS", SHORT)

    async def body() -> None:
        bar.show_message("The directory could not be synced.", "warning")
        bar.show_message("Saved.", "success")
        assert bar.messages == [("The directory could not be synced.", "warning"), ("Saved.", "success")]
        assert bar.text == "Saved.", "the latest"
        await wait_until(lambda: len(bar.messages) == 1, what="the success message going")
        await asyncio.sleep(0.4)  # more than twice the warning's (patched) time
        assert bar.isVisible()
        assert bar.messages == [("The directory could not be synced.", "warning")]
        bar.rows()[0].dismiss.click()
        assert not bar.isVisible()

    run_ui(loop, body)


def test_two_important_messages_both_reach_the_user(
    loop: asyncio.AbstractEventLoop, page: tuple[QWidget, QLineEdit, MessageBar],
) -> None:
    _window, _field, bar = page
    first, second = "This computer has no secure password store.", "3 licenses expire within 30 days."

    async def body() -> None:
        bar.show_message(first, "warning")
        top = bar.rows()[0].mapTo(bar, bar.rows()[0].rect().topLeft())
        bar.show_message(second, "warning")
        bar.show_message(first, "warning")  # said again: still once
        await asyncio.sleep(0.05)
        rows = bar.rows()
        assert [row.text for row in rows] == [first, second]
        assert all(row.isVisible() for row in rows)
        assert rows[0].mapTo(bar, rows[0].rect().topLeft()) == top, "the first stays where it is read"
        rows[0].dismiss.click()
        assert bar.messages == [(second, "warning")]
        assert bar.isVisible()

    run_ui(loop, body)


def test_errors_stay_and_offline_goes_by_itself(
    loop: asyncio.AbstractEventLoop, page: tuple[QWidget, QLineEdit, MessageBar], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The offline bar says offline steadily; the presenter's word about one failed action goes."""
    window, _field, bar = page
    monkeypatch.setattr(notify, "HIDE_AFTER_MS", SHORT)
    presenter = ErrorPresenter(bar, window)

    async def body() -> None:
        presenter.show(errors.OfflineError("down"))
        presenter.show(errors.ConflictError("Someone else changed this provider."))
        assert len(bar.messages) == 2
        await wait_until(lambda: len(bar.messages) == 1, what="the offline word going")
        await asyncio.sleep(0.4)
        assert bar.messages == [("Someone else changed this provider.", "error")]

    run_ui(loop, body)


def test_the_messages_that_stay_go_to_the_pinned_bar(
    loop: asyncio.AbstractEventLoop, page: tuple[QWidget, QLineEdit, MessageBar],
) -> None:
    _window, _field, bar = page
    pinned = MessageBar()

    async def body() -> None:
        bar.keep_staying_in(pinned)
        bar.show_message("Saved.", "success")
        bar.show_message("The export could not be written.", "error")
        assert [row.text for row in pinned.rows()] == ["The export could not be written."]
        assert bar.messages == [("The export could not be written.", "error"), ("Saved.", "success")]

    run_ui(loop, body)
