"""License documents as the desktop checks them before sending: their kinds by content, at most 10 MB.

The server checks the same way (by the first bytes, never by the name), so a file refused here
would be refused there too, after the upload.
"""
from __future__ import annotations

import asyncio
import os

from app.api.client import Upload

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# (first bytes, content type, words) of the formats the server accepts; it checks the same way.
SIGNATURES = ((b"%PDF-", "application/pdf", "PDF"), (b"\x89PNG\r\n\x1a\n", "image/png", "PNG image"),
              (b"\xff\xd8\xff", "image/jpeg", "JPEG image"))
class DocumentRefused(Exception):
    """A chosen file that is not sent; the message says why in plain words."""


def content_type_of(head: bytes) -> str | None:
    return next((kind for magic, kind, _ in SIGNATURES if head.startswith(magic)), None)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def _read(path: str) -> tuple[int, bytes]:
    """The file's size, and its content unless it is too big (blocking: run it in a thread)."""
    size = os.path.getsize(path)
    if size > MAX_DOCUMENT_BYTES:
        return size, b""
    with open(path, "rb") as file:
        return size, file.read(MAX_DOCUMENT_BYTES + 1)


async def prepared_upload(path: str) -> Upload:
    """The file at `path` as a license document upload, or DocumentRefused before anything is sent."""
    name = os.path.basename(path)
    try:
        size, content = await asyncio.to_thread(_read, path)
    except OSError as error:
        raise DocumentRefused(f"“{name}” cannot be read ({error.strerror or error}).") from None
    size = max(size, len(content))
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentRefused(f"“{name}” is {human_size(size)}; a license document may be at most 10 MB.")
    if not content:
        raise DocumentRefused(f"“{name}” is empty.")
    kind = content_type_of(content[:16])
    if kind is None:
        raise DocumentRefused(f"“{name}” is not a PDF, PNG or JPEG file, whatever its name says. "
                              "Choose a scan or a photo of your license in one of those formats.")
    return Upload("license_document", name, content, kind)
