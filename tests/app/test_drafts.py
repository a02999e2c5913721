"""Drafts keep what was typed, never a password, and survive bad files."""
from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.drafts import Draft, DraftStore
from tests.helpers.factories import registration_fields

WHEN = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)


def store_at(tmp_path: Path) -> DraftStore:
    return DraftStore(tmp_path / "drafts" / "registration.json", clock=lambda: WHEN)


def test_saved_draft_loads_back_without_passwords(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    form = registration_fields()
    saved = store.save(form)
    loaded = store.load()
    assert loaded == saved
    assert loaded is not None
    assert loaded.saved_at == WHEN
    assert loaded.values["email"] == form["email"]
    assert loaded.values["years_of_experience"] == "5"
    assert "password" not in loaded.values
    assert "password_confirm" not in loaded.values
    text = store.path.read_text(encoding="utf-8")
    assert form["password"] not in text
    assert "password" not in json.loads(text)["values"]


def test_no_draft_is_none(tmp_path: Path) -> None:
    assert store_at(tmp_path).load() is None


def test_empty_values_are_not_kept_and_an_empty_form_clears_the_draft(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.save({"first_name": "Ama", "last_name": "", "password": "secret-secret"})
    assert store.load() == Draft({"first_name": "Ama"}, WHEN)
    assert store.save({"first_name": "  ", "password": "secret-secret"}) is None
    assert not store.path.exists()
    assert store.load() is None


def test_clear_forgets_the_draft_and_is_harmless_twice(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.save({"first_name": "Ama"})
    store.clear()
    store.clear()
    assert store.load() is None


def test_text_is_kept_exactly(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    note = "Line one\n<b>not bold</b> — ünïcödé ✓"
    store.save({"additional_information": note})
    loaded = store.load()
    assert loaded is not None
    assert loaded.values["additional_information"] == note


@pytest.mark.parametrize("content", [
    b"", b"{not json", b"[]", b'{"version": 1}', b'{"version": 2, "saved_at": "2026-03-04T09:30:00+00:00", '
    b'"values": {"first_name": "Ama"}}', b'{"version": 1, "saved_at": "yesterday", "values": {}}',
    b'{"version": 1, "saved_at": "2026-03-04T09:30:00", "values": {"first_name": "Ama"}}',
    b'{"version": 1, "saved_at": "2026-03-04T09:30:00+00:00", "values": ["Ama"]}', b"\xff\xfe",
])
def test_unreadable_files_read_as_no_draft(tmp_path: Path, content: bytes) -> None:
    store = store_at(tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)
    assert store.load() is None


def test_a_password_in_a_foreign_file_is_never_loaded(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_text(json.dumps({"version": 1, "saved_at": WHEN.isoformat(), "values": {
        "first_name": "Ama", "password": "leaked-secret", "years_of_experience": 4}}))
    assert store.load() == Draft({"first_name": "Ama"}, WHEN)


def test_on_behalf_drafts_have_their_own_file(tmp_path: Path) -> None:
    own = DraftStore.for_registration(tmp_path)
    theirs = DraftStore.for_registration(tmp_path, on_behalf=True)
    assert own.path == tmp_path / "drafts" / "registration.json"
    assert theirs.path != own.path
    assert theirs.path.parent == own.path.parent
    own.save({"first_name": "Ama"})
    assert theirs.load() is None


def test_save_replaces_the_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.save({"first_name": "Ama", "last_name": "Mensah"})
    store.save({"first_name": "Kofi"})
    loaded = store.load()
    assert loaded is not None
    assert loaded.values == {"first_name": "Kofi"}
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["registration.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_only_the_user_may_read_a_draft(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.save({"first_name": "Ama"})
    assert os.stat(store.path).st_mode & 0o077 == 0


def test_an_unwritable_place_raises_oserror(tmp_path: Path) -> None:
    (tmp_path / "drafts").write_text("a file where the folder should be")
    with pytest.raises(OSError):  # noqa: PT011 - any OSError: the caller logs it
        store_at(tmp_path).save({"first_name": "Ama"})


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_drafts_folder_is_private_and_a_loose_draft_is_tightened(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.path.parent.mkdir(mode=0o755)
    os.chmod(store.path.parent, 0o755)
    store.path.write_text("{}")
    os.chmod(store.path, 0o644)
    store.save({"first_name": "Ama"})
    assert os.stat(store.path.parent).st_mode & 0o777 == 0o700
    assert os.stat(store.path).st_mode & 0o777 == 0o600


def test_the_step_is_kept_and_an_older_draft_starts_at_the_first(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "draft.json")
    store.save({"first_name": "Amelia"}, step=3)
    loaded = store.load()
    assert loaded is not None
    assert loaded.step == 3
    body = json.loads((tmp_path / "draft.json").read_text(encoding="utf-8"))
    del body["step"]  # written before drafts kept their step
    (tmp_path / "draft.json").write_text(json.dumps(body), encoding="utf-8")
    older = store.load()
    assert older is not None
    assert older.step == 0
