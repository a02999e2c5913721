"""The API client: one method per endpoint of docs/api.md, returning models or raising app.api.errors.

One `httpx.AsyncClient` with separate connect and read timeouts. Idempotent requests (GET, PUT,
DELETE) retry on connection errors and 502/503/504 with backoff, a bounded number of times;
POST and PATCH never retry on their own. Updates carry `If-Match`; the dropdown is cached and
revalidated with `If-None-Match`.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from app.api import adapters, errors, multipart
from app.api.auth import TokenAuth
from app.api.models import (
    AUDIT_EVENTS,
    DROPDOWN_ITEMS,
    PROVIDER_SUMMARIES,
    AuditEvent,
    AuditRecord,
    ChangesPage,
    Decision,
    DocumentFile,
    DropdownItem,
    Health,
    Hospital,
    LoginResult,
    Page,
    Provider,
    ProviderDashboard,
    ProviderSummary,
    RegistrationResult,
    StaffDashboard,
    TokenRefresh,
    TokenValidation,
    Versioned,
    parse_list,
    parse_model,
)

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
Adapt = Callable[[Any], Any]
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    read: float = 30.0

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.read, pool=self.connect)


@dataclass(frozen=True)
class Upload:
    """A file to send as multipart (read into memory: a license document is at most 10 MB)."""

    field: str
    filename: str
    content: bytes
    content_type: str


def _detail(response: httpx.Response) -> tuple[Any, str | None]:
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        return None, None
    detail = body.get("detail") if isinstance(body, dict) else None
    return body, detail if isinstance(detail, str) else None


def _validation_error(body: Any, status: int, detail: str | None) -> errors.ValidationError:
    if not isinstance(body, dict) or detail is not None:
        return errors.ValidationError(non_field_errors=[detail or "The server refused the request."], status=status)
    fields: dict[str, list[str]] = {}
    others: list[str] = []
    for name, messages in body.items():
        texts = [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
        if name in ("non_field_errors", "detail"):
            others += texts
        else:
            fields[name] = texts
    return errors.ValidationError(fields, others, status=status)


def _retry_after(response: httpx.Response) -> int:
    try:
        return max(1, int(float(response.headers.get("Retry-After", "1"))))
    except ValueError:
        return 1


def error_for(response: httpx.Response) -> errors.ApiError:
    """The app error an unsuccessful answer stands for."""
    status = response.status_code
    body, detail = _detail(response)
    variant = adapters.field_errors(body) if status == 400 else None
    if variant is not None:  # `{"error", "details"}` of a server without our extensions
        return errors.ValidationError(variant[0], variant[1] or (["The server refused the request."]
                                                                 if not variant[0] else []), status=400)
    if status in (400, 413, 415):
        return _validation_error(body, status, detail if status != 400 else None)
    if status == 401:
        return errors.AuthenticationError(detail, status=401)
    if status == 403:
        return errors.PermissionDeniedError(detail, status=403)
    if status == 404:
        return errors.NotFoundError(status=404)
    if status == 412:
        current = body.get("current") if isinstance(body, dict) else None
        provider = None
        if isinstance(current, dict):
            provider = parse_model(Provider, json.dumps(current).encode())
        return errors.ConflictError(detail, current=provider, etag=response.headers.get("ETag"))
    if status == 429:
        return errors.RateLimitedError(detail, retry_after=_retry_after(response))
    return errors.ServerError(status=status)


def _decode(endpoint: str, content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        log.warning("%s: the answer is not JSON (%d bytes)", endpoint, len(content))
        raise errors.IncompatibleServerError(endpoint, "not JSON") from None


def _incompatible(endpoint: str, body: Any, problem: str) -> errors.IncompatibleServerError:
    log.warning("%s: unreadable answer (%s); its shape: %s", endpoint, problem, adapters.shape(body))
    return errors.IncompatibleServerError(endpoint, problem)


def read(model: type[M], endpoint: str, adapt: Adapt, content: bytes) -> M:
    """A JSON answer read through `adapt` into `model`; IncompatibleServerError (logged with the
    body's shape, no values) when neither our contract nor a known variant explains it."""
    return _read(model.model_validate, endpoint, adapt, content)


def read_list(adapter: TypeAdapter[list[Any]], endpoint: str, adapt: Adapt, content: bytes) -> list[Any]:
    """A JSON list read through `adapt` (see `read`)."""
    return _read(adapter.validate_python, endpoint, adapt, content)


def _read(validate: Callable[[Any], T], endpoint: str, adapt: Adapt, content: bytes) -> T:
    body = _decode(endpoint, content)
    try:
        return validate(adapt(body))
    except errors.IncompatibleServerError as error:
        raise _incompatible(endpoint, body, error.missing) from None
    except PydanticValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _incompatible(endpoint, body, f"{where}: {first['msg']}" if where else first["msg"]) from None


class ApiClient:
    """Talks to one server implementing docs/api.md. Close it with `aclose()`."""

    def __init__(
        self,
        base_url: str,
        *,
        timeouts: Timeouts | None = None,
        retries: int = 2,
        backoff: float = 0.25,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = TokenAuth(self._refresh)
        self._retries = retries
        self._backoff = backoff
        self._dropdown_cache: dict[str, tuple[str, list[DropdownItem]]] = {}
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/", timeout=(timeouts or Timeouts()).httpx(), transport=transport,
            headers={"Accept": "application/json", "User-Agent": "ProviderDesk"},
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    # ---- transport ----

    async def _send(
        self, method: str, path: str, *, authed: bool = True, retry: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """Send with retries for idempotent methods (unless `retry` is false); map failures to app errors."""
        attempts = 1 + (self._retries if retry and method in IDEMPOTENT else 0)
        auth = self.auth if authed else None
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = await self._http.request(method, path.lstrip("/"), auth=auth, **kwargs)
            except httpx.TransportError as error:
                if last:
                    log.info("%s %s: server unreachable (%s)", method, path, type(error).__name__)
                    raise errors.OfflineError() from None
            else:
                if response.status_code not in RETRY_STATUSES or last:
                    return response
            await asyncio.sleep(self._backoff * 2**attempt)
        raise AssertionError("unreachable")

    async def _call(self, method: str, path: str, *, ok: tuple[int, ...] = (200,), **kwargs: Any) -> httpx.Response:
        response = await self._send(method, path, **kwargs)
        if response.status_code not in ok:
            raise error_for(response)
        return response

    async def _model(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        response = await self._call(method, path, **kwargs)
        return parse_model(model, response.content)

    async def _read(self, model: type[M], endpoint: str, adapt: Adapt, method: str, path: str,
                    **kwargs: Any) -> M:
        """Call, then read the answer through `adapt` (app/api/adapters.py) into `model`."""
        response = await self._call(method, path, **kwargs)
        return read(model, endpoint, adapt, response.content)

    async def _versioned(self, method: str, path: str, *, endpoint: str = "a provider's record",
                         **kwargs: Any) -> Versioned[Provider]:
        response = await self._call(method, path, **kwargs)
        return Versioned(read(Provider, endpoint, adapters.provider, response.content), response.headers.get("ETag"))

    @staticmethod
    def _if_match(etag: str | None) -> dict[str, str]:
        return {"If-Match": etag} if etag else {}

    # ---- authentication (no bearer) ----

    async def login(self, email: str, password: str) -> LoginResult:
        """Sign in. A refused login is AuthenticationError, whether the server said 401 (ours) or
        400 with the invalid-credentials message (a server without our extensions)."""
        try:
            response = await self._call("POST", "auth/login/", authed=False,
                                        json={"email": email, "password": password})
        except errors.ValidationError as error:
            if not error.field_errors and adapters.is_invalid_credentials(error.non_field_errors):
                raise errors.AuthenticationError(error.non_field_errors[0], status=400) from None
            raise
        return read(LoginResult, "sign-in", adapters.signed_in, response.content)

    async def register(self, form: Mapping[str, Any]) -> RegistrationResult:
        """Register a provider and return the account with its profile.

        A blank username is left for the server to make (ours does); a server that refuses it gets
        the email's local part instead. A server that answers no profile is asked for it next.
        """
        body = dict(form)
        try:
            response = await self._call("POST", "auth/provider/register/", authed=False, ok=(201,), json=body)
        except errors.ValidationError as error:
            local = str(body.get("email", "")).partition("@")[0]
            if "username" not in error.field_errors or str(body.get("username", "")).strip() or not local:
                raise
            log.info("the server refused a blank username; registering with the email's local part")
            body["username"] = local
            response = await self._call("POST", "auth/provider/register/", authed=False, ok=(201,), json=body)
        result = read(RegistrationResult, "registration", lambda b: adapters.signed_in(b, "registration"),
                      response.content)
        if result.profile is not None:
            return result
        answer = await self._call("GET", "auth/provider/profile/", authed=False,
                                  headers={"Authorization": f"Bearer {result.access}"})
        profile = read(Provider, "the profile", adapters.provider, answer.content)
        return result.model_copy(update={"profile": profile})

    async def _refresh(self, refresh: str) -> TokenRefresh:
        return await self._model(TokenRefresh, "POST", "auth/token/refresh/", authed=False,
                                 json={"refresh": refresh})

    async def validate_token(self, access: str) -> TokenValidation:
        """Check an access token; sent as Bearer (ours) and as a `{"token"}` body (the seed's backend).
        `user` is None when the server names only `user_id`: the profile tells the rest."""
        return await self._read(TokenValidation, "the session check", adapters.validation, "POST",
                                "auth/token/validate/", authed=False, json={"token": access},
                                headers={"Authorization": f"Bearer {access}"})

    async def logout(self, refresh: str, access: str | None = None) -> None:
        """End the session on the server. The refresh token goes as `refresh` and `refresh_token`;
        a server that wants the bearer too (401 without it) is asked again with `access`."""
        body = {"refresh": refresh, "refresh_token": refresh}
        response = await self._send("POST", "auth/logout/", authed=False, json=body)
        if response.status_code == 401 and access:
            response = await self._send("POST", "auth/logout/", authed=False, json=body,
                                        headers={"Authorization": f"Bearer {access}"})
        if response.status_code != 200:
            raise error_for(response)

    async def change_password(self, old_password: str, new_password: str, new_password_confirm: str) -> None:
        """Change the signed-in account's password; this client goes on with the new session at once.

        Every earlier token of the account stops working on the server, so the answer's pair replaces
        them in `auth` (which saves the refresh token through `on_rotated`) before any other request
        may refresh. Raises ValidationError with `old_password`, `new_password` and
        `new_password_confirm` messages when the server refuses.
        """
        body = {"old_password": old_password, "new_password": new_password,
                "new_password_confirm": new_password_confirm}

        async def send(access: str) -> tuple[str, str]:
            answer = await self._model(TokenRefresh, "POST", "auth/password/change/", authed=False, json=body,
                                       headers={"Authorization": f"Bearer {access}"})
            if not answer.refresh:
                raise errors.BadResponseError("password change", "no refresh token in the answer")
            return answer.access, answer.refresh

        await self.auth.exchange(send)

    # ---- the provider's own records ----

    async def profile(self) -> Versioned[Provider]:
        return await self._versioned("GET", "auth/provider/profile/", endpoint="the profile")

    async def update_profile(
        self, changes: Mapping[str, Any], *, etag: str | None, document: Upload | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Versioned[Provider]:
        """PATCH only `changes` (and the document, as multipart, when given; `progress(sent, total)` as it goes)."""
        headers = self._if_match(etag)
        if document is None:
            return await self._versioned("PATCH", "auth/provider/profile/", json=dict(changes), headers=headers,
                                         endpoint="the profile")
        files = {document.field: (document.filename, document.content, document.content_type)}
        data = {k: v if isinstance(v, list) else str(v) for k, v in changes.items()}
        body = multipart.MultipartBody(data, files, progress=progress)
        headers.update(body.headers)
        return await self._versioned("PATCH", "auth/provider/profile/", content=body, headers=headers,
                                     endpoint="the profile")

    async def replace_profile(self, fields: Mapping[str, Any], *, etag: str | None) -> Versioned[Provider]:
        """PUT every profile field (the required ones must all be there)."""
        return await self._versioned("PUT", "auth/provider/profile/", json=dict(fields), headers=self._if_match(etag),
                                     endpoint="the profile")

    async def provider_dashboard(self) -> ProviderDashboard:
        return await self._read(ProviderDashboard, "the dashboard", adapters.dashboard, "GET",
                                "auth/provider/dashboard/")

    # ---- directory ----

    async def providers(
        self, filters: Mapping[str, str] | None = None, *, page: int = 1, page_size: int = 50
    ) -> Page[ProviderSummary]:
        params = {**(filters or {}), "page": page, "page_size": page_size}
        endpoint = "the directory list"
        return await self._read(Page[ProviderSummary], endpoint, lambda b: adapters.page(b, endpoint),
                                "GET", "providers/", params=params)

    async def search_providers(
        self, query: str, filters: Mapping[str, str] | None = None, *, limit: int = 20
    ) -> list[ProviderSummary]:
        params = {**(filters or {}), "q": query, "limit": limit}
        response = await self._call("GET", "providers/search/", params=params)
        return read_list(PROVIDER_SUMMARIES, "search", lambda b: adapters.providers(b, "search", "suggestions"),
                         response.content)

    async def dropdown(self, filters: Mapping[str, str] | None = None) -> list[DropdownItem]:
        """Active providers for a picker; cached, and revalidated with If-None-Match."""
        key = json.dumps(sorted((filters or {}).items()))
        cached = self._dropdown_cache.get(key)
        headers = {"If-None-Match": cached[0]} if cached else {}
        response = await self._call("GET", "providers/dropdown/", params=dict(filters or {}), headers=headers,
                                    ok=(200, 304))
        if response.status_code == 304 and cached:
            return list(cached[1])
        items: list[DropdownItem] = parse_list(DROPDOWN_ITEMS, response.content)
        if etag := response.headers.get("ETag"):
            self._dropdown_cache[key] = (etag, items)
        return list(items)

    async def provider(self, provider_id: str) -> Versioned[Provider]:
        return await self._versioned("GET", f"providers/{provider_id}/")

    async def create_provider(self, fields: Mapping[str, Any]) -> Versioned[Provider]:
        return await self._versioned("POST", "providers/", ok=(201,), json=dict(fields))

    async def update_provider(
        self, provider_id: str, changes: Mapping[str, Any], *, etag: str | None
    ) -> Versioned[Provider]:
        return await self._versioned("PATCH", f"providers/{provider_id}/", json=dict(changes),
                                     headers=self._if_match(etag))

    async def replace_provider(
        self, provider_id: str, fields: Mapping[str, Any], *, etag: str | None
    ) -> Versioned[Provider]:
        return await self._versioned("PUT", f"providers/{provider_id}/", json=dict(fields),
                                     headers=self._if_match(etag))

    async def deactivate_provider(self, provider_id: str, *, etag: str | None = None) -> None:
        await self._call("DELETE", f"providers/{provider_id}/", ok=(204,), headers=self._if_match(etag))

    async def providers_by_hospital(
        self, hospital_id: str, filters: Mapping[str, str] | None = None
    ) -> list[ProviderSummary]:
        response = await self._call("GET", f"providers/hospital/{hospital_id}/", params=dict(filters or {}))
        endpoint = "the providers of a hospital"
        return read_list(PROVIDER_SUMMARIES, endpoint, lambda b: adapters.providers(b, endpoint, "providers"),
                         response.content)

    async def hospitals(self, *, page: int = 1, page_size: int = 100) -> Page[Hospital]:
        return await self._model(Page[Hospital], "GET", "hospitals/", params={"page": page, "page_size": page_size})

    async def hospital(self, hospital_id: str) -> Hospital:
        return await self._model(Hospital, "GET", f"hospitals/{hospital_id}/")

    async def changes(self, since: str | None = None, *, limit: int = 1000) -> ChangesPage:
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        return await self._model(ChangesPage, "GET", "providers/changes/", params=params)

    async def changes_raw(self, since: str | None = None, limit: int = 1000) -> bytes:
        """The same page as `changes`, as the unparsed JSON body (for parsing off the event loop)."""
        params: dict[str, Any] = {"limit": limit, **({"since": since} if since else {})}
        response = await self._call("GET", "providers/changes/", params=params)
        return response.content

    @contextlib.asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncIterator[bytes]]:
        """`GET /providers/snapshot/` streamed: yields its body's chunks (NDJSON, decompressed).
        A server without it raises NotFoundError; a connection lost on the way, OfflineError."""
        try:
            response = await self._http.send(self._http.build_request("GET", "providers/snapshot/"),
                                             auth=self.auth, stream=True)
        except httpx.TransportError:
            raise errors.OfflineError() from None
        try:
            if response.status_code != 200:
                await response.aread()
                raise error_for(response)

            async def chunks() -> AsyncIterator[bytes]:
                try:
                    async for chunk in response.aiter_bytes():
                        yield chunk
                except httpx.TransportError:
                    raise errors.OfflineError() from None

            yield chunks()
        finally:
            await response.aclose()

    # ---- credentialing ----

    async def license_document(self, provider_id: str) -> DocumentFile:
        response = await self._call("GET", f"providers/{provider_id}/license/document/")
        return DocumentFile(response.content, response.headers.get("Content-Type", "application/octet-stream"),
                            response.headers.get("X-Content-SHA256"))

    async def decide_license(
        self, provider_id: str, decision: Decision, *, note: str = "", expiry: Any = None, etag: str | None = None
    ) -> Versioned[Provider]:
        body: dict[str, Any] = {"decision": decision.value, "note": note}
        if expiry is not None:
            body["license_expiry_date"] = expiry.isoformat()
        return await self._versioned("POST", f"providers/{provider_id}/license/decision/", json=body,
                                     headers=self._if_match(etag))

    async def verification_queue(
        self, *, status: str = "pending_verification", expiring_within: int | None = None, page: int = 1,
        page_size: int = 50,
    ) -> Page[ProviderSummary]:
        params: dict[str, Any] = {"license_status": status, "page": page, "page_size": page_size}
        if expiring_within is not None:
            params["expiring_within"] = expiring_within
        return await self._model(Page[ProviderSummary], "GET", "credentialing/queue/", params=params)

    async def audit_trail(self, provider_id: str) -> list[AuditEvent]:
        response = await self._call("GET", f"providers/{provider_id}/audit/")
        return parse_list(AUDIT_EVENTS, response.content)

    async def audit_events(
        self, *, since: date, until: date, action: str | None = None, page: int = 1, page_size: int = 500
    ) -> Page[AuditRecord]:
        """One page of the audit export, oldest first: the events from `since` through `until`
        (both included). `action` None asks for the decisions, "all" for every action."""
        params: dict[str, Any] = {"since": since.isoformat(), "until": until.isoformat(), "page": page,
                                  "page_size": page_size}
        if action is not None:
            params["action"] = action
        return await self._model(Page[AuditRecord], "GET", "credentialing/audit/", params=params)

    async def all_audit_events(
        self, *, since: date, until: date, action: str | None = None, page_size: int = 500
    ) -> list[AuditRecord]:
        """Every event of the audit export's range, walking its pages (oldest first, so events
        recorded meanwhile land on later pages and shift nothing already read)."""
        records: list[AuditRecord] = []
        page = 1
        while True:
            answer = await self.audit_events(since=since, until=until, action=action, page=page,
                                             page_size=page_size)
            records.extend(answer.results)
            if answer.next is None:
                return records
            page += 1

    async def staff_dashboard(self) -> StaffDashboard:
        return await self._model(StaffDashboard, "GET", "dashboard/")

    async def health(self) -> Health:
        """The server's health, tried once (a probe repeats by itself, and a retried probe tells offline
        late); a server without `/health/` that answers 404 answered all the same."""
        try:
            return await self._model(Health, "GET", "health/", authed=False, retry=False)
        except errors.NotFoundError:
            return Health(status="unknown")

    async def openapi_schema(self) -> dict[str, Any]:
        """The server's OpenAPI document (`/api/schema/`, beside the versioned base path; NotFoundError
        when the server publishes none)."""
        root = self.base_url.rsplit("/api/v1", 1)[0]
        response = await self._call("GET", f"{root}/api/schema/", authed=False, params={"format": "json"})
        try:  # 175 KB and more: about 7 ms of parsing, off the event loop
            document = await asyncio.to_thread(json.loads, response.content)
        except ValueError:
            raise errors.BadResponseError("schema", "not JSON") from None
        if not isinstance(document, dict) or "openapi" not in document:
            raise errors.BadResponseError("schema", "not an OpenAPI document")
        return document
