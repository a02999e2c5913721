"""What the server offers: our server's schema says everything; a schema without paths says what is gone."""
from __future__ import annotations

from app.api.capabilities import SEED_PASSWORD_CHANGE, Feature, from_schema, learn
from app.api.client import ApiClient
from tests.helpers.aio import run
from tests.helpers.live_server import DEMO_PASSWORD, LiveServer


def test_our_server_offers_everything(live_server: LiveServer) -> None:
    async def body() -> None:
        client = ApiClient(live_server.api)
        try:
            result = await client.login("provider@demo.local", DEMO_PASSWORD)
            client.auth.start(result.access, result.refresh)
            found = await learn(client, provider=True)
            assert found.source == "schema"
            assert found.missing == frozenset()
            assert all(found.reason(f) is None for f in Feature)
            assert found.password_ends_other_sessions
            assert not found.logout_needs_bearer, "ours ends a session with an expired access token too"
        finally:
            await client.aclose()

    run(body)


def test_a_schema_without_our_extensions() -> None:
    document = {"openapi": "3.0.3", "paths": {"/api/v1/auth/login/": {}, "/api/v1/providers/": {},
                                              "/api/v1/providers/{id}/": {}}}
    found = from_schema(document)
    assert found.missing == set(Feature)
    assert found.reason(Feature.STAFF_DASHBOARD) == "This server has no staff dashboard."
    assert found.reason(Feature.PASSWORD_CHANGE) == ("This server offers no way to change a password: "
                                                     "ask its administrator.")


def test_the_seed_backends_own_password_change() -> None:
    found = from_schema({"openapi": "3.0.3", "paths": {"/api/v1/auth/change-password/": {"post": {}}}})
    assert Feature.PASSWORD_CHANGE not in found.missing
    assert found.password_path == SEED_PASSWORD_CHANGE
    assert not found.password_ends_other_sessions
