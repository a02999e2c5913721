"""Password change (`POST /auth/password/change/`) and administrators setting a password: every
earlier token of the account stops working at once."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest

from tests.helpers.factories import register_provider, unique
from tests.helpers.live_server import ROOT, LiveServer, SignIns

NEW_PASSWORD = "Amber-Harbor-7731"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def change(anon: httpx.Client, access: str, old: str, new: str = NEW_PASSWORD, confirm: str | None = None
           ) -> httpx.Response:
    body = {"old_password": old, "new_password": new, "new_password_confirm": new if confirm is None else confirm}
    return anon.post("/auth/password/change/", headers=bearer(access), json=body)


def assert_ended(anon: httpx.Client, pair: dict) -> None:
    assert anon.get("/auth/provider/profile/", headers=bearer(pair["access"])).status_code == 401
    assert anon.post("/auth/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 401


def assert_live(anon: httpx.Client, pair: dict) -> None:
    assert anon.get("/auth/provider/profile/", headers=bearer(pair["access"])).status_code == 200
    assert anon.post("/auth/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 200


def test_change_answers_a_new_session_and_ends_every_earlier_one(anon: httpx.Client, live_server: LiveServer) -> None:
    account = register_provider(anon)
    email = account["user"]["email"]
    elsewhere = live_server.login(email, account["password"])
    answer = change(anon, account["access"], account["password"])
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"access", "refresh"}
    assert_ended(anon, account)
    assert_ended(anon, elsewhere)
    assert_live(anon, answer.json())
    assert anon.post("/auth/login/", json={"email": email, "password": account["password"]}).status_code == 401
    assert live_server.login(email, NEW_PASSWORD)["user"]["email"] == email


def test_wrong_old_password_is_a_field_error(anon: httpx.Client) -> None:
    account = register_provider(anon)
    answer = change(anon, account["access"], "not-my-password")
    assert answer.status_code == 400
    assert set(answer.json()) == {"old_password"}
    assert answer.json()["old_password"][0]
    assert_live(anon, account)


def test_mismatched_confirmation_is_a_field_error(anon: httpx.Client) -> None:
    account = register_provider(anon)
    answer = change(anon, account["access"], account["password"], confirm=NEW_PASSWORD + "x")
    assert answer.status_code == 400
    assert answer.json() == {"new_password_confirm": ["Passwords do not match"]}
    assert_live(anon, account)


@pytest.mark.parametrize("weak", ["password123", "short1!", "84736251904", "{local}"])
def test_the_password_validators_apply(anon: httpx.Client, weak: str) -> None:
    account = register_provider(anon)
    weak = weak.format(local=account["user"]["email"].split("@")[0])
    answer = change(anon, account["access"], account["password"], new=weak)
    assert answer.status_code == 400
    assert set(answer.json()) == {"new_password"}
    assert all(isinstance(message, str) and message for message in answer.json()["new_password"])
    assert_live(anon, account)


def test_missing_fields_and_anonymous(anon: httpx.Client, tokens: SignIns) -> None:
    empty = anon.post("/auth/password/change/", headers=bearer(tokens["provider"]), json={})
    assert empty.status_code == 400
    assert set(empty.json()) == {"old_password", "new_password", "new_password_confirm"}
    nobody = anon.post("/auth/password/change/", json={"old_password": "a", "new_password": NEW_PASSWORD,
                                                         "new_password_confirm": NEW_PASSWORD})
    assert nobody.status_code == 401
    assert set(nobody.json()) == {"detail"}


def test_staff_change_their_own_password_too(anon: httpx.Client, live_server: LiveServer) -> None:
    email = f"officer.{unique()}@example.org"
    live_server.manage("shell", "-c", "from server.accounts.models import User\n"
                                      f"User.objects.create_user({email!r}, 'Old-Lantern-4410', "
                                      "role='credentialing_officer')")
    pair = live_server.login(email, "Old-Lantern-4410")
    answer = change(anon, pair["access"], "Old-Lantern-4410")
    assert answer.status_code == 200
    assert anon.get("/providers/", headers=bearer(pair["access"])).status_code == 401
    assert anon.get("/providers/", headers=bearer(answer.json()["access"])).status_code == 200


def _manage_changepassword(server: LiveServer, email: str, password: str) -> None:
    """`manage changepassword EMAIL`, typing the password twice at its prompts.

    In a session of its own the command has no terminal, so getpass reads standard input.
    """
    env = {**os.environ, "PROVIDERDESK_DATA_DIR": str(server.data_dir)}
    if server.database_url:
        env["DATABASE_URL"] = server.database_url
    subprocess.run([sys.executable, "-m", "server", "manage", "changepassword", email], cwd=ROOT, env=env,
                   input=f"{password}\n{password}\n", capture_output=True, text=True, timeout=120, check=True,
                   start_new_session=True)


def test_manage_changepassword_ends_the_sessions(anon: httpx.Client, live_server: LiveServer) -> None:
    account = register_provider(anon)
    _manage_changepassword(live_server, account["user"]["email"], NEW_PASSWORD)
    assert_ended(anon, account)
    assert_live(anon, live_server.login(account["user"]["email"], NEW_PASSWORD))


def test_an_administrator_setting_a_password_in_the_django_admin_ends_the_sessions(
    anon: httpx.Client, live_server: LiveServer
) -> None:
    account = register_provider(anon)
    root = f"root.{unique()}@example.org"
    live_server.manage("shell", "-c", "from server.accounts.models import User\n"
                                      f"User.objects.create_superuser({root!r}, 'Admin-Secret-2049')")
    with httpx.Client(base_url=live_server.url, timeout=30) as browser:
        page = browser.get("/admin/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert csrf
        signed_in = browser.post("/admin/login/", data={
            "csrfmiddlewaretoken": csrf.group(1), "username": root, "password": "Admin-Secret-2049", "next": "/admin/"})
        assert signed_in.status_code == 302, signed_in.text
        form_url = f"/admin/accounts/user/{account['user']['id']}/password/"
        form = browser.get(form_url)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert csrf, form.text
        saved = browser.post(form_url, data={"csrfmiddlewaretoken": csrf.group(1), "usable_password": "true",
                                             "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert saved.status_code == 302, saved.text
    assert_ended(anon, account)
    assert_live(anon, live_server.login(account["user"]["email"], NEW_PASSWORD))


def refused_words(anon: httpx.Client, pair: dict) -> tuple[str, str]:
    """What a client with `pair` is told by a request and by a refresh, both refused."""
    request = anon.get("/auth/provider/profile/", headers=bearer(pair["access"]))
    refresh = anon.post("/auth/token/refresh/", json={"refresh": pair["refresh"]})
    assert (request.status_code, refresh.status_code) == (401, 401), (request.text, refresh.text)
    return request.json()["detail"], refresh.json()["detail"]


def test_a_refused_session_is_told_why_it_ended(anon: httpx.Client, admin: httpx.Client,
                                                live_server: LiveServer) -> None:
    """The desktop shows these words as they are: a new password elsewhere, a sign-out, a deactivation
    (issue 22, item 1: "You are signed out." was all a provider read after a password change elsewhere)."""
    account = register_provider(anon)
    elsewhere = live_server.login(account["user"]["email"], account["password"])
    assert change(anon, account["access"], account["password"]).status_code == 200
    for words in refused_words(anon, elsewhere):
        assert words.startswith("Your password was changed on another computer"), words

    signed_out = live_server.login(account["user"]["email"], NEW_PASSWORD)
    assert anon.post("/auth/logout/", json={"refresh": signed_out["refresh"]}).status_code in (200, 204, 205)
    assert refused_words(anon, signed_out)[0] == "This session was signed out. Sign in again."

    deactivated = live_server.login(account["user"]["email"], NEW_PASSWORD)
    assert admin.delete(f"/providers/{account['profile']['id']}/").status_code == 204
    for words in refused_words(anon, deactivated):
        assert words == "Your account has been deactivated. Ask a facility administrator."
