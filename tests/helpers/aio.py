"""Running the core's coroutines in tests, and a transport that counts what it sends."""
from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

T = TypeVar("T")
# A bound against a hang, not a measure: a passing test never waits it out, and a machine at load 20
# runs a test ten times slower than a quiet one (pytest-timeout ends any test at 900 s).
WAIT_LIMIT = 60.0


async def wait_until(predicate: Callable[[], object], limit: float = WAIT_LIMIT, what: str = "condition") -> None:
    """Poll `predicate` on the running loop for at most `limit` seconds (never a blocking wait)."""
    deadline = asyncio.get_running_loop().time() + limit
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def run(body: Callable[[], Awaitable[T]]) -> T:
    """Run an async test body on a fresh event loop (one AsyncClient must not span loops)."""
    async def main() -> T:
        return await body()

    return asyncio.run(main())


class CountingTransport(httpx.AsyncHTTPTransport):
    """The real HTTP transport, counting requests by path and noting how each failed one failed."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: Counter[str] = Counter()
        self.failures: list[type[BaseException]] = []

    @property
    def attempts(self) -> int:
        return sum(self.paths.values())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths[request.url.path] += 1
        try:
            return await super().handle_async_request(request)
        except httpx.TransportError as error:
            self.failures.append(type(error))
            raise
