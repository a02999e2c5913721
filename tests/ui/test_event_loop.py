"""qasync's loop with the async-generator hook (ui/common/event_loop.py): an abandoned generator is closed
by a task on the loop, where httpx can clean up, not by the garbage collector outside any task."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from tests.helpers.qt import run_ui, wait_until


def test_an_abandoned_async_generator_is_closed_by_a_task_on_the_loop(loop: asyncio.AbstractEventLoop) -> None:
    closed_in: list[str] = []
    held: list[AsyncIterator[bytes]] = []

    async def stream() -> AsyncIterator[bytes]:
        try:
            while True:
                yield b"chunk"
        finally:
            try:  # httpx's cleanup needs a task (anyio's cancel scope): where is this one closed?
                closed_in.append("a task" if asyncio.current_task() is not None else "no task")
            except RuntimeError:
                closed_in.append("no running loop")

    async def begin() -> None:
        chunks = stream()
        await chunks.__anext__()  # begun, never finished nor closed
        held.append(chunks)

    run_ui(loop, begin)
    held.clear()  # abandoned between two runs of the loop, as the garbage collector may do at any time

    async def closed() -> None:
        await wait_until(lambda: closed_in, what="the generator to be closed")

    run_ui(loop, closed)
    assert closed_in == ["a task"]
