"""The chunked multipart body against the real server: accepted as sent, progress up to the total."""
from __future__ import annotations

import asyncio
import math

from app.api.client import ApiClient, Upload
from app.api.multipart import CHUNK_SIZE, MultipartBody
from tests.helpers.aio import run
from tests.helpers.factories import register_provider
from tests.helpers.live_server import LiveServer

# A PDF of about 300 KB: several chunks, so progress has steps between 0 and the total.
PDF = b"%PDF-1.4\n" + b"% padding line of a test document\n" * 9000 + b"%%EOF\n"


async def _provider_client(server: LiveServer) -> tuple[ApiClient, str]:
    with server.client() as anon:
        account = register_provider(anon)
    client = ApiClient(server.api)
    result = await client.login(account["user"]["email"], account["password"])
    client.auth.start(result.access, result.refresh)
    return client, account["profile"]["id"]


def test_server_accepts_the_body_and_progress_reaches_the_total(live_server: LiveServer) -> None:
    calls: list[tuple[int, int]] = []

    async def body() -> None:
        client, provider_id = await _provider_client(live_server)
        try:
            hospitals = [h.id for h in (await client.hospitals(page_size=2)).results]
            assert len(hospitals) == 2, "a list value is sent as repeated fields"
            bio = 'Line one, "quoted".\r\nLine two — ünïcode.'
            saved = await client.update_profile(
                {"specialization": "Dermatology", "bio": bio, "hospitals": hospitals}, etag=None,
                document=Upload("license_document", 'scan "1"\n.pdf', PDF, "application/pdf"),
                progress=lambda sent, total: calls.append((sent, total)))
            assert saved.value.specialization == "Dermatology"
            assert saved.value.bio == bio
            assert sorted(h.id for h in saved.value.hospitals) == sorted(hospitals)
            assert saved.value.license_document is not None
            assert saved.value.license_document.size == len(PDF)
            stored = await client.license_document(provider_id)
            assert stored.content == PDF
            assert stored.content_type == "application/pdf"
        finally:
            await client.aclose()

    run(body)
    total = calls[-1][1]
    assert total > len(PDF)
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    assert len(calls) == math.ceil(total / CHUNK_SIZE) + 1
    sent = [s for s, _ in calls]
    assert sent == sorted(sent)
    assert {t for _, t in calls} == {total}


def test_the_body_can_be_sent_again_with_the_same_bytes() -> None:
    """httpx replays the body after a 401 and a token refresh; an async generator could not."""
    seen: list[tuple[int, int]] = []
    body = MultipartBody({"a": "1", "b": ["x", "y"]}, {"f": ("f.png", b"\x89PNG\r\n\x1a\n" + b"0" * 70000,
                                                               "image/png")}, progress=lambda s, t: seen.append((s, t)))

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in body])

    first, second = asyncio.run(collect()), asyncio.run(collect())
    assert first == second == body.data
    assert body.headers["Content-Length"] == str(len(body.data))
    assert body.headers["Content-Type"] == f"multipart/form-data; boundary={body.boundary}"
    assert first.count(f"--{body.boundary}".encode()) == 5  # four parts and the closing line
    assert seen.count((0, len(body.data))) == 2
