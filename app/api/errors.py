"""The errors every call of the API client can raise, and when each is raised.

Widgets show these; they never look at HTTP. Every error has a `message` in plain words.

- `OfflineError`: the server could not be reached (refused, DNS, timeout, connection lost),
  after the retries that idempotent requests get. The work is not lost; try again later.
- `AuthenticationError`: 401. Wrong email or password at login, or the session has ended
  (logged out elsewhere, deactivated, refresh token expired or refused). Sign in again.
- `PermissionDeniedError`: 403. The signed-in role may not do this.
- `NotFoundError`: 404. The record does not exist (or is not yours to see).
- `ValidationError`: 400 (also 413 and 415). `field_errors` maps a field to its messages (the
  seed's wording for registration rules); `non_field_errors` holds the rest.
- `ConflictError`: 412. Someone changed the record since it was loaded; `current` is the
  server's version (when it sent one) and `etag` its version tag.
- `RateLimitedError`: 429. Too many attempts; `retry_after` says how many seconds to wait.
- `ServerError`: 5xx or an answer the client cannot use. `BadResponseError`, a subclass, is
  raised when an answer does not match the contract (it names the field).
- `UnsupportedRoleError`, a PermissionDeniedError: the sign-in went through, but the account's role on
  that server (a seed backend's `createsuperuser` account is role "user") is none ProviderDesk has
  pages for; its message says so and names the role.
- `IncompatibleServerError`, a BadResponseError: the answer is one no server ProviderDesk knows
  gives (neither our contract nor the seed's backend, app/api/adapters.py); it names the
  endpoint and what was missing. Trying again does not help, and its message does not say to.

`error_for` is the one mapping from a refused answer to these errors; the client calls it for every
endpoint (app/api/endpoint.py), after the adapters have put the body in our contract's shape.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

REFUSED = "The server refused the request."


class ApiError(Exception):
    """Base of all errors of the API client."""

    default_message = "Something went wrong talking to the server."

    def __init__(self, message: str | None = None, *, status: int | None = None) -> None:
        self.message = message or self.default_message
        self.status = status
        super().__init__(self.message)


class OfflineError(ApiError):
    default_message = "The server cannot be reached. Check the network connection and try again."


class AuthenticationError(ApiError):
    default_message = "Your session has ended. Sign in again."


class PermissionDeniedError(ApiError):
    default_message = "Your account is not allowed to do this."


class UnsupportedRoleError(PermissionDeniedError):
    """Signed in as an account whose role ProviderDesk has no pages for (nothing of it is kept)."""

    def __init__(self, role: str) -> None:
        self.role = role
        shown = role or "none"
        super().__init__(f"This account's role on this server is “{shown}”, and ProviderDesk has no pages "
                         "for it: its pages are for providers, facility administrators and credentialing "
                         "officers. Sign in with a provider's account, or with a staff account where this "
                         "server has those roles.", status=None)


class NotFoundError(ApiError):
    default_message = "This record no longer exists."


class ValidationError(ApiError):
    default_message = "Some fields need attention."

    def __init__(
        self,
        field_errors: dict[str, list[str]] | None = None,
        non_field_errors: list[str] | None = None,
        *,
        status: int | None = 400,
    ) -> None:
        self.field_errors = field_errors or {}
        self.non_field_errors = non_field_errors or []
        first = self.non_field_errors[:1] or [m for ms in self.field_errors.values() for m in ms][:1]
        super().__init__(first[0] if first else None, status=status)


class ConflictError(ApiError):
    default_message = "Someone else changed this record since you opened it."

    def __init__(self, message: str | None = None, *, current: Any = None, etag: str | None = None) -> None:
        super().__init__(message, status=412)
        self.current = current
        self.etag = etag


class RateLimitedError(ApiError):
    def __init__(self, message: str | None = None, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message or f"Too many attempts. Try again in {retry_after} seconds.", status=429)


class ServerError(ApiError):
    default_message = "The server had a problem. Try again in a moment."


class BadResponseError(ServerError):
    """The server answered something the contract does not allow."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"The server sent an answer this version cannot read ({where}: {problem}).")

    def __reduce__(self) -> tuple[type[BadResponseError], tuple[str, str]]:
        # what the snapshot's fill process found reaches the window as it was raised (fill_process.py)
        return type(self), (self.where, self.problem)


class IncompatibleServerError(BadResponseError):
    """An answer that neither our contract nor a known variant explains (see app/api/adapters.py)."""

    def __init__(self, endpoint: str, missing: str) -> None:
        super().__init__(endpoint, missing)
        self.endpoint = endpoint
        self.missing = missing
        self.message = f"This server's answer to {endpoint} is not one ProviderDesk understands ({missing})."
        self.args = (self.message,)


def _refused(body: Any, status: int, detail: str | None) -> ValidationError:
    """A 400 (field by field; `detail` and `non_field_errors` are the others), or a 413/415 (its detail)."""
    if not isinstance(body, dict) or detail is not None:
        return ValidationError(non_field_errors=[detail or REFUSED], status=status)
    fields: dict[str, list[str]] = {}
    others: list[str] = []
    for name, messages in body.items():
        texts = [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
        if name in ("non_field_errors", "detail"):
            others += texts
        else:
            fields[name] = texts
    return ValidationError(fields, others, status=status)


def _retry_after(headers: Mapping[str, str]) -> int:
    try:
        return max(1, int(float(headers.get("Retry-After", "1"))))
    except (ValueError, OverflowError):  # not a number, or "inf"
        return 1


def error_for(status: int, body: Any, headers: Mapping[str, str], record: Callable[[Any], Any]) -> ApiError:
    """The error a refused answer stands for.

    `body` is its JSON in our contract's shape (None when it had none); `record` reads the record a
    412 carries as `current` (it raises BadResponseError when that is not one).
    """
    detail = body.get("detail") if isinstance(body, dict) else None
    detail = detail if isinstance(detail, str) else None
    if status in (400, 413, 415):
        return _refused(body, status, detail if status != 400 else None)
    if status == 401:
        return AuthenticationError(detail, status=401)
    if status == 403:
        return PermissionDeniedError(detail, status=403)
    if status == 404:
        return NotFoundError(status=404)
    if status == 412:
        current = body.get("current") if isinstance(body, dict) else None
        return ConflictError(detail, current=record(current) if isinstance(current, dict) else None,
                             etag=headers.get("ETag"))
    if status == 429:
        return RateLimitedError(detail, retry_after=_retry_after(headers))
    return ServerError(status=status)
