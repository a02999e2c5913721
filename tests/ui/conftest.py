"""Fixtures of the UI tests: one qasync event loop on pytest-qt's QApplication, themed."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from ui.common.event_loop import close_abandoned_generators_on
from ui.common.theme import apply_theme

LOOP_ERRORS: list[dict[str, Any]] = []


@pytest.fixture(scope="session")
def loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """The qasync loop all UI tests run on (one AsyncClient must never span loops)."""
    qapp.setQuitOnLastWindowClosed(False)
    apply_theme(qapp, dark=False)
    event_loop = qasync.QEventLoop(qapp)
    close_abandoned_generators_on(event_loop)
    event_loop.set_exception_handler(lambda _loop, context: LOOP_ERRORS.append(context))
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()  # joins the loop's worker threads (asyncio.to_thread)


@pytest.fixture(autouse=True)
def no_loop_errors() -> Iterator[None]:
    """An exception in a task's callback (say, an answer handled after its widget was deleted) is
    logged by asyncio, never raised into the test: fail the test on it instead."""
    LOOP_ERRORS.clear()
    yield
    errors = [f"{c.get('message')}: {c.get('exception')!r}" for c in LOOP_ERRORS]
    LOOP_ERRORS.clear()
    assert not errors, "errors on the event loop:\n" + "\n".join(errors)
