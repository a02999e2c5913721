"""Changing the password over the real server: the session goes on with the new tokens at once."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from app.api import errors
from app.api.client import ApiClient
from app.session.session import Session
from app.session.token_store import KeyringTokenStore
from tests.helpers.aio import run
from tests.helpers.factories import register_provider
from tests.helpers.live_server import LiveServer
from tests.helpers.memory_keyring import MemoryKeyring

NEW_PASSWORD = "Bright-Lantern-4821"


def fresh_account(server: LiveServer) -> tuple[str, str]:
    """A newly registered provider's (email, password): the demo accounts keep theirs."""
    with server.client() as anon:
        account = register_provider(anon)
    return account["user"]["email"], account["password"]


def refused(server: LiveServer, *, refresh: str | None = None, access: str | None = None) -> bool:
    """Whether the server refuses this refresh token (at refresh) or access token (at the profile)."""
    with server.client(access) as client:
        if refresh is not None:
            return client.post("/auth/token/refresh/", json={"refresh": refresh}).status_code == 401
        return client.get("/auth/provider/profile/").status_code == 401


def test_change_password_goes_on_with_the_new_session(live_server: LiveServer, memory_keyring: MemoryKeyring) -> None:
    email, password = fresh_account(live_server)

    async def body() -> None:
        session = Session(ApiClient(live_server.api), KeyringTokenStore())
        await session.login(email, password, remember=True)
        old_access, old_refresh = session.client.auth.access, session.client.auth.refresh
        await session.change_password(password, NEW_PASSWORD, NEW_PASSWORD)
        auth = session.client.auth
        assert auth.refresh not in (None, old_refresh)
        assert auth.access not in (None, old_access)
        assert refused(live_server, refresh=old_refresh), "the old refresh token is dead"
        assert refused(live_server, access=old_access), "the old access token is dead at once"
        assert (await session.client.profile()).value.email == email, "the session keeps working"
        assert auth.refresh_count == 0, "no refresh was needed: the new access token was used"
        assert auth.refresh in memory_keyring.passwords.values(), "the keyring holds the new refresh token"
        assert old_refresh not in memory_keyring.passwords.values()
        assert session.user is not None
        assert session.user.email == email
        await session.client.aclose()
        restored = Session(ApiClient(live_server.api), KeyringTokenStore())
        assert await restored.restore() is not None, "the next start resumes with the new refresh token"
        await restored.client.aclose()

    run(body)
    with pytest.raises(httpx.HTTPStatusError):
        live_server.login(email, password)
    assert live_server.login(email, NEW_PASSWORD)["access"]


def test_refreshes_afterwards_use_the_new_refresh_token(short_server: LiveServer) -> None:
    email, password = fresh_account(short_server)

    async def body() -> None:
        session = Session(ApiClient(short_server.api), KeyringTokenStore(MemoryKeyring()))
        await session.login(email, password, remember=False)
        await session.change_password(password, NEW_PASSWORD, NEW_PASSWORD)
        await asyncio.sleep(2.2)  # the access token (2 s) has expired: the next call refreshes
        assert (await session.client.profile()).value.email == email
        assert session.client.auth.refresh_count == 1
        assert session.user is not None, "the session did not end"
        await session.client.aclose()

    run(body)


def test_requests_in_flight_during_the_change_are_retried_with_the_new_tokens(live_server: LiveServer) -> None:
    email, password = fresh_account(live_server)
    ended: list[str] = []

    async def body() -> None:
        session = Session(ApiClient(live_server.api), KeyringTokenStore(MemoryKeyring()))
        session.on_ended(lambda words: ended.append(words))
        await session.login(email, password)
        reads = [session.client.profile() for _ in range(6)]
        results = await asyncio.gather(session.change_password(password, NEW_PASSWORD, NEW_PASSWORD), *reads,
                                       *[session.client.profile() for _ in range(6)])
        assert all(r.value.email == email for r in results[1:])
        assert (await session.client.providers()).count >= 1
        await session.client.aclose()

    run(body)
    assert ended == [], "the session never ended"


def test_not_remembered_keeps_nothing(live_server: LiveServer, memory_keyring: MemoryKeyring) -> None:
    email, password = fresh_account(live_server)

    async def body() -> None:
        session = Session(ApiClient(live_server.api), KeyringTokenStore())
        await session.login(email, password, remember=False)
        await session.change_password(password, NEW_PASSWORD, NEW_PASSWORD)
        await session.client.aclose()

    run(body)
    assert memory_keyring.passwords == {}


@pytest.mark.parametrize(("old", "new", "again", "field"), [
    ("wrong-password-1", NEW_PASSWORD, NEW_PASSWORD, "old_password"),
    (None, "short", "short", "new_password"),
    (None, "password123", "password123", "new_password"),  # too common
    (None, "8675309123457", "8675309123457", "new_password"),  # entirely numeric
    (None, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password_confirm"),
    (None, "EMAIL", "EMAIL", "new_password"),  # too similar to the email
])
def test_refusals_name_their_field_and_change_nothing(
    live_server: LiveServer, old: str | None, new: str, again: str, field: str
) -> None:
    email, password = fresh_account(live_server)
    new, again = (email if value == "EMAIL" else value for value in (new, again))

    async def body() -> None:
        session = Session(ApiClient(live_server.api), KeyringTokenStore(MemoryKeyring()))
        await session.login(email, password)
        tokens = session.client.auth.access, session.client.auth.refresh
        with pytest.raises(errors.ValidationError) as refusal:
            await session.change_password(old or password, new, again)
        assert field in refusal.value.field_errors, refusal.value.field_errors
        assert all(refusal.value.field_errors[field])
        assert (session.client.auth.access, session.client.auth.refresh) == tokens
        assert (await session.client.profile()).value.email == email, "the session goes on unchanged"
        await session.client.aclose()

    run(body)
    assert live_server.login(email, password)["access"], "the password is still the old one"


def test_an_ended_session_cannot_change_the_password(live_server: LiveServer) -> None:
    async def body() -> None:
        session = Session(ApiClient(live_server.api), KeyringTokenStore(MemoryKeyring()))
        with pytest.raises(errors.AuthenticationError):
            await session.change_password("a", NEW_PASSWORD, NEW_PASSWORD)
        await session.client.aclose()

    run(body)
