"""The client against a server without our extensions (tests/helpers/seed_server.py): each answer read."""
from __future__ import annotations

import logging

import pytest

from app.api import errors
from app.api.capabilities import SEED_PASSWORD_CHANGE, Feature
from app.api.client import ApiClient
from app.api.models import LicenseStatus, Role
from app.session.session import Session
from app.session.token_store import KeyringTokenStore
from tests.helpers.aio import CountingTransport, run
from tests.helpers.factories import registration_fields
from tests.helpers.memory_keyring import MemoryKeyring
from tests.helpers.seed_server import SUPERUSER, SeedServer


async def signed_in(server: SeedServer) -> ApiClient:
    client = ApiClient(server.api)
    result = await client.login(server.email, server.password)
    client.auth.start(result.access, result.refresh)
    return client


def test_login_reads_nested_tokens_and_auth_user(seed_server: SeedServer) -> None:
    async def body() -> None:
        client = ApiClient(seed_server.api)
        try:
            result = await client.login(seed_server.email, seed_server.password)
            assert result.access.startswith("access-")
            assert result.refresh.startswith("refresh-")
            assert result.user.id == "2"
            assert result.user.role is Role.PROVIDER  # read from `role {"name", "permissions"}` by its name
            with pytest.raises(errors.AuthenticationError) as wrong:
                await client.login(seed_server.email, "not-it")
            assert wrong.value.message == "Invalid email or password."
        finally:
            await client.aclose()

    run(body)


def test_a_superuser_is_told_that_providerdesk_has_no_pages_for_its_role(seed_server: SeedServer) -> None:
    async def body() -> None:
        client = ApiClient(seed_server.api)
        try:
            with pytest.raises(errors.UnsupportedRoleError) as refused:
                await client.login(SUPERUSER, seed_server.password)
            assert refused.value.role == "user"
            assert refused.value.message.startswith("This account's role on this server is “user”, and "
                                                    "ProviderDesk has no pages for it")
            assert client.auth.access is None, "nothing of that sign-in is kept"
        finally:
            await client.aclose()

    run(body)


def test_an_unreadable_login_names_what_is_missing(seed_server: SeedServer, caplog: pytest.LogCaptureFixture) -> None:
    seed_server.control("broken-login")

    async def body() -> None:
        client = ApiClient(seed_server.api)
        try:
            with pytest.raises(errors.IncompatibleServerError) as error:
                await client.login(seed_server.email, seed_server.password)
            assert error.value.message == ("This server's answer to sign-in is not one ProviderDesk understands "
                                           "(no access token).")
        finally:
            await client.aclose()

    with caplog.at_level(logging.WARNING):
        run(body)
    logged = caplog.text
    assert "sign-in" in logged
    assert "'authUser': {'id': 'int'}" in logged
    assert seed_server.email not in logged


def test_validate_refresh_and_logout(seed_server: SeedServer) -> None:
    async def body() -> None:
        client = await signed_in(seed_server)
        try:
            assert client.auth.access
            assert client.auth.refresh
            checked = await client.validate_token(client.auth.access)
            assert checked.valid
            assert checked.user is None
            assert checked.user_id == 2
            assert checked.expires_at is not None
            assert checked.expires_at.year == 2030
            first = client.auth.access
            access = await client.auth.renew(first)
            assert access != first
            assert client.auth.refresh_count == 1
            with pytest.raises(errors.ValidationError) as not_ended:  # it cannot revoke (no blacklist app)
                await client.logout(client.auth.refresh, access)  # needs the bearer and refresh_token
            assert not_ended.value.message == "Invalid token"
            assert (await client.health()).status == "unknown", "no /health/ (an HTML 404): it answered"
        finally:
            await client.aclose()

    run(body)


def test_profile_dashboard_and_directory(seed_server: SeedServer) -> None:
    async def body() -> None:
        client = await signed_in(seed_server)
        try:
            profile = await client.profile()
            assert profile.etag is None
            assert profile.value.full_name == "Sam Seed"
            assert profile.value.license_status is LicenseStatus.VERIFIED  # from license_verified
            saved = await client.update_profile({"bio": "Cardiologist."}, etag=None)
            assert saved.value.bio == "Cardiologist."
            with pytest.raises(errors.ValidationError) as refused:
                await client.update_profile({"first_name": " "}, etag=None)
            assert refused.value.field_errors == {"first_name": ["This field may not be blank."]}
            dashboard = await client.provider_dashboard()
            assert dashboard.stats.total_appointments == 12
            assert dashboard.stats.upcoming_appointments == 2
            assert dashboard.stats.patients_count is None  # not counted by this server: unknown, not 0
            assert dashboard.license_status is LicenseStatus.VERIFIED  # its dashboard says nothing: the profile does
            assert dashboard.provider_profile.license_number
            page = await client.providers(page_size=100)
            assert page.count == 46
            assert len(page.results) == 20
            assert page.results[0].license_status is None
            assert page.results[0].professional_role is None
            hits = await client.search_providers("first0")
            assert [h.full_name for h in hits][:2] == ["Dr. First01 Last01", "Dr. First02 Last02"]
            hospitals = await client.hospitals()
            assert hospitals.results[0].provider_count is None, "not counted by this server: unknown, not 0"
            listed = await client.providers_by_hospital(hospitals.results[0].id)
            assert listed
            assert all(p.full_name for p in listed)
            detail = await client.provider(page.results[0].id)
            assert detail.value.first_name
            assert detail.value.license_status is None
        finally:
            await client.aclose()

    run(body)


def test_registration_sends_a_username_and_loads_the_profile(seed_server: SeedServer) -> None:
    async def body() -> None:
        client = ApiClient(seed_server.api)
        try:
            form = {**registration_fields(email="new.doc@example.org"), "username": ""}
            form.pop("years_of_experience", None)
            result = await client.register(form)
            assert result.user.email == "new.doc@example.org"
            assert result.user.username == "new.doc"
            assert result.profile is not None
            assert result.profile.email == "new.doc@example.org"
            with pytest.raises(errors.ValidationError) as again:
                await client.register({**form, "consultation_fee": ""})
            assert "email" in again.value.field_errors
            assert again.value.field_errors["consultation_fee"] == ["A valid number is required."]
        finally:
            await client.aclose()

    run(body)


def test_a_second_registrant_with_the_same_email_name_gets_a_free_username(seed_server: SeedServer) -> None:
    """The seed's backend requires a username: a blank one is made from the email, and one already
    taken (jane@a, then jane@b) is made again with a number, never refused on the field the user left
    blank; a username the user chose and another holds is refused as the server says."""
    async def body() -> None:
        client = ApiClient(seed_server.api)
        try:
            first = {**registration_fields(email="jane@first.example.org"), "username": ""}
            assert (await client.register(first)).user.username == "jane"
            second = {**registration_fields(email="jane@second.example.org"), "username": ""}
            made = (await client.register(second)).user.username
            assert made.startswith("jane")
            assert made != "jane"
            chosen = {**registration_fields(email="jane@third.example.org"), "username": "jane"}
            with pytest.raises(errors.ValidationError) as taken:
                await client.register(chosen)
            assert taken.value.field_errors["username"] == ["A user with that username already exists."]
        finally:
            await client.aclose()

    run(body)


def test_capabilities_and_restore(seed_server: SeedServer, memory_keyring: MemoryKeyring) -> None:
    async def body() -> None:
        transport = CountingTransport()
        client = ApiClient(seed_server.api, transport=transport)
        store = KeyringTokenStore()
        session = Session(client, store)
        try:
            await session.login(seed_server.email, seed_server.password, remember=True)
            caps = session.capabilities
            assert caps.source == "schema"  # its OpenAPI document, as that backend publishes one
            # its appointments are its patient accounts' own bookings, not a schedule staff book (no patient_contact)
            assert caps.missing == {Feature.CHANGE_FEED, Feature.STAFF_DASHBOARD, Feature.WORKLIST,
                                    Feature.UPLOADS, Feature.CONFLICTS, Feature.APPOINTMENTS}
            assert caps.reason(Feature.CONFLICTS) == ("This server does not report changes made meanwhile: "
                                                      "the last save wins.")
            assert caps.logout_needs_bearer, "its schema says sign-out takes only an authenticated caller"
            again = Session(ApiClient(seed_server.api), store)
            user = await again.restore()
            assert user is not None
            assert user.email == seed_server.email
            assert user.id == "2"
            await again.client.aclose()
            not_ended = await session.logout()
            assert transport.paths["/api/v1/auth/logout/"] == 1, "one request: the bearer sent at once"
            assert not_ended is not None
            assert not_ended.startswith("You are signed out on this computer, but the server did not end the "
                                        "session (it answered: Invalid token)")
            assert session.user is None
        finally:
            await client.aclose()

    run(body)


def test_password_change_at_its_own_path(seed_server: SeedServer, memory_keyring: MemoryKeyring) -> None:
    async def body() -> None:
        client = ApiClient(seed_server.api)
        session = Session(client, KeyringTokenStore())
        try:
            await session.login(seed_server.email, seed_server.password)
            assert session.capabilities.password_path == SEED_PASSWORD_CHANGE
            with pytest.raises(errors.ValidationError) as wrong:
                await session.change_password("not-it-2026", "Bright-Lantern-4821", "Bright-Lantern-4821")
            assert wrong.value.field_errors == {"old_password": ["Current password is incorrect."]}
            with pytest.raises(errors.ValidationError) as differ:
                await session.change_password(seed_server.password, "Bright-Lantern-4821", "Bright-Lantern-4822")
            assert differ.value.non_field_errors == ["New passwords don't match."]
            access = client.auth.access
            await session.change_password(seed_server.password, "Bright-Lantern-4821", "Bright-Lantern-4821")
            assert client.auth.access == access, "no new session there: the same tokens go on"
            assert (await client.profile()).value.email == seed_server.email
            again = ApiClient(seed_server.api)
            try:
                assert (await again.login(seed_server.email, "Bright-Lantern-4821")).user.email == seed_server.email
            finally:
                await again.aclose()
        finally:
            await client.aclose()

    run(body)


def test_the_health_probe_fetches_no_404_page_after_the_first(seed_server: SeedServer) -> None:
    async def body() -> None:
        transport = CountingTransport()
        client = ApiClient(seed_server.api, transport=transport)
        try:
            for _ in range(3):
                assert (await client.health()).status == "unknown"
            assert transport.paths["/api/v1/health/"] == 1, "its 404 page fetched once, to learn it is missing"
            assert transport.paths["/api/v1/auth/login/"] == 2, "then an OPTIONS: no 405 in the server's log"
            seed_server.process.terminate()
            seed_server.process.wait()
            with pytest.raises(errors.OfflineError):
                await client.health()
        finally:
            await client.aclose()

    run(body)
