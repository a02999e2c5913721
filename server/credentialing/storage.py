"""Documents in the database (PostgreSQL's bytea): one store that every server process on every machine reaches.

The default on PostgreSQL (settings.py, DOCUMENT_STORAGE): the data folder of one machine cannot
serve a document uploaded through another. A document is at most 10 MB, read whole into memory to
be sent; a provider keeps six at most (LICENSE_DOCUMENTS_KEPT). A name with no blob is looked for in
the data folder's media/ (where an earlier version kept documents on every database), so nothing
stored before is lost; `manage documents_to_database` moves those in.
"""
from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible


@deconstructible
class DatabaseStorage(Storage):
    """Django's Storage over the DocumentBlob table; what it cannot find there, it reads from the data folder."""

    def __init__(self, **_: Any) -> None:
        self.folder = FileSystemStorage()  # MEDIA_ROOT: documents stored before this storage existed

    def _blobs(self) -> Any:
        from server.credentialing.models import DocumentBlob  # storages load before the apps' models

        return DocumentBlob.objects

    def _open(self, name: str, mode: str = "rb") -> File:
        content = self._blobs().filter(name=name).values_list("content", flat=True).first()
        if content is None:
            return self.folder.open(name, mode)  # FileNotFoundError when not there either
        return File(io.BytesIO(bytes(content)), name=name)

    def _save(self, name: str, content: File) -> str:
        content.seek(0)
        data = content.read()
        self._blobs().update_or_create(name=name, defaults={"content": data, "size": len(data)})
        return name

    def delete(self, name: str) -> None:
        self._blobs().filter(name=name).delete()
        self.folder.delete(name)

    def exists(self, name: str) -> bool:
        return bool(self._blobs().filter(name=name).exists()) or self.folder.exists(name)

    def size(self, name: str) -> int:
        size = self._blobs().filter(name=name).values_list("size", flat=True).first()
        return int(size) if size is not None else self.folder.size(name)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("documents are sent by the API (LicenseDocumentApi), never by URL")

    def in_folder(self, name: str) -> bool:
        """Whether `name` is still only in the data folder (stored before documents moved to the database)."""
        return not self._blobs().filter(name=name).exists() and self.folder.exists(name)

    def move_in(self, name: str) -> None:
        """Copy `name` from the data folder into the database, then remove it from the folder."""
        with self.folder.open(name, "rb") as handle:
            self._save(name, ContentFile(handle.read()))
        self.folder.delete(name)
