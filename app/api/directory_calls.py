"""The client's calls for the directory: lists, search, records, hospitals, the change feed and snapshot."""
from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

from app.api import adapters
from app.api.endpoint import RECORD, Endpoint, nothing, raw, reads, unless_unchanged, versioned
from app.api.models import (
    DROPDOWN_ITEMS,
    PROVIDER_SUMMARIES,
    DropdownItem,
    Hospital,
    Page,
    Provider,
    ProviderSummary,
    Versioned,
)
from app.api.transport import Caller, if_match

LIST = Endpoint("the directory list", "GET", "providers/", reads(Page[ProviderSummary].model_validate, adapters.page))
SEARCH = Endpoint("search", "GET", "providers/search/", reads(PROVIDER_SUMMARIES.validate_python, adapters.suggestions))
DROPDOWN = Endpoint("the dropdown", "GET", "providers/dropdown/",
                    unless_unchanged(versioned(reads(DROPDOWN_ITEMS.validate_python))), ok=(200, 304))
RECORD_READ = Endpoint("a provider's record", "GET", "providers/{}/", RECORD)
RECORD_CREATE = Endpoint("a provider's record", "POST", "providers/", RECORD, ok=(201,))
RECORD_UPDATE = Endpoint("a provider's record", "PATCH", "providers/{}/", RECORD)
RECORD_REPLACE = Endpoint("a provider's record", "PUT", "providers/{}/", RECORD)
DEACTIVATE = Endpoint("a provider's record", "DELETE", "providers/{}/", nothing, ok=(204,))
BY_HOSPITAL = Endpoint("the providers of a hospital", "GET", "providers/hospital/{}/",
                       reads(PROVIDER_SUMMARIES.validate_python, adapters.hospital_providers))
HOSPITALS = Endpoint("the hospitals", "GET", "hospitals/", reads(Page[Hospital].model_validate))
HOSPITAL = Endpoint("a hospital", "GET", "hospitals/{}/", reads(Hospital.model_validate))
CHANGES_RAW = Endpoint("the change feed", "GET", "providers/changes/", raw)
SNAPSHOT = Endpoint("the snapshot", "GET", "providers/snapshot/", nothing, retry=False)  # streamed: `_stream`


def _feed(since: str | None, limit: int) -> dict[str, Any]:
    return {"limit": limit, **({"since": since} if since else {})}


class DirectoryCalls(Caller):
    """The directory's endpoints; the dropdown is cached and revalidated with If-None-Match."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._dropdown_cache: dict[str, Versioned[list[DropdownItem]]] = {}

    async def providers(
        self, filters: Mapping[str, str] | None = None, *, page: int = 1, page_size: int = 50
    ) -> Page[ProviderSummary]:
        return await self._call(LIST, params={**(filters or {}), "page": page, "page_size": page_size})

    async def search_providers(
        self, query: str, filters: Mapping[str, str] | None = None, *, limit: int = 20
    ) -> list[ProviderSummary]:
        return await self._call(SEARCH, params={**(filters or {}), "q": query, "limit": limit})

    async def dropdown(self, filters: Mapping[str, str] | None = None) -> list[DropdownItem]:
        """Active providers for a picker; cached, and revalidated with If-None-Match."""
        key = json.dumps(sorted((filters or {}).items()))
        cached = self._dropdown_cache.get(key)
        headers = {"If-None-Match": cached.etag} if cached and cached.etag else {}
        answer = await self._call(DROPDOWN, params=dict(filters or {}), headers=headers)
        if answer is None:  # 304, only possible with a cached list's tag: that list is current
            return list(self._dropdown_cache[key].value)
        if answer.etag:
            self._dropdown_cache[key] = answer
        return list(answer.value)

    async def provider(self, provider_id: str) -> Versioned[Provider]:
        return await self._call(RECORD_READ, provider_id)

    async def create_provider(self, fields: Mapping[str, Any]) -> Versioned[Provider]:
        return await self._call(RECORD_CREATE, json=dict(fields))

    async def update_provider(
        self, provider_id: str, changes: Mapping[str, Any], *, etag: str | None
    ) -> Versioned[Provider]:
        return await self._call(RECORD_UPDATE, provider_id, json=dict(changes), headers=if_match(etag))

    async def replace_provider(
        self, provider_id: str, fields: Mapping[str, Any], *, etag: str | None
    ) -> Versioned[Provider]:
        return await self._call(RECORD_REPLACE, provider_id, json=dict(fields), headers=if_match(etag))

    async def deactivate_provider(self, provider_id: str, *, etag: str | None = None) -> None:
        await self._call(DEACTIVATE, provider_id, headers=if_match(etag))

    async def providers_by_hospital(
        self, hospital_id: str, filters: Mapping[str, str] | None = None
    ) -> list[ProviderSummary]:
        return await self._call(BY_HOSPITAL, hospital_id, params=dict(filters or {}))

    async def hospitals(self, *, page: int = 1, page_size: int = 100) -> Page[Hospital]:
        return await self._call(HOSPITALS, params={"page": page, "page_size": page_size})

    async def hospital(self, hospital_id: str) -> Hospital:
        return await self._call(HOSPITAL, hospital_id)

    async def changes_raw(self, since: str | None = None, limit: int = 1000) -> bytes:
        """A page of the change feed after `since`, as the unparsed JSON body: the directory's sync
        parses and checks it off the event loop (app/directory/sync.py, parse_page)."""
        return await self._call(CHANGES_RAW, params=_feed(since, limit))

    @contextlib.asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncIterator[bytes]]:
        """`GET /providers/snapshot/` streamed: yields its body's chunks (NDJSON, decompressed).
        A server without it raises NotFoundError; a connection lost on the way, OfflineError."""
        async with self._stream(SNAPSHOT) as chunks:
            yield chunks
