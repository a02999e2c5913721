"""Failed sign-in counters (server/accounts/throttle.py) against a real server behind one proxy.

The server trusts one proxy, so each request's X-Forwarded-For value is its client address:
these tests play attackers and users at many addresses from 127.0.0.1.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.helpers.factories import register_provider, unique
from tests.helpers.live_server import DEMO_PASSWORD, LiveServer, running_server

PAIR_LIMIT = 3
ADDRESS_LIMIT = 8
STAFF_PASSWORD = "Admin-Secret-2049"
THROTTLED = "Too many failed sign-in attempts. Try again in"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"NUM_PROXIES": "1", "THROTTLE_LOGIN_FAILURES": str(PAIR_LIMIT),
           "LOGIN_ADDRESS_FAILURES": str(ADDRESS_LIMIT), "LOGIN_ADDRESS_WINDOW_SECONDS": "600"}
    with running_server(tmp_path_factory.mktemp("login-throttle"), demo_providers=5, env=env) as server:
        yield server


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture
def account(client: httpx.Client) -> dict:
    """A provider account of its own for each test: its email and password."""
    registered = register_provider(client)
    return {"email": registered["user"]["email"], "password": registered["password"]}


@pytest.fixture(scope="module")
def staff_email(server: LiveServer) -> str:
    """A superuser, who may sign in to the Django admin."""
    email = f"root.{unique()}@example.org"
    server.manage("shell", "-c", "from server.accounts.models import User\n"
                                 f"User.objects.create_superuser({email!r}, {STAFF_PASSWORD!r})")
    return email


def login(client: httpx.Client, email: str, password: str, ip: str) -> httpx.Response:
    return client.post("/auth/login/", headers={"X-Forwarded-For": ip}, json={"email": email, "password": password})


def assert_throttled(answer: httpx.Response, longest: int) -> None:
    assert answer.status_code == 429, answer.text
    wait = answer.headers["Retry-After"]
    assert 1 <= int(wait) <= longest
    assert f"{THROTTLED} {wait} seconds" in answer.text


def test_guesses_from_rotating_addresses_never_lock_the_real_user_out(client: httpx.Client, account: dict) -> None:
    email, password = account["email"], account["password"]
    for n in range(1, 13):  # twelve failures, each from another address: once a per-account delay tripped at ten
        assert login(client, email, "wrong-password", f"10.0.0.{n}").status_code == 401
        if n % 4 == 0:
            assert login(client, email, password, "10.0.9.9").status_code == 200, "the user signs in mid-attack"
    for _ in range(PAIR_LIMIT - 1):
        assert login(client, email, "wrong-password", "10.0.0.1").status_code == 401
    assert_throttled(login(client, email, "wrong-password", "10.0.0.1"), 60)
    assert login(client, email, password, "10.0.9.9").status_code == 200, "only the attacker's address waits"


def test_spraying_many_accounts_from_one_address_is_throttled_at_that_address(
    client: httpx.Client, account: dict
) -> None:
    sprayed = ["admin@demo.local", "provider@demo.local"] + [f"spray.{unique()}@example.org" for _ in range(6)]
    assert len(sprayed) == ADDRESS_LIMIT
    for email in sprayed:
        assert login(client, email, "Winter-2026!", "10.1.0.1").status_code == 401
    assert_throttled(login(client, f"spray.{unique()}@example.org", "Winter-2026!", "10.1.0.1"), 600)
    assert_throttled(login(client, account["email"], account["password"], "10.1.0.1"), 600)
    assert login(client, "admin@demo.local", "Winter-2026!", "10.1.0.2").status_code == 401, "another address"
    assert login(client, account["email"], account["password"], "10.1.0.2").status_code == 200


def test_the_throttle_answers_before_the_password_is_looked_at(client: httpx.Client, account: dict) -> None:
    for _ in range(PAIR_LIMIT):
        assert login(client, account["email"], "wrong-password", "10.2.0.1").status_code == 401
    for password in ("wrong-password", account["password"]):
        answer = login(client, account["email"], password, "10.2.0.1")
        assert_throttled(answer, 60)
        assert "access" not in answer.json(), "even the right password waits out the throttle"


def test_a_burst_of_parallel_guesses_gets_no_more_than_the_limit_checked(
    server: LiveServer, account: dict
) -> None:
    def guess(_: int) -> int:
        with server.client() as client:
            return login(client, account["email"], "wrong-password", "10.3.0.1").status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(guess, range(16)))
    assert set(statuses) == {401, 429}
    assert 1 <= statuses.count(401) <= PAIR_LIMIT, "each guess holds its place in the count before the hash"


def test_a_crowd_of_right_passwords_from_one_address_all_signs_in(
    server: LiveServer, client: httpx.Client, account: dict
) -> None:
    """Only failures count: 21 sign-ins at once from one address (7 for each of 3 accounts, above
    both limits) all get in, waiting for the checks ahead of them; failures still count after."""
    accounts = [account] + [{"email": r["user"]["email"], "password": r["password"]}
                            for r in (register_provider(client) for _ in range(2))]
    crowd = [person for person in accounts for _ in range(7)]
    assert len(crowd) > ADDRESS_LIMIT
    assert crowd.count(account) > PAIR_LIMIT

    def sign_in(person: dict) -> int:
        with server.client() as own:
            return login(own, person["email"], person["password"], "10.8.0.1").status_code

    with ThreadPoolExecutor(max_workers=len(crowd)) as pool:
        statuses = list(pool.map(sign_in, crowd))
    assert statuses == [200] * len(crowd)
    for _ in range(PAIR_LIMIT):
        assert login(client, account["email"], "wrong-password", "10.8.0.1").status_code == 401
    assert_throttled(login(client, account["email"], account["password"], "10.8.0.1"), 60)


def test_a_check_that_waits_in_vain_for_a_place_is_told_to_come_back(server: LiveServer) -> None:
    """Checks in flight hold every place of the pair: the next waits QUEUE_SECONDS, then hears why.
    In the server's own code (a manage shell), as no HTTP request can hold a check open that long."""
    script = """
from django.conf import settings
from server.accounts import throttle
throttle.QUEUE_SECONDS = 0.5
places = settings.LOGIN_FAILURES_PER_MINUTE
holding = [throttle.attempt(email="crowd@example.org", ip="10.9.0.1") for _ in range(places)]
for held in holding:
    held.__enter__().succeeded()
try:
    with throttle.attempt(email="crowd@example.org", ip="10.9.0.1"):
        print("checked")
except throttle.LoginThrottled as refused:
    print("refused", refused.wait, refused.detail)
holding[0].__exit__(None, None, None)
with throttle.attempt(email="crowd@example.org", ip="10.9.0.1") as attempt:
    attempt.succeeded()
    print("checked once a place is free")
"""
    lines = server.manage("shell", "--no-imports", "-c", script).splitlines()
    assert lines == ["refused 5 Too many sign-ins at once. Try again in 5 seconds.", "checked once a place is free"]


def test_wrong_old_passwords_count_with_the_sign_ins(client: httpx.Client, account: dict) -> None:
    ip = "10.4.0.1"
    access = login(client, account["email"], account["password"], ip).json()["access"]
    assert login(client, account["email"], "wrong-password", ip).status_code == 401
    headers = {"Authorization": f"Bearer {access}", "X-Forwarded-For": ip}
    change = {"old_password": "wrong-password", "new_password": "Amber-Harbor-7731",
              "new_password_confirm": "Amber-Harbor-7731"}
    for _ in range(PAIR_LIMIT - 1):
        answer = client.post("/auth/password/change/", headers=headers, json=change)
        assert answer.status_code == 400
        assert list(answer.json()) == ["old_password"]
    right = client.post("/auth/password/change/", headers=headers, json={**change, "old_password": account["password"]})
    assert_throttled(right, 60)
    assert_throttled(login(client, account["email"], account["password"], ip), 60)
    assert login(client, account["email"], account["password"], "10.4.0.2").status_code == 200


class AdminBrowser:
    """The Django admin's sign-in page, as a browser at `ip` sees it (cookies, CSRF token)."""

    def __init__(self, server: LiveServer, ip: str) -> None:
        self.http = httpx.Client(base_url=server.url, headers={"X-Forwarded-For": ip}, timeout=30)
        page = self.http.get("/admin/login/")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert found, page.text
        self.csrf = found.group(1)

    def sign_in(self, email: str, password: str) -> httpx.Response:
        return self.http.post("/admin/login/?next=/admin/", data={
            "csrfmiddlewaretoken": self.csrf, "username": email, "password": password, "next": "/admin/"})

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def browsers(server: LiveServer) -> Iterator[list[AdminBrowser]]:
    opened = [AdminBrowser(server, ip) for ip in ("10.5.0.1", "10.5.0.2")]
    yield opened
    for browser in opened:
        browser.close()


def test_admin_sign_in_is_throttled(browsers: list[AdminBrowser], staff_email: str) -> None:
    attacker, admin = browsers
    for _ in range(PAIR_LIMIT):
        wrong = attacker.sign_in(staff_email, "wrong-password")
        assert wrong.status_code == 200
        assert "Please enter the correct email address and password" in wrong.text
    throttled = attacker.sign_in(staff_email, STAFF_PASSWORD)
    assert throttled.status_code == 429
    assert f"{THROTTLED} {throttled.headers['Retry-After']} seconds." in throttled.text
    assert "sessionid" not in throttled.cookies
    signed_in = admin.sign_in(staff_email.upper(), STAFF_PASSWORD)
    assert signed_in.status_code == 302, "another address signs in (the email in any case)"
    assert signed_in.headers["Location"] == "/admin/"


def test_admin_and_api_share_the_counters(server: LiveServer, client: httpx.Client, staff_email: str) -> None:
    browser = AdminBrowser(server, "10.6.0.1")
    try:
        for _ in range(PAIR_LIMIT - 1):
            assert login(client, staff_email, "wrong-password", "10.6.0.1").status_code == 401
        assert browser.sign_in(staff_email, "wrong-password").status_code == 200
        assert browser.sign_in(staff_email, STAFF_PASSWORD).status_code == 429, "API failures count in the admin"
        assert_throttled(login(client, staff_email, STAFF_PASSWORD, "10.6.0.1"), 60)
    finally:
        browser.close()


def test_a_user_without_admin_access_counts_as_a_failure_there(server: LiveServer, client: httpx.Client) -> None:
    browser = AdminBrowser(server, "10.7.0.1")
    try:
        for _ in range(PAIR_LIMIT):
            answer = browser.sign_in("credentialing@demo.local", DEMO_PASSWORD)
            assert answer.status_code == 200, "not staff: the admin refuses, as for a wrong password"
        assert browser.sign_in("credentialing@demo.local", DEMO_PASSWORD).status_code == 429
    finally:
        browser.close()
    assert login(client, "credentialing@demo.local", DEMO_PASSWORD, "10.7.0.2").status_code == 200
