"""Two servers on two machines, as far as one machine can show it: different data folders, one PostgreSQL,
one Redis and one signing key (docs/deployment.md). What one is told, the other knows."""
from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.common.pdf import license_pdf
from tests.helpers.live_server import (
    DEMO_ACCOUNTS,
    ROOT,
    LiveServer,
    postgres_database,
    postgres_drop,
    running_server,
)
from tests.helpers.redis_server import AVAILABLE, free_port, redis_server

BASE_URL = os.environ.get("PROVIDERDESK_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not BASE_URL or not AVAILABLE,
                                reason="needs PostgreSQL (PROVIDERDESK_TEST_DATABASE_URL) and redis-server")


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Servers A and B: their own data folders, the same database, Redis and DJANGO_SECRET_KEY."""
    assert BASE_URL
    folder = tmp_path_factory.mktemp("shared")
    database_url = postgres_database(BASE_URL)
    port = free_port()
    env = {"DATABASE_URL": database_url, "REDIS_URL": f"redis://127.0.0.1:{port}/0",
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    try:
        with redis_server(port, folder), \
                running_server(folder / "a", demo_providers=5, env=env) as first, \
                running_server(folder / "b", demo_providers=None, env=env) as second:
            yield first, second
    finally:
        postgres_drop(database_url)


def _upload(server: LiveServer, token: str, text: str) -> bytes:
    document = license_pdf([(12, 700, text)])
    with server.client(token) as client:
        answer = client.patch("/auth/provider/profile/", files={"license_document": ("licence.pdf", document,
                                                                                     "application/pdf")})
    assert answer.status_code == 200, answer.text
    return document


def _document(server: LiveServer, token: str, provider_id: str) -> httpx.Response:
    with server.client(token) as client:
        return client.get(f"/providers/{provider_id}/license/document/")


def test_a_document_uploaded_through_one_server_is_served_by_the_other(pair: tuple[LiveServer, LiveServer]) -> None:
    first, second = pair
    signed_in = first.login(DEMO_ACCOUNTS["provider"])
    token, provider_id = signed_in["access"], signed_in["user"]["provider_id"]
    uploaded = _upload(first, token, "Uploaded through A")
    served = _document(second, token, provider_id)
    assert served.status_code == 200, served.text
    assert served.content == uploaded
    assert served.headers["X-Content-SHA256"] == hashlib.sha256(uploaded).hexdigest()
    newer = _upload(second, token, "A newer version, uploaded through B")
    assert _document(first, token, provider_id).content == newer, "the newest version, whoever stored it"
    for data in (first.data_dir, second.data_dir):
        assert not (Path(data) / "media" / "license_documents").exists(), "no document in a data folder"


def test_a_session_ended_on_one_server_is_refused_by_the_other(pair: tuple[LiveServer, LiveServer]) -> None:
    first, second = pair
    signed_in = first.login(DEMO_ACCOUNTS["facility_admin"])
    with second.client(signed_in["access"]) as client:
        assert client.get("/providers/").status_code == 200, "B accepts a token A signed (one key)"
    with first.client(signed_in["access"]) as client:
        assert client.post("/auth/logout/", json={"refresh": signed_in["refresh"]}).status_code in (200, 204, 205)
    with second.client(signed_in["access"]) as client:
        refused = client.get("/providers/")
    assert refused.status_code == 401
    with second.client() as anon:
        assert anon.post("/auth/token/refresh/", json={"refresh": signed_in["refresh"]}).status_code == 401


def test_documents_kept_in_the_data_folder_before_are_served_then_moved_into_the_database(tmp_path: Path) -> None:
    assert BASE_URL
    database_url = postgres_database(BASE_URL)
    data = tmp_path / "data"
    try:
        # an earlier version kept documents in the data folder on PostgreSQL too
        with running_server(data, demo_providers=5, env={"DATABASE_URL": database_url,
                                                         "DOCUMENT_STORAGE": "files"}) as before:
            signed_in = before.login(DEMO_ACCOUNTS["provider"])
            uploaded = _upload(before, signed_in["access"], "Kept on disk")
        provider_id = signed_in["user"]["provider_id"]
        folder = data / "media" / "license_documents"
        on_disk = [path for path in folder.rglob("*") if path.is_file()]  # the demo's and the one uploaded
        assert folder / provider_id in [path.parent for path in on_disk]
        with running_server(data, demo_providers=None, env={"DATABASE_URL": database_url}) as after:
            token = after.login(DEMO_ACCOUNTS["provider"])["access"]
            assert _document(after, token, provider_id).content == uploaded, "read from the folder meanwhile"
            moved = subprocess.run([sys.executable, "-m", "server", "manage", "documents_to_database"], cwd=ROOT,
                                   env={**os.environ, "PROVIDERDESK_DATA_DIR": str(data), "DATABASE_URL": database_url},
                                   capture_output=True, text=True, timeout=120, check=True)
            assert f"{len(on_disk)} document(s) moved" in moved.stdout
            assert not [path for path in folder.rglob("*") if path.is_file()]
            assert _document(after, token, provider_id).content == uploaded, "now from the database"
    finally:
        postgres_drop(database_url)
