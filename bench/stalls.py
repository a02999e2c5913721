"""The event loop's longest stall, and CPU hogs beside a measurement (`--busy N`): the machine kept busy, as
a user's is while a build or a scan runs."""
from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import Iterator

HOG = "while True: pass"  # one core's worth of Python each (stress-ng --cpu N where it is installed: the same)


@contextlib.contextmanager
def cpu_hogs(count: int) -> Iterator[None]:
    """`count` processes that each keep a core busy, from entering the block to leaving it."""
    hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(count)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


class StallMeter:
    """A task ticking every 5 ms on the running loop; `worst` is the latest a tick woke (seconds)."""

    def __init__(self, tick: float = 0.005) -> None:
        self.tick, self.worst, self.ticks = tick, 0.0, 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.tick)
            self.worst = max(self.worst, loop.time() - before - self.tick)
            self.ticks += 1

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
