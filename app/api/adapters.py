"""Tolerant reading: every answer, from our contract or a known variant, turned into our contract's shape.

The client reads each JSON answer through one function here before its model parses it, so models
and widgets never see which server spoke. The variants are those of the seed guide's own backend
(docs/api.md, "Servers without our extensions"): tokens nested under `tokens` and the user as
`authUser` (integer id, `roles`), an epoch `expires_at`, `{"suggestions"}`, `{"hospital",
"providers"}`, `statistics`, profiles without `full_name` or `license_status`, and errors as
`{"error", "details"}` holding a Python repr of DRF's error dict.

Values are derived only where the answer implies them (`full_name` from the names, `license_status`
from `license_verified`); a field the answer does not give stays missing (unknown, shown as "—").
An answer none of these explain raises IncompatibleServerError naming the endpoint and what is
missing; `shape()` describes a body for the log without any of its values.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from app.api.errors import IncompatibleServerError

INVALID_CREDENTIALS = re.compile(r"invalid (email|credentials|username)|unable to log in|no active account", re.I)
_FIELD = re.compile(r"'(\w+)':\s*\[(.*?)\]", re.S)
_DETAIL = re.compile(r"""string=(['"])(.*?)\1, code=""", re.S)
_STATS = {"total_appointments": "total", "upcoming_appointments": "upcoming",
          "completed_appointments": "completed", "patients_count": "patients"}


def shape(body: Any, depth: int = 0) -> Any:
    """The body's keys and value types, no values (a list shows its first item): safe to log."""
    if isinstance(body, dict):
        return {k: shape(v, depth + 1) if depth < 2 else type(v).__name__ for k, v in body.items()}
    if isinstance(body, list):
        return [shape(body[0], depth + 1)] if body and depth < 2 else "list"
    return type(body).__name__


def _object(body: Any, endpoint: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise IncompatibleServerError(endpoint, "not a JSON object")
    return body


# ---- accounts and tokens ----

def user(raw: Any, role: Any = None) -> dict[str, Any]:
    """A user in our shape: string id, one `role` (from `role`, the answer's `role`, or `roles[0]`)."""
    if not isinstance(raw, dict):
        return {}
    roles = raw.get("roles")
    first_role = roles[0] if isinstance(roles, list) and roles else None
    found = dict(raw)
    found["role"] = raw.get("role") or role or first_role
    if isinstance(found.get("id"), int):
        found["id"] = str(found["id"])
    return found


def tokens(body: Any, endpoint: str) -> dict[str, Any]:
    """`access` and `refresh` at the top level (ours) or under `tokens` (the seed's backend)."""
    data = _object(body, endpoint)
    nested: dict[str, Any] = data["tokens"] if isinstance(data.get("tokens"), dict) else {}
    access = data.get("access") or nested.get("access")
    refresh = data.get("refresh") or nested.get("refresh")
    if not isinstance(access, str) or not access:
        raise IncompatibleServerError(endpoint, "no access token")
    if not isinstance(refresh, str) or not refresh:
        raise IncompatibleServerError(endpoint, "no refresh token")
    return {"access": access, "refresh": refresh}


def signed_in(body: Any, endpoint: str = "sign-in") -> dict[str, Any]:
    """A login (or registration) answer: tokens, the user, and the profile when it came along."""
    data = _object(body, endpoint)
    found = tokens(data, endpoint)
    account = user(data.get("user") or data.get("authUser"), data.get("role"))
    if not account.get("id") or not account.get("email"):
        raise IncompatibleServerError(endpoint, "no user")
    if not account.get("role"):
        raise IncompatibleServerError(endpoint, "no role")
    profile = data.get("profile") or data.get("userProfile")
    return {**found, "user": account, "profile": provider(profile) if isinstance(profile, dict) else None}


def validation(body: Any) -> dict[str, Any]:
    """A token check: `valid`, the user when given (else None: ask the profile), `expires_at` as a time."""
    data = _object(body, "the session check")
    if not isinstance(data.get("valid"), bool):
        raise IncompatibleServerError("the session check", "no valid flag")
    expires = data.get("expires_at")
    if isinstance(expires, int | float):
        expires = datetime.fromtimestamp(expires, UTC).isoformat()
    account = user(data.get("user")) or None
    return {"valid": data["valid"], "user": account, "user_id": data.get("user_id"), "expires_at": expires}


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


def providers(body: Any, endpoint: str, *keys: str) -> list[dict[str, Any]]:
    """A list of providers: a bare array (ours) or under one of `keys` (`suggestions`, `providers`)."""
    items = body
    if isinstance(body, dict):
        items = next((body[k] for k in (*keys, "results") if isinstance(body.get(k), list)), None)
    if not isinstance(items, list):
        raise IncompatibleServerError(endpoint, "no list of providers")
    return [provider(item) for item in items]


def page(body: Any, endpoint: str) -> dict[str, Any]:
    """A page of providers with each item read by `provider`."""
    data = _object(body, endpoint)
    if not isinstance(data.get("results"), list):
        raise IncompatibleServerError(endpoint, "no results")
    return {**data, "results": [provider(item) for item in data["results"]]}


def dashboard(body: Any) -> dict[str, Any]:
    """The provider's dashboard: `provider_profile` or `provider`, `stats` or `statistics`."""
    data = _object(body, "the dashboard")
    profile = data.get("provider_profile") or data.get("provider")
    if not isinstance(profile, dict):
        raise IncompatibleServerError("the dashboard", "no provider")
    profile = provider(profile)
    stats = data.get("stats")
    if not isinstance(stats, dict):
        given: dict[str, Any] = data["statistics"] if isinstance(data.get("statistics"), dict) else {}
        stats = {ours: given[theirs] for ours, theirs in _STATS.items() if theirs in given}
    return {"provider_profile": profile, "stats": stats,
            "recent_activities": data.get("recent_activities") or [],
            "notifications": data.get("notifications") or [],
            "license_status": data.get("license_status") or profile.get("license_status")}


# ---- errors ----

def _messages(text: str) -> list[str]:
    found = [m for _, m in _DETAIL.findall(text)]
    return found or [text.strip(" '\"")]


def field_errors(body: Any) -> tuple[dict[str, list[str]], list[str]] | None:
    """Field and other messages of a variant's 400 (`{"error"}` or `{"error", "details"}`, either a
    dict or the Python repr of DRF's ErrorDetail dict); None when the body is not of that kind."""
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


def is_invalid_credentials(messages: list[str]) -> bool:
    """Whether a refused login's messages are the invalid-credentials one (an authentication error)."""
    return any(INVALID_CREDENTIALS.search(m) for m in messages)
