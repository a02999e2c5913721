"""Passwords are stored with Argon2id (server/accounts/hashers.py); one stored by Django's PBKDF2 before
still signs in, and is stored again with Argon2id, without ending the account's other sessions."""
from __future__ import annotations

import httpx

from tests.helpers.factories import register_provider
from tests.helpers.live_server import LiveServer

ARGON2ID = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


def _stored_hash(server: LiveServer, email: str) -> str:
    out = server.manage("shell", "-c", (
        "from server.accounts.models import User\n"
        f"print('HASH=' + User.objects.get(email='{email}').password)"))
    return next(line for line in out.splitlines() if line.startswith("HASH=")).removeprefix("HASH=")


def test_a_new_password_is_stored_with_argon2id(live_server: LiveServer, anon: httpx.Client) -> None:
    account = register_provider(anon)
    assert _stored_hash(live_server, account["user"]["email"]).startswith(ARGON2ID)


def test_a_pbkdf2_password_signs_in_and_is_stored_again_with_argon2id(live_server: LiveServer,
                                                                       anon: httpx.Client) -> None:
    account = register_provider(anon, password="Amber-Lantern-2047", password_confirm="Amber-Lantern-2047")
    email = account["user"]["email"]
    live_server.manage("shell", "-c", (  # as an earlier version stored it (no session ends: not a new password)
        "from django.contrib.auth.hashers import make_password\n"
        "from server.accounts.models import User\n"
        f"User.objects.filter(email='{email}').update(password=make_password('Amber-Lantern-2047', "
        "hasher='pbkdf2_sha256'))"))
    assert _stored_hash(live_server, email).startswith("pbkdf2_sha256$")
    signed_in = anon.post("/auth/login/", json={"email": email, "password": "Amber-Lantern-2047"})
    assert signed_in.status_code == 200, signed_in.text
    assert _stored_hash(live_server, email).startswith(ARGON2ID), "upgraded at the sign-in"
    for token in (account["access"], signed_in.json()["access"]):  # the upgrade ended no session
        assert anon.get("/auth/provider/profile/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert anon.post("/auth/login/", json={"email": email, "password": "Amber-Lantern-2047"}).status_code == 200
    assert anon.post("/auth/login/", json={"email": email, "password": "wrong-password-1"}).status_code == 401
