"""Token refresh: ahead of expiry, on a 401, one at a time, with and without rotation."""
from __future__ import annotations

import asyncio

import pytest

from app.api import errors
from app.api.client import ApiClient
from tests.helpers.aio import CountingTransport, run
from tests.helpers.live_server import DEMO_PASSWORD, LiveServer

REFRESH_PATH = "/api/v1/auth/token/refresh/"


async def signed_in(server: LiveServer, transport: CountingTransport) -> ApiClient:
    client = ApiClient(server.api, transport=transport)
    result = await client.login("credentialing@demo.local", DEMO_PASSWORD)
    client.auth.start(result.access, result.refresh)
    return client


def test_refreshes_when_the_token_expires(short_server: LiveServer) -> None:
    async def body() -> None:
        transport = CountingTransport()
        client = await signed_in(short_server, transport)
        try:
            first = client.auth.access
            await client.providers()
            await asyncio.sleep(2.2)
            await client.providers()
            assert transport.paths[REFRESH_PATH] == 1
            assert client.auth.access != first
        finally:
            await client.aclose()

    run(body)


def test_ten_concurrent_requests_cause_one_refresh(short_server: LiveServer) -> None:
    async def body() -> None:
        transport = CountingTransport()
        client = await signed_in(short_server, transport)
        try:
            await asyncio.sleep(2.2)
            pages = await asyncio.gather(*(client.providers(page_size=2) for _ in range(10)))
            assert all(page.count > 0 for page in pages)
            assert transport.paths[REFRESH_PATH] == 1
        finally:
            await client.aclose()

    run(body)


def test_a_401_is_refreshed_once_and_retried(short_server: LiveServer) -> None:
    async def body() -> None:
        transport = CountingTransport()
        client = await signed_in(short_server, transport)
        try:
            # a token the server refuses although its clock says it is fresh
            assert client.auth.access
            client.auth.access = client.auth.access[:-4] + "AAAA"
            page = await client.providers()
            assert page.count > 0
            assert transport.paths[REFRESH_PATH] == 1
            assert transport.paths["/api/v1/providers/"] == 2
        finally:
            await client.aclose()

    run(body)


@pytest.mark.parametrize("server_name", ["short_server", "rotating_short_server"])
def test_rotation_is_followed_and_saved_first(server_name: str, request: pytest.FixtureRequest) -> None:
    server: LiveServer = request.getfixturevalue(server_name)

    async def body() -> None:
        transport = CountingTransport()
        client = await signed_in(server, transport)
        saved: list[str] = []

        async def save(token: str) -> None:
            saved.append(token)

        client.auth.on_rotated = save
        first_refresh = client.auth.refresh
        try:
            for _ in range(2):
                await asyncio.sleep(2.2)
                await client.providers()
            assert transport.paths[REFRESH_PATH] == 2
            if server_name == "rotating_short_server":
                assert len(saved) == 2
                assert client.auth.refresh == saved[-1] != first_refresh
            else:
                assert saved == []
                assert client.auth.refresh == first_refresh
        finally:
            await client.aclose()

    run(body)


def test_refused_refresh_ends_the_session_for_everyone(short_server: LiveServer) -> None:
    async def body() -> None:
        transport = CountingTransport()
        client = await signed_in(short_server, transport)
        ended: list[str] = []
        client.auth.on_ended = lambda words: ended.append(words)
        try:
            refresh = client.auth.refresh
            assert refresh
            other = ApiClient(short_server.api)
            await other.logout(refresh)
            await other.aclose()
            await asyncio.sleep(2.2)
            outcomes = await asyncio.wait_for(
                asyncio.gather(*(client.providers() for _ in range(5)), return_exceptions=True), timeout=10)
            assert all(isinstance(o, errors.AuthenticationError) for o in outcomes)
            assert ended == ["This session was signed out. Sign in again."], "the listener hears it once, with why"
            assert transport.paths[REFRESH_PATH] == 1
            with pytest.raises(errors.AuthenticationError):
                await client.providers()
        finally:
            await client.aclose()

    run(body)
