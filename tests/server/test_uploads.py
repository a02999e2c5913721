"""License document uploads: the exact size limit, the documents kept, the hourly limit, how they are served."""
from __future__ import annotations

import hashlib

import httpx

from tests.helpers.factories import register_provider
from tests.helpers.live_server import LiveServer

MAX_BYTES = 10 * 1024 * 1024  # docs/api.md, Accounts: 10,485,760 bytes
PDF_HEAD = b"%PDF-1.4\n"  # the content check reads the first bytes only


def pdf(size: int, fill: bytes = b"0") -> bytes:
    """A document that passes as PDF by its content, exactly `size` bytes long."""
    return PDF_HEAD + fill * (size - len(PDF_HEAD))


def upload(client: httpx.Client, token: str, content: bytes, name: str = "license.pdf") -> httpx.Response:
    return client.patch("/auth/provider/profile/", headers={"Authorization": f"Bearer {token}"},
                        files={"license_document": (name, content, "application/pdf")})


def numbered(n: int) -> bytes:
    return PDF_HEAD + f"upload {n}\n".encode()


def stored_names(server: LiveServer, provider_id: str) -> list[str]:
    """The names of `provider_id`'s stored documents: in the data folder, or the database on PostgreSQL
    (settings.DOCUMENT_STORAGE)."""
    if not server.database_url:
        folder = server.data_dir / "media" / "license_documents" / provider_id
        return [p.name for p in folder.iterdir() if p.is_file()]
    assert not (server.data_dir / "media" / "license_documents" / provider_id).exists(), "nothing on disk"
    listed = server.manage("shell", "-c", (
        "from server.credentialing.models import DocumentBlob\n"
        f"print('\\n'.join(DocumentBlob.objects.filter(name__startswith='license_documents/{provider_id}/')"
        ".values_list('name', flat=True)))"))
    prefix = f"license_documents/{provider_id}/"  # the shell may print a line of its own first
    return [line.removeprefix(prefix) for line in listed.split() if line.startswith(prefix)]


def test_ten_megabytes_exactly_is_accepted_one_byte_more_is_413(anon: httpx.Client, officer: httpx.Client) -> None:
    account = register_provider(anon)
    largest = pdf(MAX_BYTES)
    accepted = upload(anon, account["access"], largest)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["license_document"]["size"] == MAX_BYTES
    refused = upload(anon, account["access"], pdf(MAX_BYTES + 1, fill=b"1"))
    assert refused.status_code == 413
    assert set(refused.json()) == {"detail"}
    served = officer.get(f"/providers/{account['profile']['id']}/license/document/")
    assert served.content == largest, "the refused one is not kept"


def test_seventh_upload_keeps_the_current_and_five_earlier(
    live_server: LiveServer, anon: httpx.Client, officer: httpx.Client
) -> None:
    account = register_provider(anon)
    pid = account["profile"]["id"]
    for n in range(1, 8):
        assert upload(anon, account["access"], numbered(n)).status_code == 200
    assert len(stored_names(live_server, pid)) == 6, "the current document and five earlier ones"
    assert officer.get(f"/providers/{pid}/license/document/").content == numbered(7)
    trail = officer.get(f"/providers/{pid}/audit/").json()
    uploads = [e["detail"] for e in trail if e["action"] == "document_uploaded"]
    assert len(uploads) == 7, "every upload stays in the audit trail"
    first = hashlib.sha256(numbered(1)).hexdigest()
    assert "erased" in uploads[0]
    assert first in uploads[0], "the seventh upload's event names the checksum of the document it erased"
    assert all(hashlib.sha256(numbered(n)).hexdigest() in "".join(uploads) for n in range(1, 8))


def test_eleventh_upload_within_the_hour_is_429(anon: httpx.Client, officer: httpx.Client) -> None:
    account = register_provider(anon)
    for n in range(1, 11):
        assert upload(anon, account["access"], numbered(n)).status_code == 200, n
    refused = upload(anon, account["access"], numbered(11))
    assert refused.status_code == 429
    assert set(refused.json()) == {"detail"}
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert officer.get(f"/providers/{account['profile']['id']}/license/document/").content == numbered(10)


def test_document_is_served_as_a_sandboxed_attachment(anon: httpx.Client, officer: httpx.Client) -> None:
    account = register_provider(anon)
    pid = account["profile"]["id"]
    assert upload(anon, account["access"], numbered(1), name='../../evil"name.html').status_code == 200
    answer = officer.get(f"/providers/{pid}/license/document/")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == f'attachment; filename="license-{pid}.pdf"'
    assert answer.headers["Content-Security-Policy"] == "sandbox"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Type"] == "application/pdf"


def test_documents_stored_have_generated_names(live_server: LiveServer, anon: httpx.Client) -> None:
    account = register_provider(anon)
    assert upload(anon, account["access"], numbered(1), name="My License.pdf").status_code == 200
    names = stored_names(live_server, account["profile"]["id"])
    assert len(names) == 1
    assert names[0].endswith(".pdf")
    assert "License" not in names[0]
