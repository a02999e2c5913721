"""What qasync's event loop leaves out: closing abandoned async generators on the loop.

asyncio's own loops install async-generator hooks when they run; qasync's does not. Without them an
async generator left unfinished (the response stream of a download cancelled half-way, say) is closed
by the garbage collector wherever it happens to run, outside any task, where httpx cannot clean up its
connection ("Exception ignored in: <async_generator ... HTTP11ConnectionByteStream.__aiter__>",
NoEventLoopError). With the hook, such a generator is closed by a task on the loop, as asyncio does.
"""
from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncGenerator
from typing import Any


def close_abandoned_generators_on(loop: asyncio.AbstractEventLoop) -> None:
    """From now on, async generators first iterated on any thread are closed on `loop` when abandoned."""
    def finalizer(generator: AsyncGenerator[Any, Any]) -> None:
        if not loop.is_closed():
            loop.call_soon_threadsafe(lambda: loop.create_task(generator.aclose()))

    sys.set_asyncgen_hooks(finalizer=finalizer)
