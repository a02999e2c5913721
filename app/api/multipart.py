"""multipart/form-data request bodies that are sent in chunks and report how much has gone out."""
from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CHUNK_SIZE = 64 * 1024
Progress = Callable[[int, int], None]
FileField = tuple[str, bytes, str]  # (file name, content, content type)


@dataclass(frozen=True)
class Upload:
    """A file to send as multipart (read into memory: a license document is at most 10 MB)."""

    field: str
    filename: str
    content: bytes
    content_type: str


def _quoted(value: str) -> str:
    """A header parameter value as browsers write it (WHATWG HTML): CR, LF and '"' percent-escaped."""
    return value.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")


def _part(boundary: str, headers: str, content: bytes) -> bytes:
    return f"--{boundary}\r\n{headers}\r\n\r\n".encode() + content + b"\r\n"


class MultipartBody:
    """A whole multipart body in memory (a license document is at most 10 MB).

    Iterating it yields chunks of CHUNK_SIZE bytes and calls `progress(sent, total)` first with
    0 and then after each chunk has been taken by the transport. It is an async iterable, not an
    async generator, so httpx may send it again (an authentication retry starts from 0).
    Send it with `headers`, which carry the boundary and the length.
    """

    def __init__(
        self,
        fields: Mapping[str, str | Sequence[str]],
        files: Mapping[str, FileField],
        *,
        progress: Progress | None = None,
    ) -> None:
        self.progress = progress
        self.boundary = secrets.token_hex(16)
        while any(self.boundary.encode() in content for _, content, _ in files.values()):
            self.boundary = secrets.token_hex(16)
        parts: list[bytes] = []
        for name, value in fields.items():
            for text in [value] if isinstance(value, str) else value:
                parts.append(_part(self.boundary, f'Content-Disposition: form-data; name="{_quoted(name)}"',
                                   text.encode()))
        for name, (filename, content, content_type) in files.items():
            headers = (f'Content-Disposition: form-data; name="{_quoted(name)}"; filename="{_quoted(filename)}"'
                       f"\r\nContent-Type: {content_type}")
            parts.append(_part(self.boundary, headers, content))
        parts.append(f"--{self.boundary}--\r\n".encode())
        self.data = b"".join(parts)

    @classmethod
    def form(cls, changes: Mapping[str, Any], upload: Upload, *, progress: Progress | None = None) -> MultipartBody:
        """A form's `changes` (a list stays a list of values, anything else its text) and one file."""
        fields = {k: v if isinstance(v, list) else str(v) for k, v in changes.items()}
        return cls(fields, {upload.field: (upload.filename, upload.content, upload.content_type)}, progress=progress)

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Type": f"multipart/form-data; boundary={self.boundary}",
                "Content-Length": str(len(self.data))}

    def _report(self, sent: int) -> None:
        if self.progress is not None:
            self.progress(sent, len(self.data))

    async def __aiter__(self) -> AsyncIterator[bytes]:
        view = memoryview(self.data)
        self._report(0)
        for start in range(0, len(view), CHUNK_SIZE):
            yield bytes(view[start:start + CHUNK_SIZE])
            self._report(min(start + CHUNK_SIZE, len(view)))
