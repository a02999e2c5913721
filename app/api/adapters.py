"""Tolerant reading: every answer, from our contract or a known variant, turned into our contract's shape.

The client reads each JSON answer through one function here before its model parses it, so models
and widgets never see which server spoke. The variants are those of the seed guide's own backend
(docs/api.md, "Servers without our extensions"): tokens nested under `tokens` and the user as
`authUser` (integer id, `roles`), an epoch `expires_at`, `{"suggestions"}`, `{"hospital",
"providers"}`, `statistics`, profiles without `full_name` or `license_status`, and errors as
`{"error", "details"}` holding a Python repr of DRF's error dict.

Values are derived only where the answer implies them (`full_name` from the names, `license_status`
from `license_verified`); a field the answer does not give stays missing (unknown: pages leave it out).
Each adapter takes the decoded body and returns it in our shape, or raises `Unreadable` saying what
is missing (the client then raises IncompatibleServerError naming the endpoint); `shape()` describes
a body for the log without any of its values. The tolerances that are not about an answer's shape
are here too, each named by the endpoint that declares it (app/api/endpoint.py): how a refused
login reads, and the usernames a registration is sent with where a server requires one.
"""
from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any

from app.api.errors import REFUSED, ApiError, AuthenticationError, UnsupportedRoleError, ValidationError
from contract.choices import Role

INVALID_CREDENTIALS = re.compile(r"invalid (email|credentials|username)|unable to log in|no active account", re.I)
_FIELD = re.compile(r"'(\w+)':\s*\[(.*?)\]", re.S)
_DETAIL = re.compile(r"""string=(['"])(.*?)\1, code=""", re.S)
MADE_USERNAMES_TAKEN = ("The usernames made from this email are taken on this server. "
                        "Choose a username.")
_STATS = {"total_appointments": "total", "upcoming_appointments": "upcoming",
          "completed_appointments": "completed", "patients_count": "patients"}


class Unreadable(Exception):
    """An answer neither our contract nor a known variant explains; the message says what is missing."""


def shape(body: Any, depth: int = 0) -> Any:
    """The body's keys and value types, no values (a list shows its first item): safe to log."""
    if isinstance(body, dict):
        return {k: shape(v, depth + 1) if depth < 2 else type(v).__name__ for k, v in body.items()}
    if isinstance(body, list):
        return [shape(body[0], depth + 1)] if body and depth < 2 else "list"
    return type(body).__name__


def ours(body: Any) -> Any:
    """An answer only our server gives (an extension) or that both give alike: read as docs/api.md says."""
    return body


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Unreadable("not a JSON object")
    return body


# ---- accounts and tokens ----

def _role_name(value: Any) -> str | None:
    """A role as a name (ours) or as `{"name", "permissions"}` (the seed's backend), read by its name."""
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) and value else None


def user(raw: Any, role: Any = None) -> dict[str, Any]:
    """A user in our shape: string id, one `role` (from `role`, the answer's `role`, or `roles[0]`;
    each a name or an object with its `name`)."""
    if not isinstance(raw, dict):
        return {}
    roles = raw.get("roles")
    first_role = roles[0] if isinstance(roles, list) and roles else None
    found = dict(raw)
    found["role"] = _role_name(raw.get("role")) or _role_name(role) or _role_name(first_role)
    if isinstance(found.get("id"), int):
        found["id"] = str(found["id"])
    return found


def tokens(body: Any) -> dict[str, Any]:
    """`access` and `refresh` at the top level (ours) or under `tokens` (the seed's backend)."""
    data = _object(body)
    nested: dict[str, Any] = data["tokens"] if isinstance(data.get("tokens"), dict) else {}
    access = data.get("access") or nested.get("access")
    refresh = data.get("refresh") or nested.get("refresh")
    if not isinstance(access, str) or not access:
        raise Unreadable("no access token")
    if not isinstance(refresh, str) or not refresh:
        raise Unreadable("no refresh token")
    return {"access": access, "refresh": refresh}


def signed_in(body: Any) -> dict[str, Any]:
    """A login (or registration) answer: tokens, the user, and the profile when it came along."""
    data = _object(body)
    found = tokens(data)
    account = user(data.get("user") or data.get("authUser"), data.get("role"))
    if not account.get("id") or not account.get("email"):
        raise Unreadable("no user")
    if not account.get("role") and "role" not in data and "roles" not in account:
        raise Unreadable("no role")
    if account.get("role") not in {r.value for r in Role}:
        # signed in, but as an account ProviderDesk has no pages for (the seed backend's superuser: "user")
        raise UnsupportedRoleError(str(account.get("role") or ""))
    profile = data.get("profile") or data.get("userProfile")
    return {**found, "user": account, "profile": provider(profile) if isinstance(profile, dict) else None}


def _time(value: Any) -> Any:
    """An epoch time (the seed's backend) as ISO; anything else as it came (the model judges it)."""
    if not isinstance(value, int | float):
        return value
    try:
        return datetime.fromtimestamp(value, UTC).isoformat()
    except (OverflowError, OSError, ValueError):  # beyond the years a datetime holds
        return value


def validation(body: Any) -> dict[str, Any]:
    """A token check: `valid`, the user when given (else None: ask the profile), `expires_at` as a time."""
    data = _object(body)
    if not isinstance(data.get("valid"), bool):
        raise Unreadable("no valid flag")
    account = user(data.get("user")) or None
    return {"valid": data["valid"], "user": account, "user_id": data.get("user_id"),
            "expires_at": _time(data.get("expires_at"))}


# ---- providers ----

def provider(raw: Any) -> Any:
    """A provider (or a profile) in our shape: names and `full_name` from each other, `license_status`
    from `license_verified`, email and names from `user_*`; what is not given stays missing."""
    if not isinstance(raw, dict):
        return raw  # the model names what is wrong
    found = dict(raw)
    for name in ("email", "first_name", "last_name"):
        if not found.get(name) and isinstance(raw.get(f"user_{name}"), str):
            found[name] = raw[f"user_{name}"]
    if not found.get("full_name") and (found.get("first_name") or found.get("last_name")):
        found["full_name"] = f"{found.get('first_name', '')} {found.get('last_name', '')}".strip()
    if not found.get("full_name") and isinstance(raw.get("name"), str):
        found["full_name"] = raw["name"]
    if found.get("license_status") is None and isinstance(raw.get("license_verified"), bool):
        found["license_status"] = "verified" if raw["license_verified"] else "pending_verification"
    if isinstance(found.get("id"), int):
        found["id"] = str(found["id"])
    return found


def _providers(body: Any, key: str) -> list[dict[str, Any]]:
    """A list of providers: a bare array (ours) or under `key` (or `results`)."""
    items = body
    if isinstance(body, dict):
        items = next((body[k] for k in (key, "results") if isinstance(body.get(k), list)), None)
    if not isinstance(items, list):
        raise Unreadable("no list of providers")
    return [provider(item) for item in items]


def suggestions(body: Any) -> list[dict[str, Any]]:
    """Search hits: a bare array (ours) or `{"suggestions": [...]}` with `name` for `full_name`."""
    return _providers(body, "suggestions")


def hospital_providers(body: Any) -> list[dict[str, Any]]:
    """A hospital's providers: a bare array (ours) or `{"hospital", "providers"}`."""
    return _providers(body, "providers")


def page(body: Any) -> dict[str, Any]:
    """A page of providers with each item read by `provider`."""
    data = _object(body)
    if not isinstance(data.get("results"), list):
        raise Unreadable("no results")
    return {**data, "results": [provider(item) for item in data["results"]]}


def dashboard(body: Any) -> dict[str, Any]:
    """The provider's dashboard: `provider_profile` or `provider`, `stats` or `statistics` (its counts
    named as ours, or shortened: `total`)."""
    data = _object(body)
    profile = data.get("provider_profile") or data.get("provider")
    if not isinstance(profile, dict):
        raise Unreadable("no provider")
    profile = provider(profile)
    stats = data.get("stats")
    if not isinstance(stats, dict):
        given: dict[str, Any] = data["statistics"] if isinstance(data.get("statistics"), dict) else {}
        stats = {key: given[name] for key, theirs in _STATS.items() for name in (key, theirs) if name in given}
    return {"provider_profile": profile, "stats": stats,
            "recent_activities": data.get("recent_activities") or [],
            "notifications": data.get("notifications") or [],
            "license_status": data.get("license_status") or profile.get("license_status")}


# ---- the server's own documents ----

def schema(body: Any) -> dict[str, Any]:
    """An OpenAPI document (the paths tell what the server offers: app/api/capabilities.py)."""
    data = _object(body)
    if "openapi" not in data:
        raise Unreadable("not an OpenAPI document")
    return data


# ---- refusals ----

def _messages(text: str) -> list[str]:
    found = [m for _, m in _DETAIL.findall(text)]
    return found or [text.strip(" '\"")]


def _variant_errors(body: Any) -> tuple[dict[str, list[str]], list[str]] | None:
    """Field and other messages of a variant's refusal; None when the body is not of that kind."""
    if not isinstance(body, dict) or "error" not in body or not set(body) <= {"error", "details", "message"}:
        return None
    details = body.get("details", body["error"])
    if isinstance(details, dict):
        pairs = [(k, v if isinstance(v, list) else [v]) for k, v in details.items()]
        fields = {k: [str(m) for m in v] for k, v in pairs}
    elif isinstance(details, str) and _FIELD.search(details):
        fields = {name: _messages(inner) for name, inner in _FIELD.findall(details)}
    else:
        return {}, [str(details)]
    others = fields.pop("non_field_errors", []) + fields.pop("detail", [])
    return fields, others


def refusal(body: Any) -> Any:
    """A refused answer's body in our shape: a variant's `{"error"}` or `{"error", "details"}` (a dict,
    or the Python repr of DRF's ErrorDetail dict) as `{field: [messages], "non_field_errors": [...]}`."""
    found = _variant_errors(body)
    if found is None:
        return body
    fields, others = found
    return {**fields, "non_field_errors": others or ([] if fields else [REFUSED])}


def login_refused(error: ApiError) -> ApiError:
    """A refused login is wrong credentials, whether the server said 401 (ours) or 400 with the
    invalid-credentials message and no field (the seed's backend)."""
    if isinstance(error, ValidationError) and not error.field_errors and any(
            INVALID_CREDENTIALS.search(m) for m in error.non_field_errors):
        return AuthenticationError(error.non_field_errors[0], status=400)
    return error


def password_refused(error: ApiError) -> ApiError:
    """A refused password change with its current password's messages under our field name
    (`old_password`; the seed's backend says `current_password`)."""
    if isinstance(error, ValidationError) and "current_password" in error.field_errors:
        fields = dict(error.field_errors)
        fields["old_password"] = fields.pop("current_password")
        return ValidationError(fields, error.non_field_errors, status=error.status)
    return error


def made_usernames(body: Any) -> list[str]:
    """The usernames to send in turn when a server requires one (the seed's backend) and the user
    left it blank (ours makes one): the email's local part, then it with a number; none when the
    user chose one."""
    if not isinstance(body, dict) or str(body.get("username", "")).strip():
        return []
    local = str(body.get("email", "")).partition("@")[0]
    return [local, *(f"{local}{secrets.randbelow(9000) + 1000}" for _ in range(3))] if local else []


def refused_for_username(error: ApiError) -> bool:
    return isinstance(error, ValidationError) and "username" in error.field_errors


def no_made_username(error: ValidationError) -> ValidationError:
    """The refusal after every made username was taken, said of the field the user left blank."""
    fields = {**error.field_errors, "username": [MADE_USERNAMES_TAKEN]}
    return ValidationError(fields, error.non_field_errors, status=error.status)
