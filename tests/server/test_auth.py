"""Sign-in, tokens, sessions and the brute-force defences, against real server processes."""
from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.factories import create_provider, register_provider
from tests.helpers.live_server import LiveServer, running_server

INVALID = {"detail": "Invalid email or password."}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_login_answers_tokens_and_the_user(anon: httpx.Client) -> None:
    answer = anon.post("/auth/login/", json={"email": "Admin@Demo.Local ", "password": "demo-pass-2026"})
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access", "refresh", "user",  # the guide's, and the seed backend's beside them:
                         "message", "tokens", "authUser", "userProfile", "role"}
    assert set(body["user"]) == {"id", "email", "username", "first_name", "last_name", "role", "provider_id"}
    assert body["user"]["role"] == "facility_admin"
    assert body["user"]["provider_id"] is None


def test_login_answers_as_the_seed_backend_too(anon: httpx.Client) -> None:
    """What clients written against the seed guide's backend read (its test scripts, section 13): purely added."""
    body = anon.post("/auth/login/", json={"email": "provider@demo.local", "password": "demo-pass-2026"}).json()
    assert body["message"] == "Login successful"
    assert body["tokens"] == {"access": body["access"], "refresh": body["refresh"]}
    assert body["authUser"] == {**body["user"], "roles": ["provider"], "permissions": body["role"]["permissions"]}
    assert body["role"]["name"] == "provider"
    assert body["role"]["permissions"] == {"can_view_own_data": True, "can_edit_own_profile": True,
                                           "can_view_directory": True}
    assert body["userProfile"] is None
    registered = register_provider(anon)
    assert registered["message"] == "Healthcare provider registered successfully"
    assert registered["userProfile"] == registered["profile"]
    assert registered["tokens"] == {"access": registered["access"], "refresh": registered["refresh"]}
    assert registered["role"]["name"] == "provider"


def test_provider_login_names_its_provider(anon: httpx.Client) -> None:
    account = register_provider(anon)
    answer = anon.post("/auth/login/", json={"email": account["user"]["email"], "password": account["password"]})
    assert answer.json()["user"]["provider_id"] == account["profile"]["id"]
    assert answer.json()["user"]["role"] == "provider"


@pytest.mark.parametrize(
    ("email", "password"),
    [("admin@demo.local", "wrong-password"), ("nobody@demo.local", "demo-pass-2026"), ("", ""), ("x", "y")],
)
def test_wrong_pair_says_nothing_about_which_part(anon: httpx.Client, email: str, password: str) -> None:
    answer = anon.post("/auth/login/", json={"email": email, "password": password})
    if email and password:
        assert answer.status_code == 401
        assert answer.json() == INVALID
    else:
        assert answer.status_code == 400


def test_validate_accepts_access_tokens_only(anon: httpx.Client, live_server: LiveServer) -> None:
    pair = live_server.login("credentialing@demo.local")
    by_header = anon.post("/auth/token/validate/", headers=bearer(pair["access"]))
    assert by_header.status_code == 200
    assert by_header.json()["valid"] is True
    assert by_header.json()["user"]["role"] == "credentialing_officer"
    assert by_header.json()["expires_at"].endswith(("Z", "+00:00"))
    by_body = anon.post("/auth/token/validate/", json={"token": pair["access"]})
    assert by_body.status_code == 200
    for token in (pair["refresh"], "garbage", pair["access"][:-3] + "abc", ""):
        answer = anon.post("/auth/token/validate/", json={"token": token})
        assert answer.status_code == 401, token
        assert answer.json()["valid"] is False
        assert answer.json()["detail"]


def test_logout_ends_refresh_and_access_of_that_session_only(anon: httpx.Client, live_server: LiveServer) -> None:
    account = register_provider(anon)
    other = live_server.login(account["user"]["email"], account["password"])
    answer = anon.post("/auth/logout/", headers=bearer(account["access"]), json={"refresh": account["refresh"]})
    assert answer.status_code == 200
    assert anon.get("/auth/provider/profile/", headers=bearer(account["access"])).status_code == 401
    assert anon.post("/auth/token/refresh/", json={"refresh": account["refresh"]}).status_code == 401
    assert anon.get("/auth/provider/profile/", headers=bearer(other["access"])).status_code == 200


def test_logout_accepts_refresh_token_key(anon: httpx.Client, live_server: LiveServer) -> None:
    pair = live_server.login("credentialing@demo.local")
    answer = anon.post("/auth/logout/", headers=bearer(pair["access"]), json={"refresh_token": pair["refresh"]})
    assert answer.status_code == 200
    assert anon.post("/auth/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 401
    assert anon.get("/providers/", headers=bearer(pair["access"])).status_code == 401


def test_deactivated_provider_loses_every_token(anon: httpx.Client, admin: httpx.Client) -> None:
    account = register_provider(anon)
    assert admin.delete(f"/providers/{account['profile']['id']}/").status_code == 204
    assert anon.get("/auth/provider/profile/", headers=bearer(account["access"])).status_code == 401
    assert anon.post("/auth/token/refresh/", json={"refresh": account["refresh"]}).status_code == 401
    login = anon.post("/auth/login/", json={"email": account["user"]["email"], "password": account["password"]})
    assert login.status_code == 401
    assert login.json() == INVALID


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "Bearer", "eyJhbGciOiJub25lIn0.eyJ1c2VyX2lkIjoxfQ."])
def test_garbage_tokens_are_401(anon: httpx.Client, token: str) -> None:
    answer = anon.get("/providers/", headers=bearer(token))
    assert answer.status_code == 401
    assert set(answer.json()) <= {"detail", "code"}
    assert answer.json().get("code", "token_not_valid") == "token_not_valid", "the seed backend's code, when any"
    refused = anon.post("/auth/token/refresh/", json={"refresh": token})
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"


def test_the_document_reads_as_pages_too(live_server: LiveServer) -> None:
    """`/api/docs/` and `/api/redoc/`, where the seed guide's backend has them."""
    for page in ("/api/docs/", "/api/redoc/"):
        answer = httpx.get(f"{live_server.url}{page}", timeout=10)
        assert answer.status_code == 200, page
        assert answer.headers["Content-Type"].startswith("text/html")
        assert "/api/schema/" in answer.text


def test_refresh_without_rotation_answers_access_only(anon: httpx.Client, live_server: LiveServer) -> None:
    pair = live_server.login("admin@demo.local")
    first = anon.post("/auth/token/refresh/", json={"refresh": pair["refresh"]})
    assert first.status_code == 200
    assert set(first.json()) == {"access"}
    second = anon.post("/auth/token/refresh/", json={"refresh": pair["refresh"]})
    assert second.status_code == 200, "without rotation the first refresh token stays usable"
    assert anon.get("/providers/", headers=bearer(first.json()["access"])).status_code == 200


@pytest.fixture(scope="module")
def rotating_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"JWT_ROTATE_REFRESH_TOKENS": "1", "JWT_ACCESS_LIFETIME_SECONDS": "2", "JWT_REFRESH_LIFETIME_SECONDS": "6"}
    with running_server(tmp_path_factory.mktemp("rotating"), demo_providers=5, env=env) as server:
        yield server


def test_rotation_answers_a_new_refresh_and_kills_the_old(rotating_server: LiveServer) -> None:
    pair = rotating_server.login("admin@demo.local")
    with rotating_server.client() as anon:
        answer = anon.post("/auth/token/refresh/", json={"refresh": pair["refresh"]})
        assert answer.status_code == 200
        assert set(answer.json()) == {"access", "refresh"}
        new = answer.json()["refresh"]
        assert anon.post("/auth/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 401
        assert anon.post("/auth/token/refresh/", json={"refresh": new}).status_code == 200
        rotated = anon.post("/auth/token/refresh/", json={"refresh": new})
        assert rotated.status_code == 401, "the second use of a rotated token is refused"


def test_logout_with_rotation_blacklists(rotating_server: LiveServer) -> None:
    pair = rotating_server.login("admin@demo.local")
    with rotating_server.client() as anon:
        new = anon.post("/auth/token/refresh/", json={"refresh": pair["refresh"]}).json()
        logout = anon.post("/auth/logout/", headers=bearer(new["access"]), json={"refresh": new["refresh"]})
        assert logout.status_code == 200
        assert anon.post("/auth/token/refresh/", json={"refresh": new["refresh"]}).status_code == 401
        assert anon.get("/providers/", headers=bearer(new["access"])).status_code == 401


def test_tokens_expire_on_time(rotating_server: LiveServer) -> None:
    pair = rotating_server.login("credentialing@demo.local")
    with rotating_server.client() as anon:
        assert anon.get("/providers/", headers=bearer(pair["access"])).status_code == 200
        time.sleep(2.5)
        expired = anon.get("/providers/", headers=bearer(pair["access"]))
        assert expired.status_code == 401
        assert anon.post("/auth/token/validate/", json={"token": pair["access"]}).status_code == 401
        assert anon.post("/auth/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 200
        time.sleep(4)
        assert anon.post("/auth/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 401


@pytest.fixture(scope="module")
def throttled_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"THROTTLE_ANON": "300/minute", "THROTTLE_USER": "6000/minute", "THROTTLE_REGISTER": "3/hour",
           "NUM_PROXIES": "1"}
    with running_server(tmp_path_factory.mktemp("throttled"), demo_providers=5, env=env) as server:
        yield server


def _attempt(client: httpx.Client, ip: str, password: str = "wrong-password") -> httpx.Response:
    return client.post("/auth/login/", headers={"X-Forwarded-For": ip},
                       json={"email": "provider@demo.local", "password": password})


def test_login_throttle_per_email_and_address(throttled_server: LiveServer) -> None:
    with throttled_server.client() as anon:
        for _ in range(5):
            assert _attempt(anon, "10.0.0.1").status_code == 401
        throttled = _attempt(anon, "10.0.0.1", "demo-pass-2026")
        assert throttled.status_code == 429, "even the right password waits out the throttle"
        assert 1 <= int(throttled.headers["Retry-After"]) <= 60
        assert throttled.headers["Retry-After"] in throttled.json()["detail"]
        assert _attempt(anon, "10.0.0.2", "demo-pass-2026").status_code == 200, "another address is not blocked"


def test_registration_throttled_per_address(throttled_server: LiveServer) -> None:
    from tests.helpers.factories import registration_fields

    with throttled_server.client() as anon:
        statuses = [
            anon.post("/auth/provider/register/", headers={"X-Forwarded-For": "10.2.0.1"},
                      json=registration_fields()).status_code
            for _ in range(4)
        ]
        assert statuses == [201, 201, 201, 429]
        other = anon.post("/auth/provider/register/", headers={"X-Forwarded-For": "10.2.0.2"},
                          json=registration_fields())
        assert other.status_code == 201


def test_staff_cannot_create_provider_accounts_by_registering_twice(anon: httpx.Client, admin: httpx.Client) -> None:
    created = create_provider(admin)
    answer = anon.post("/auth/provider/register/", json={
        **{k: created[k] for k in ("professional_title", "first_name", "last_name", "organization_facility",
                                   "professional_role")},
        "email": created["email"].upper(), "license_number": "  " + created["license_number"].lower() + " ",
        "password": "Quiet-River-2049", "password_confirm": "Quiet-River-2049",
    })
    assert answer.status_code == 400
    assert answer.json()["email"] == ["A provider with this email address already exists"]
    assert answer.json()["license_number"] == ["A provider with this license number already exists"]
