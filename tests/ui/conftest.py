"""Fixtures of the UI tests: one qasync event loop on pytest-qt's QApplication, themed."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from ui.theme import apply_theme


@pytest.fixture(scope="session")
def loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """The qasync loop all UI tests run on (one AsyncClient must never span loops)."""
    qapp.setQuitOnLastWindowClosed(False)
    apply_theme(qapp, dark=False)
    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()  # joins the loop's worker threads (asyncio.to_thread)
