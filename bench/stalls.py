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


FRAME = 0.016  # a frame at 60 Hz: a tick later than this is a frame the window could not draw


class StallMeter:
    """A task ticking every 5 ms on the running loop; `worst` is the latest a tick woke (seconds), and
    `late_share` the share of ticks that came more than a frame late. The worst is what the scheduler
    does on a busy machine, an idle loop's too (a CPU hog per core: 55-99 ms at load 9); the late share
    tells a loop kept waiting all along (a worker thread holding the GIL) from one that waited once."""

    def __init__(self, tick: float = 0.005) -> None:
        self.tick, self.worst, self.ticks, self.late = tick, 0.0, 0, 0
        self._task: asyncio.Task[None] | None = None

    @property
    def late_share(self) -> float:
        return self.late / self.ticks if self.ticks else 0.0

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.tick)
            lateness = loop.time() - before - self.tick
            self.worst = max(self.worst, lateness)
            self.ticks += 1
            self.late += lateness > FRAME

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
