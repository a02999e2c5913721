"""A provider's directory cache holds nothing its user may not see: other providers outside the
credentialed set are left out of every read and erased at open and after each sync."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api.client import ApiClient
from app.directory import query
from app.directory.cache import DirectoryCache
from app.directory.query import DirectoryQuery, Viewer
from app.directory.sync import DirectorySync
from tests.app.directory.feed import record, write_page
from tests.helpers.aio import run
from tests.helpers.factories import create_provider, register_provider, screened
from tests.helpers.live_server import LiveServer

KEY = bytes(range(32))
ME = Viewer(staff=False, own_id="me")
HOSPITAL = {"id": "h-old", "name": "Old Infirmary", "city": "Bergen"}


def sent_rows() -> list[dict[str, Any]]:
    """As they were when the server sent them: every other provider was credentialed then. Dated from
    today when called, as the cache reads them (a run may pass midnight)."""
    today = date.today()
    yesterday = str(today - timedelta(days=1))
    return [
        record("Valid", "Current", id="ok", license_expiry_date="2099-01-01", license_note="private note",
               additional_information="private", has_license_document=True),
        record("Olga", "Lapsed", id="old", license_expiry_date=yesterday, hospitals=[HOSPITAL]),
        record("Tess", "Today", id="today", license_expiry_date=str(today)),
        record("Mona", "Myself", id="me", license_status="verified", license_expiry_date=yesterday,
               license_note="my note"),
    ]


def ids(cache: DirectoryCache, **query: Any) -> list[str]:
    return [row.id for row in cache.rows(DirectoryQuery(**query), 0, 100)]


def written(path: Path, rows: list[dict[str, Any]], viewer: Viewer) -> DirectoryCache:
    """A cache opened for `viewer` with `rows` written as a sync writes them (before any purge)."""
    cache = DirectoryCache.open(path, KEY, viewer)
    write_page(cache, rows)
    return cache


def test_reads_leave_out_other_providers_past_expiry_before_the_purge(tmp_path: Path) -> None:
    cache = written(tmp_path / "c.db", sent_rows(), ME)
    try:
        assert cache.size() == 4, "not erased yet"
        assert ids(cache) == ["ok", "me", "today"], "the lapsed license is hidden, the own record kept"
        assert cache.count(DirectoryQuery()) == 3
        assert ids(cache, text="olga") == []
        assert cache.count(DirectoryQuery(text="olga lapsed")) == 0
        assert ids(cache, license_status="expired") == ["me"], "only the own record may read expired"
        assert cache.count(DirectoryQuery(license_status="expired")) == 1
        assert ids(cache, license_status="expired", order_by="created_at") == ["me"]
        assert ids(cache, is_active=None, order_by="email") == ["me", "ok", "today"]
        assert cache.provider("old") is None
        assert [cache.may_see(pid) for pid in ("me", "today", "old")] == [True, True, False]
    finally:
        cache.close()


def test_another_providers_record_has_no_private_field(tmp_path: Path) -> None:
    cache = written(tmp_path / "c.db", sent_rows(), ME)
    try:
        other = cache.provider("ok")
        assert other is not None
        assert (other.license_note, other.additional_information, other.has_license_document) == ("", "", False)
        own = cache.provider("me")
        assert own is not None
        assert own.license_note == "my note", "the own record is whole"
    finally:
        cache.close()


def test_the_purge_erases_them_and_keeps_the_own_record(tmp_path: Path) -> None:
    cache = written(tmp_path / "c.db", sent_rows(), ME)
    try:
        assert [h.name for h in cache.hospitals()] == ["Old Infirmary"]
        assert cache.forget_hidden() == 1
        assert cache.size() == 3
        assert ids(cache, is_active=None) == ["ok", "me", "today"]
        assert cache.hospitals() == [], "a hospital only the erased row linked goes with it"
        assert cache.forget_hidden() == 0
    finally:
        cache.close()


def test_opening_a_providers_cache_erases_what_it_may_not_see(tmp_path: Path) -> None:
    rows = [*sent_rows(), record("Ina", "Active", id="inactive", is_active=False),
            record("Pia", "Pending", id="pending", license_status="pending_verification", license_expiry_date=None),
            record("Rex", "Rejected", id="rejected", license_status="rejected")]
    staff = written(tmp_path / "c.db", rows, Viewer())  # say, a cache an older server filled
    assert staff.forget_hidden() == 0, "staff see everything"
    assert len(ids(staff, is_active=None)) == 7
    staff.close()
    cache = DirectoryCache.open(tmp_path / "c.db", KEY, ME)
    try:
        assert cache.size() == 3
        assert ids(cache, is_active=None) == ["ok", "me", "today"]
    finally:
        cache.close()


def test_a_provider_without_an_own_record_sees_only_credentialed_ones(tmp_path: Path) -> None:
    cache = written(tmp_path / "c.db", sent_rows(), Viewer(staff=False))
    try:
        assert ids(cache) == ["ok", "today"]
        assert cache.forget_hidden() == 2
    finally:
        cache.close()


class _Later(date):
    """The client's calendar, 201 days on."""

    @classmethod
    def today(cls) -> _Later:
        real = date.today()
        moved = real + timedelta(days=201)
        return cls(moved.year, moved.month, moved.day)


def test_a_sync_erases_a_license_that_passed_its_date_meanwhile(
    live_server: LiveServer, anon: httpx.Client, admin: httpx.Client, officer: httpx.Client, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = register_provider(anon, first_name="Selfina")
    lapsing = create_provider(admin, first_name="Lapsina")
    screened(officer)
    future = str(date.today() + timedelta(days=200))
    officer.post(f"/providers/{lapsing['id']}/license/decision/",
                 json={"decision": "verified", "license_expiry_date": future}).raise_for_status()
    viewer = Viewer(staff=False, own_id=me["user"]["provider_id"])

    async def body() -> tuple[list[str], list[str], bool, bool]:
        client = ApiClient(live_server.api)
        login = await client.login(me["user"]["email"], me["password"])
        client.auth.start(login.access, login.refresh)
        cache = DirectoryCache.open(tmp_path / "c.db", KEY, viewer)
        try:
            await DirectorySync(client, cache).run()
            before = ids(cache, text="lapsina")
            monkeypatch.setattr(query, "date", _Later)  # the date passes; nothing changes on the server
            hidden = ids(cache, text="lapsina")
            await DirectorySync(client, cache).run()
            stored = cache._conn.execute("SELECT id FROM providers WHERE id = ?", (lapsing["id"],)).fetchall()
            return before, hidden, bool(stored), cache.may_see(viewer.own_id or "")
        finally:
            cache.close()
            await client.aclose()

    before, hidden, stored, own = run(body)
    assert before == [lapsing["id"]]
    assert hidden == [], "hidden from the day it passes, before any sync"
    assert not stored, "the next sync erases it from the file"
    assert own, "the own record (pending verification) is kept"
