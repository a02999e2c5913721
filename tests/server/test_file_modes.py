"""Files at rest: the server's data folder is its user's alone (0700), every file in it 0600."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import httpx
import pytest

from tests.helpers.factories import register_provider
from tests.helpers.live_server import running_server

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Windows has no POSIX file modes")
PDF = b"%PDF-1.4\n% private\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _upload_one(api: str) -> str:
    """Register a provider and upload a document for it; the provider's id."""
    with httpx.Client(base_url=api, timeout=30) as anon:
        account = register_provider(anon)
        answer = anon.patch("/auth/provider/profile/", headers={"Authorization": f"Bearer {account['access']}"},
                            files={"license_document": ("license.pdf", PDF, "application/pdf")})
        assert answer.status_code == 200, answer.text
    return str(account["profile"]["id"])


def test_fresh_data_folder_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_server(data, demo_providers=None) as server:
        pid = _upload_one(server.api)
        assert mode(data) == 0o700
        assert mode(data / "secret_key") == 0o600
        if not server.database_url:
            for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
                assert mode(data / name) == 0o600, name
        folder = data / "media" / "license_documents" / pid
        if server.database_url:  # documents are kept in PostgreSQL there (settings.DOCUMENT_STORAGE)
            assert not folder.exists()
            return
        for path in (data / "media", data / "media" / "license_documents", folder):
            assert mode(path) == 0o700, path
        documents = list(folder.iterdir())
        assert len(documents) == 1
        assert mode(documents[0]) == 0o600


def test_data_folder_of_an_earlier_version_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "media" / "license_documents").mkdir(parents=True)
    (data / "secret_key").write_text("an-older-key-" + "x" * 40)
    (data / "notes.txt").write_text("left by an earlier version")
    for path, old in ((data, 0o755), (data / "media", 0o755), (data / "media" / "license_documents", 0o755),
                      (data / "secret_key", 0o644), (data / "notes.txt", 0o644)):
        path.chmod(old)
    with running_server(data, demo_providers=None):
        assert mode(data) == 0o700
        assert mode(data / "secret_key") == 0o600
        assert mode(data / "notes.txt") == 0o600
        assert mode(data / "media") == 0o700
        assert mode(data / "media" / "license_documents") == 0o700
