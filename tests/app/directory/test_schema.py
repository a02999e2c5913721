"""The provider's shape declared once (app/directory/schema.py): every field comes back as it was sent,
the feed and the snapshot check a provider alike, and a file of another shape is rebuilt."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.api import errors
from app.api.models import Provider
from app.directory import schema
from app.directory.cache import DirectoryCache
from app.directory.database import CURRENT, stored_schema
from app.directory.sync import parse_page
from tests.app.directory.feed import feed_page, record, write_page

KEY = bytes(range(32))
NORTH = {"id": "h1", "name": "North", "city": "Oslo"}


def full_record() -> dict[str, Any]:
    """A provider with a value other than the model's default in every field the cache keeps."""
    return record("Åsa", "Berg", id="p1", professional_title="RN", professional_role="Registered Nurse",
                  license_status="pending_verification", license_expiry_date=None, is_active=False,
                  phone_number="+47 555 0100", updated_at="2026-02-03T04:05:06.123456Z", license_verified=True,
                  has_license_document=True, license_note="Scan blurred", additional_information="Night shifts",
                  years_of_experience=12, consultation_fee="95.50", bio="Paediatric care.", hospitals=[NORTH],
                  license_document={"content_type": "application/pdf", "size": 1234,
                                    "sha256": "ab" * 32, "uploaded_at": "2026-02-01T00:00:00Z"},
                  created_at="2026-01-02T03:04:05+02:00", npi="1234567893")


def test_every_field_comes_back_as_the_server_sent_it(tmp_path: Path) -> None:
    item = full_record()
    assert {f.name for f in schema.FIELDS} | {"hospitals"} <= set(item), "the record covers every declared field"
    cache = DirectoryCache.open(tmp_path / "c.db", KEY)
    try:
        write_page(cache, [item])
        assert cache.provider("p1") == Provider.model_validate(item)
    finally:
        cache.close()


BAD = {"id": 7, "last_name": None, "email": ["x"], "license_expiry_date": 20991231, "created_at": None,
       "hospitals": [{"id": "h1", "name": "North"}]}


@pytest.mark.parametrize(("field", "value"), BAD.items())
def test_the_feed_and_the_snapshot_refuse_a_provider_alike(field: str, value: Any) -> None:
    item = {**record("Cy", "Ox"), field: value}
    with pytest.raises(errors.BadResponseError) as feed:
        parse_page(feed_page([item], [], "r1", False))
    header = list(reversed(schema.ITEM))  # a snapshot's own order of the fields
    with pytest.raises(errors.BadResponseError) as snapshot:
        schema.Reader(header).read([item.get(name) for name in header])
    assert feed.value.where == snapshot.value.where == f"results.{field}"
    assert str(feed.value) == str(snapshot.value)


def test_a_snapshot_without_a_field_reads_it_as_missing() -> None:
    item = record("Cy", "Ox")
    header = [name for name in schema.ITEM if name != "email"]
    with pytest.raises(errors.BadResponseError) as refused:
        schema.Reader(header).read([item.get(name) for name in header])
    assert refused.value.where == "results.email"
    optional = [name for name in schema.ITEM if name != "bio"]
    row = schema.Reader(optional).read([item.get(name) for name in optional])
    assert row == schema.read_item(item), "a field kept as sent reads as null when the header lacks it"


def test_a_cache_of_another_shape_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    cache = DirectoryCache.open(path, KEY)
    write_page(cache, [record("Ann", "Lee")])
    cache.write_connection().execute("UPDATE meta SET value = 'older' WHERE key = 'shape'")
    cache.close()
    reopened = DirectoryCache.open(path, KEY)
    try:
        assert reopened.size() == 0, "rebuilt, not read with another record layout"
        assert stored_schema(reopened.write_connection()) == CURRENT
    finally:
        reopened.close()
