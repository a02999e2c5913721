"""The bearer-token flow of every authenticated request: refresh ahead of expiry and on a 401.

One refresh runs at a time however many requests wait for it (an asyncio.Lock); the others
reuse its result. When the server rotates refresh tokens, the new one is handed to
`on_rotated` (which saves it) before the lock is released, so nobody uses the old one again.
When the refresh itself is refused the session ends: `on_ended` is called once, and every
waiting or later request fails with AuthenticationError instead of hanging.

A request that ends every earlier token and answers a new pair (a password change) runs through
`exchange`, holding the same lock: no refresh with the old token can start while it is on its way
(the server would refuse it and end the session), and requests refused meanwhile wait for it and
are retried with the new access token.
"""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator

import httpx

from app.api.errors import AuthenticationError
from app.api.models import TokenRefresh

log = logging.getLogger(__name__)

Refresher = Callable[[str], Awaitable[TokenRefresh]]
Exchange = Callable[[str], Awaitable[tuple[str, str]]]


def token_claims(token: str) -> dict[str, object]:
    """The payload of a JWT, unverified (the server verifies; the client only reads `exp`)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


class TokenAuth(httpx.Auth):
    """httpx authentication with the session's access and refresh tokens."""

    def __init__(self, refresher: Refresher, *, clock: Callable[[], float] = time.time) -> None:
        self._refresher = refresher
        self._clock = clock
        self._lock = asyncio.Lock()
        self.access: str | None = None
        self.refresh: str | None = None
        self.ended = True
        self.on_rotated: Callable[[str], Awaitable[None]] | None = None
        self.on_ended: Callable[[str], None] | None = None
        self.refresh_count = 0

    def start(self, access: str, refresh: str) -> None:
        """Begin a session with a fresh token pair."""
        self.access, self.refresh, self.ended = access, refresh, False

    def resume(self, refresh: str) -> None:
        """Begin with a stored refresh token only; the first request refreshes."""
        self.access, self.refresh, self.ended = None, refresh, False

    def clear(self) -> None:
        """Forget the tokens (logout); later requests fail with AuthenticationError."""
        self.access = self.refresh = None
        self.ended = True

    def _expires_soon(self, token: str) -> bool:
        claims = token_claims(token)
        exp, iat = _number(claims.get("exp")), _number(claims.get("iat"))
        if exp is None:
            return False
        lifetime = exp - iat if iat is not None else 900.0
        margin = min(30.0, max(lifetime * 0.2, 0.0))
        return self._clock() >= exp - margin

    async def access_token(self) -> str:
        """A token that is not about to expire, refreshing first when it is."""
        token = self.access
        if self.ended:
            raise AuthenticationError()
        if token is None or self._expires_soon(token):
            return await self.renew(token)
        return token

    async def renew(self, stale: str | None) -> str:
        """Refresh once for everyone holding `stale`; later callers get the new token."""
        async with self._lock:
            if self.ended or self.refresh is None:
                raise AuthenticationError()
            if self.access is not None and self.access != stale and not self._expires_soon(self.access):
                return self.access
            try:
                answer = await self._refresher(self.refresh)
            except AuthenticationError as refused:
                self._end(refused.message)
                raise
            self.refresh_count += 1
            if answer.refresh and answer.refresh != self.refresh:
                self.refresh = answer.refresh
                if self.on_rotated is not None:
                    await self.on_rotated(answer.refresh)
            self.access = answer.access
            log.debug("access token refreshed")
            return answer.access

    async def exchange(self, call: Exchange) -> None:
        """Run `call(access)`, a request answering a new (access, refresh) pair that replaces every
        earlier token, and adopt the pair at once (`on_rotated` saves the refresh token).

        Refreshes wait until it is done; when `call` raises, the tokens stay as they were.
        """
        await self.access_token()  # a fresh access token first: the lock below forbids refreshing
        async with self._lock:
            if self.ended or self.access is None:
                raise AuthenticationError()
            access, refresh = await call(self.access)
            self.access, self.refresh = access, refresh
            if self.on_rotated is not None:
                await self.on_rotated(refresh)
            log.debug("new session adopted; the earlier tokens are void")

    def _end(self, words: str) -> None:
        """`words`: the server's reason (a new password elsewhere, a deactivation), told to the user."""
        was_ended = self.ended
        self.clear()
        if not was_ended and self.on_ended is not None:
            log.info("session ended: the server refused the refresh token")
            self.on_ended(words)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.access_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            await response.aread()
            token = await self.renew(token)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("TokenAuth works with httpx.AsyncClient only")
