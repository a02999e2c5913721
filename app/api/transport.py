"""The client's one way to the server: `Caller._call` sends an endpoint's request and reads its answer.

One `httpx.AsyncClient` with separate connect and read timeouts. Idempotent requests (GET, PUT,
DELETE) retry on connection errors and 502/503/504 with backoff, a bounded number of times;
POST and PATCH never retry on their own. A refusal becomes an app error (app/api/endpoint.py,
`refusal`) after the tolerances its endpoint declares; an answer is read by the endpoint's reader.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from app.api import errors
from app.api.auth import TokenAuth
from app.api.endpoint import Endpoint, reads, refusal
from app.api.models import Page, TokenRefresh

log = logging.getLogger(__name__)
T = TypeVar("T")
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({502, 503, 504})
# bytes: a larger answer (the 175 KB OpenAPI document, a page of 500) is read in a worker thread, since
# parsing it would hold the event loop for milliseconds (tests/helpers/loop_guard.py checks the same limit)
READ_ON_LOOP_LIMIT = 64 * 1024
REFRESH = Endpoint("the token refresh", "POST", "auth/token/refresh/", reads(TokenRefresh.model_validate),
                   authed=False)


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    read: float = 30.0

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.read, pool=self.connect)


def if_match(etag: str | None) -> dict[str, str]:
    """The header that makes a change conditional on the version the user saw."""
    return {"If-Match": etag} if etag else {}


async def every_page(fetch: Callable[[int], Awaitable[Page[T]]]) -> list[T]:
    """Every result of a paged answer, `fetch(page)` from page 1 until the one without a next page."""
    found: list[T] = []
    page = 1
    while True:
        answer = await fetch(page)
        found.extend(answer.results)
        if answer.next is None:
            return found
        page += 1


class Caller:
    """Talks to one server implementing docs/api.md (ApiClient adds one method per endpoint)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeouts: Timeouts | None = None,
        retries: int = 2,
        backoff: float = 0.25,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = TokenAuth(self._refresh)
        self._retries = retries
        self._backoff = backoff
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/", timeout=(timeouts or Timeouts()).httpx(), transport=transport,
            headers={"Accept": "application/json", "User-Agent": "ProviderDesk"},
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(
        self, endpoint: Endpoint[T], *ids: str, bearer: str | None = None, json: Any = None, **request: Any
    ) -> T:
        """`endpoint`'s answer read into its value; a refusal raised as an app error.

        `ids` fill the path's "{}"; `bearer` is sent instead of the session's token (when the
        endpoint says so, only after a 401); `request` goes to httpx (params, headers, content).
        """
        path = endpoint.path.format(*ids)
        response = await self._send(endpoint, path, None if endpoint.bearer_when_asked else bearer, json=json,
                                    **request)
        if endpoint.bearer_when_asked and bearer and response.status_code == 401:
            response = await self._send(endpoint, path, bearer, json=json, **request)
        if response.status_code in endpoint.ok:
            if len(response.content) > READ_ON_LOOP_LIMIT:
                return await asyncio.to_thread(endpoint.read, endpoint.name, response)
            return endpoint.read(endpoint.name, response)
        error = refusal(endpoint, response)
        if endpoint.absent is not None and isinstance(error, errors.NotFoundError):
            return endpoint.absent
        raise error

    @contextlib.asynccontextmanager
    async def _stream(self, endpoint: Endpoint[Any]) -> AsyncIterator[AsyncIterator[bytes]]:
        """`endpoint`'s body as it arrives (decompressed chunks), refused as `_call` refuses; a
        connection lost on the way is OfflineError."""
        response = await self._send(endpoint, endpoint.path, None, stream=True)
        try:
            if response.status_code not in endpoint.ok:
                await _read_all(response)
                raise refusal(endpoint, response)
            yield _chunks(response)
        finally:
            await response.aclose()

    async def _send(
        self, endpoint: Endpoint[Any], path: str, bearer: str | None, *, stream: bool = False, **request: Any
    ) -> httpx.Response:
        """Send, with the retries the endpoint's method allows; an unreachable server is OfflineError."""
        headers = {**(request.pop("headers", None) or {}), **({"Authorization": f"Bearer {bearer}"} if bearer else {})}
        auth = self.auth if endpoint.authed and bearer is None else None
        attempts = 1 + (self._retries if endpoint.retry and endpoint.method in IDEMPOTENT else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            built = self._http.build_request(endpoint.method, path, headers=headers, **request)
            try:
                response = await self._http.send(built, auth=auth, stream=stream)
            except httpx.TransportError as error:
                if last:
                    log.info("%s %s: server unreachable (%s)", endpoint.method, path, type(error).__name__)
                    raise errors.OfflineError() from None
            else:
                if response.status_code not in RETRY_STATUSES or last:
                    return response
                await response.aclose()
            await asyncio.sleep(self._backoff * 2**attempt)
        raise AssertionError("unreachable")

    async def _refresh(self, refresh: str) -> TokenRefresh:
        """The token flow's refresh (TokenAuth calls it with the session's refresh token)."""
        return await self._call(REFRESH, json={"refresh": refresh})


async def _read_all(response: httpx.Response) -> None:
    try:
        await response.aread()
    except httpx.TransportError:
        raise errors.OfflineError() from None


async def _chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.aiter_bytes():
            yield chunk
    except httpx.TransportError:
        raise errors.OfflineError() from None
