"""Sessions: login with "remember me", restore at start, logout, throttling, offline, restarts."""
from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path

import httpx
import keyring
import pytest
from keyring.backends import fail

from app.api import errors
from app.api.client import ApiClient, Timeouts
from app.api.models import Role
from app.session.session import Session
from app.session.token_store import KeyringTokenStore, MemoryTokenStore, system_token_store
from tests.helpers.aio import CountingTransport, run
from tests.helpers.live_server import DEMO_PASSWORD, LiveServer, running_server, start_server
from tests.helpers.memory_keyring import MemoryKeyring


def new_session(server: LiveServer, store: object | None = None) -> Session:
    return Session(ApiClient(server.api), store or KeyringTokenStore())  # type: ignore[arg-type]


def test_login_remembered_and_restored(live_server: LiveServer, memory_keyring: MemoryKeyring) -> None:
    async def body() -> None:
        first = new_session(live_server)
        user = await first.login("Provider@Demo.Local", DEMO_PASSWORD, remember=True)
        assert user.role is Role.PROVIDER
        assert first.role is Role.PROVIDER
        stored = [v for (service, _), v in memory_keyring.passwords.items() if service == "ProviderDesk"]
        assert first.client.auth.refresh in stored, "the refresh token is in the keyring"
        assert first.client.auth.access not in stored, "the access token never leaves memory"
        await first.client.aclose()
        second = new_session(live_server)
        restored = await second.restore()
        assert restored is not None
        assert restored.email == "provider@demo.local"
        assert (await second.client.profile()).value.email == "provider@demo.local"
        await second.logout()
        await second.client.aclose()
        assert not [k for k in memory_keyring.passwords if "provider@demo.local" in k[1]]
        third = new_session(live_server)
        assert await third.restore() is None
        await third.client.aclose()

    run(body)


def test_not_remembered_leaves_the_keyring_empty(live_server: LiveServer, memory_keyring: MemoryKeyring) -> None:
    async def body() -> None:
        session = new_session(live_server)
        await session.login("admin@demo.local", DEMO_PASSWORD, remember=False)
        assert memory_keyring.passwords == {}
        await session.client.aclose()

    run(body)


def test_insecure_keyring_persists_nothing_and_says_why(caplog: pytest.LogCaptureFixture) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with caplog.at_level(logging.INFO, logger="app.session.token_store"):
            store = system_token_store()
    finally:
        keyring.set_keyring(previous)
    assert isinstance(store, MemoryTokenStore)
    assert not store.persistent
    assert store.reason
    assert "keyring" in store.reason
    # what it means for the user in plain words; the backend's name is for the log only
    assert "cannot keep you signed in after you quit" in store.reason
    assert "keyring.backends" not in store.reason
    assert "fail.Keyring" not in store.reason
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any("keyring.backends.fail.Keyring" in text for text in infos), "the backend is named in the log"


def test_logout_wipes_locally_when_the_server_is_gone(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    server = start_server(tmp_path / "data", demo_providers=3)

    async def body() -> None:
        session = new_session(server)
        await session.login("admin@demo.local", DEMO_PASSWORD, remember=True)
        refresh = session.client.auth.refresh
        assert refresh in memory_keyring.passwords.values()
        server.stop()
        await session.logout()
        assert memory_keyring.passwords == {}
        assert session.user is None
        with pytest.raises(errors.AuthenticationError):
            await session.client.providers()
        await session.client.aclose()

    try:
        run(body)
    finally:
        server.stop()


def test_restore_after_a_server_restart(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    data = tmp_path / "data"

    async def login() -> None:
        session = new_session(server)
        await session.login("credentialing@demo.local", DEMO_PASSWORD, remember=True)
        await session.client.providers()
        await session.client.aclose()

    async def restore() -> None:
        session = new_session(server)
        user = await session.restore()
        assert user is not None
        assert user.role is Role.CREDENTIALING_OFFICER
        assert (await session.client.providers()).count > 0
        await session.client.aclose()

    server = start_server(data, demo_providers=3)
    port = int(server.url.rsplit(":", 1)[1])
    try:
        run(login)
    finally:
        server.stop()
    server = start_server(data, demo_providers=3, port=port)
    try:
        run(restore)
    finally:
        server.stop()


def test_embedded_server_is_known_by_a_stable_name(live_server: LiveServer, memory_keyring: MemoryKeyring) -> None:
    async def body() -> None:
        first = Session(ApiClient(live_server.api), KeyringTokenStore(), server_key="embedded")
        await first.login("admin@demo.local", DEMO_PASSWORD, remember=True)
        await first.client.aclose()
        assert all(name.startswith("embedded|") for _, name in memory_keyring.passwords)
        second = Session(ApiClient(live_server.api), KeyringTokenStore(), server_key="embedded")
        assert await second.restore() is not None
        await second.client.aclose()

    run(body)


def test_client_survives_a_restart_between_two_calls(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = start_server(data, demo_providers=3)
    port = int(server.url.rsplit(":", 1)[1])

    async def body() -> None:
        nonlocal server
        client = ApiClient(server.api)
        result = await client.login("admin@demo.local", DEMO_PASSWORD)
        client.auth.start(result.access, result.refresh)
        before = await client.providers()
        server.stop()
        with pytest.raises(errors.OfflineError):
            await client.providers()
        server = await asyncio.to_thread(start_server, data, demo_providers=3, port=port)
        after = await client.providers()
        assert after.count == before.count
        await client.aclose()

    try:
        run(body)
    finally:
        server.stop()


def test_server_down_is_offline_after_the_tries_it_is_allowed() -> None:
    """No wall-clock bound (a busy machine is slow, not wrong): what is counted is the tries. A closed
    port refuses at once, so going offline costs only the backoff between the allowed tries."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def body() -> None:
        transport = CountingTransport()
        client = ApiClient(f"http://127.0.0.1:{port}/api/v1", timeouts=Timeouts(connect=1.0, read=2.0),
                           retries=1, backoff=0.1, transport=transport)
        with pytest.raises(errors.OfflineError):
            await client.health()
        assert transport.attempts == 1, "the health probe is tried once"
        with pytest.raises(errors.OfflineError):
            await client.openapi_schema()
        assert transport.attempts == 1 + 2, "a read is tried again once (retries=1)"
        with pytest.raises(errors.OfflineError):
            await client.login("a@b.org", "x")
        assert transport.attempts == 3 + 1, "a sign-in is never sent twice"
        assert set(transport.failures) == {httpx.ConnectError}
        await client.aclose()

    run(body)


def test_unroutable_server_times_out_as_offline() -> None:
    async def body() -> None:
        # a listening socket that never accepts: connect succeeds at TCP level only up to the backlog,
        # so the read times out; the client must call that offline, not hang
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(0)
            port = silent.getsockname()[1]
            transport = CountingTransport()
            client = ApiClient(f"http://127.0.0.1:{port}/api/v1", timeouts=Timeouts(connect=0.5, read=0.5),
                               retries=0, transport=transport)
            with pytest.raises(errors.OfflineError):
                await client.health()
            assert transport.attempts == 1
            assert transport.failures in ([httpx.ReadTimeout], [httpx.ConnectTimeout]), \
                "the client's own timeout ended the wait (the test's bound is only against a hang)"
            await client.aclose()

    run(body)


@pytest.fixture(scope="module")
def throttled_server(tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    env = {"THROTTLE_ANON": "300/minute", "THROTTLE_USER": "6000/minute"}
    with running_server(tmp_path_factory.mktemp("throttled"), demo_providers=3, env=env) as server:
        yield server  # type: ignore[misc]


def test_throttled_login_says_how_long_to_wait(throttled_server: LiveServer) -> None:
    async def body() -> None:
        session = new_session(throttled_server, MemoryTokenStore())
        for _ in range(5):
            with pytest.raises(errors.AuthenticationError):
                await session.login("admin@demo.local", "wrong")
        with pytest.raises(errors.RateLimitedError) as throttled:
            await session.login("admin@demo.local", DEMO_PASSWORD)
        assert 1 <= throttled.value.retry_after <= 60
        assert str(throttled.value.retry_after) in throttled.value.message
        await session.client.aclose()

    run(body)
