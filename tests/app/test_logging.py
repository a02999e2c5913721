"""No token, password or license document reaches the log file, even at DEBUG."""
from __future__ import annotations

import asyncio
import logging
import os
import stat
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from app.api.client import ApiClient, Upload
from app.logging_setup import scrub, setup_logging
from app.session.session import Session
from app.session.token_store import KeyringTokenStore, MemoryTokenStore
from tests.helpers.aio import run
from tests.helpers.factories import register_provider, registration_fields
from tests.helpers.live_server import LiveServer
from tests.helpers.memory_keyring import MemoryKeyring

DOCUMENT = b"%PDF-1.4\nSECRET-LICENSE-CONTENT-4711\n%%EOF\n"


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    path = setup_logging(tmp_path, level=logging.DEBUG)
    try:
        yield path
    finally:
        for handler in root.handlers[len(handlers):]:
            handler.close()
            root.removeHandler(handler)
        root.setLevel(level)


def test_debug_log_has_no_secrets(short_server: LiveServer, debug_log: Path) -> None:
    form = registration_fields(password="Secret-Horse-93", password_confirm="Secret-Horse-93")
    seen: dict[str, str] = {}

    async def body() -> None:
        anon = ApiClient(short_server.api)
        await anon.register(form)
        await anon.aclose()
        session = Session(ApiClient(short_server.api), MemoryTokenStore())
        await session.login(form["email"], form["password"])
        seen["access"], seen["refresh"] = session.client.auth.access or "", session.client.auth.refresh or ""
        profile = await session.client.profile()
        await session.client.update_profile({}, etag=profile.etag,
                                            document=Upload("license_document", "l.pdf", DOCUMENT, "application/pdf"))
        await asyncio.sleep(2.2)
        await session.client.profile()
        seen["renewed"] = session.client.auth.access or ""
        await session.logout()
        await session.client.aclose()

    run(body)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = debug_log.read_text()
    assert "signed in as" in text, "the log is written at all"
    assert "access token refreshed" in text
    assert seen["renewed"] != seen["access"]
    for secret in (seen["access"], seen["refresh"], seen["renewed"], form["password"], "SECRET-LICENSE-CONTENT"):
        assert secret not in text
    assert "eyJ" not in text, "no JWT of any kind"


@pytest.mark.parametrize(("line", "secret"), [
    ('{"password": "correct horse battery staple", "email_verified": true}', "horse battery staple"),
    ("{'password': 'correct horse battery staple'}", "horse"),
    ('password=correct+horse+battery+staple&next=1', "horse"),
    ("password=correct%20horse%20battery%20staple", "horse"),
    ('{"old_password": "old horse here", "new_password": "new horse here", "new_password_confirm": "new horse here"}',
     "horse"),
    ('"password_confirm" : "correct horse battery staple"', "horse"),
    ('{"refresh": "r1 r2", "access": "a1 a2", "refresh_token": "t1 t2", "token": "k1 k2"}', "1 "),
    ("refresh_token=abc.def.ghi&x=1", "abc"),
    ("Authorization: Bearer abc.def.ghi", "abc"),
    ("{'authorization': 'Bearer abc.def.ghi'}", "abc"),
    (r'{"body": "{\"password\": \"correct horse battery staple\"}"}', "horse"),
    ('password="with \\" a quote inside" tail', "quote"),
])
def test_scrub_hides_the_whole_secret(line: str, secret: str) -> None:
    cleaned = scrub(line)
    assert secret not in cleaned
    assert "correct" not in cleaned
    assert "[hidden]" in cleaned


def test_scrub_keeps_the_rest_of_the_line() -> None:
    assert scrub('{"password": "correct horse battery staple", "role": "provider"}') == \
        '{"password": "[hidden]", "role": "provider"}'
    assert scrub("password=correct+horse&next=1") == "password=[hidden]&next=1"
    assert scrub("Authorization: Bearer abc.def.ghi done") == "Authorization: Bearer [hidden] done"
    for harmless in ("access token refreshed", "connection: online -> offline", "signed in as user 1 (provider)"):
        assert scrub(harmless) == harmless


def test_scrub_hides_what_a_url_searched_for() -> None:
    line = 'HTTP Request: GET http://127.0.0.1/api/v1/providers/search/?q=ama%40example.org&limit=100 "200 OK"'
    assert scrub(line) == 'HTTP Request: GET http://127.0.0.1/api/v1/providers/search/?q=[hidden]&limit=100 "200 OK"'


def test_the_log_names_the_account_by_id_not_email(live_server: LiveServer, debug_log: Path) -> None:
    with live_server.client() as anon:
        account = register_provider(anon)
    email, user_id = account["user"]["email"], account["user"]["id"]

    async def body() -> None:
        session = Session(ApiClient(live_server.api), KeyringTokenStore(MemoryKeyring()))
        await session.login(email, account["password"], remember=True)
        await session.client.profile()
        await session.client.aclose()
        restored = Session(ApiClient(live_server.api), session.store)
        assert await restored.restore() is not None
        await restored.change_password(account["password"], "Bright-Lantern-4821", "Bright-Lantern-4821")
        await restored.logout()
        await restored.client.aclose()

    run(body)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = debug_log.read_text()
    assert f"signed in as user {user_id}" in text
    assert f"session restored for user {user_id}" in text
    assert "password changed" in text
    for personal in (email, email.split("@")[0], account["user"]["last_name"]):
        assert personal not in text
    assert "Bright-Lantern" not in text


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_log_folder_and_files_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o755)
    (folder / "providerdesk.log.1").write_text("from an older version\n")
    os.chmod(folder / "providerdesk.log.1", 0o644)
    root = logging.getLogger()
    before = list(root.handlers)
    path = setup_logging(tmp_path)
    handler = root.handlers[-1]
    try:
        logging.getLogger("test").warning("a line")
        assert isinstance(handler, RotatingFileHandler)
        handler.doRollover()
        logging.getLogger("test").warning("a line after the rollover")
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        for file in (path, folder / "providerdesk.log.1", folder / "providerdesk.log.2"):
            assert stat.S_IMODE(os.stat(file).st_mode) == 0o600, file
    finally:
        for extra in root.handlers[len(before):]:
            extra.close()
            root.removeHandler(extra)
