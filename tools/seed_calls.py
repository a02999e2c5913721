"""The calls the seed guide's backend is recorded with, and how two recordings are compared.

One scenario, run by `tools/seed_record.py` against a fresh local instance of that backend (its
answers become `tests/fixtures/seed_backend/answers.json`) and by `tests/test_seed_stand_in.py`
against the stand-in (`tests/helpers/seed_server.py`), which must answer the same. Every call is
recorded as its status, its content type and its JSON body; an HTML page (that backend's 404 for
a path it lacks) is recorded as its kind only. `comparable` keeps what must be equal: every value
but those that differ from run to run (ids, times, tokens), which keep only their type.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

PASSWORD = "Seed-pass-2026!"
NEW_PASSWORD = "Seed-pass-2027!"
UNKNOWN = "00000000-0000-0000-0000-000000000000"
SUPERUSER = {"email": "admin@seed.local", "username": "seedadmin", "first_name": "Seed", "last_name": "Admin"}
FORM = {"email": "joseph.ewool@hospital.com", "username": "jewool", "first_name": "Joseph", "last_name": "Ewool",
        "password": PASSWORD, "password_confirm": PASSWORD, "professional_title": "Dr.",
        "organization_facility": "General Hospital", "professional_role": "Physician",
        "specialization": "Cardiology", "license_number": "MD-100200", "additional_information": "",
        "hospital_clinic": "Ridge Clinic", "address": "1 Ridge Road"}
SCHEMA = "/api/schema/"
VOLATILE = frozenset({"id", "user_id", "created_at", "updated_at", "expires_at", "access", "refresh", "token"})


@dataclass
class Scenario:
    """Runs the calls against one server (`api`: its /api/v1 root) and keeps what each answered."""

    api: str
    superuser_password: str
    answers: list[dict[str, Any]] = field(default_factory=list)

    def call(self, name: str, method: str, path: str, *, bearer: str | None = None, **request: Any) -> Any:
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        url = f"{self.api.rsplit('/api/v1', 1)[0]}{path}" if path.startswith("/") else f"{self.api}/{path}"
        response = httpx.request(method, url, headers=headers, timeout=30, **request)
        kind = response.headers.get("Content-Type", "").split(";")[0]
        body = response.json() if kind.endswith("json") and response.content else None
        if path == SCHEMA and isinstance(body, dict):
            body = schema_outline(body)
        self.answers.append({"name": name, "method": method, "path": path, "status": response.status_code,
                             "content_type": kind, "body": body})
        return body

    def run(self) -> list[dict[str, Any]]:
        self._register()
        access = self._sign_in()
        record = self._profile(access)
        self._directory(access, record)
        self._extensions()
        self._password(access)
        self._sign_out()
        self._superuser()
        return self.answers

    def _register(self) -> None:
        c, path = self.call, "auth/provider/register/"
        c("register, the guide's form (blank username and phone)", "POST", path,
          json={**FORM, "username": "", "phone_number": ""})
        c("register", "POST", path, json=FORM)
        c("register again", "POST", path, json=FORM)
        c("register, passwords differ", "POST", path, json={
            **FORM, "email": "other@hospital.com", "username": "other", "license_number": "MD-300400",
            "password_confirm": NEW_PASSWORD})
        c("register, fields missing", "POST", path, json={k: FORM[k] for k in ("email", "first_name", "last_name")})

    def _sign_in(self) -> str:
        c = self.call
        c("login, wrong password", "POST", "auth/login/", json={"email": FORM["email"], "password": "not-it-2026"})
        c("login without the slash", "POST", "auth/login", json={"email": FORM["email"], "password": PASSWORD})
        tokens = c("login", "POST", "auth/login/", json={"email": FORM["email"], "password": PASSWORD})["tokens"]
        access, refresh = tokens["access"], tokens["refresh"]
        c("validate, bearer only", "POST", "auth/token/validate/", bearer=access, json={})
        c("validate, token in the body", "POST", "auth/token/validate/", json={"token": access})
        c("refresh", "POST", "auth/token/refresh/", json={"refresh": refresh})
        c("refresh again with the same token", "POST", "auth/token/refresh/", json={"refresh": refresh})
        return str(access)

    def _profile(self, access: str) -> dict[str, Any]:
        c, path = self.call, "auth/provider/profile/"
        c("profile", "GET", path, bearer=access)
        c("profile PATCH", "PATCH", path, bearer=access, json={"bio": "Cardiologist", "years_of_experience": 7})
        c("profile PUT", "PUT", path, bearer=access, json={
            **{k: FORM[k] for k in ("email", "first_name", "last_name", "professional_title", "organization_facility",
                                    "professional_role", "license_number")},
            "specialization": "Interventional Cardiology", "bio": "", "years_of_experience": 0})
        c("profile PATCH, unknown role", "PATCH", path, bearer=access, json={"professional_role": "Wizard"})
        record = c("profile PATCH, license_verified (read-only)", "PATCH", path, bearer=access,
                   json={"license_verified": True})
        c("provider dashboard", "GET", "auth/provider/dashboard/", bearer=access)
        return dict(record)

    def _directory(self, access: str, record: dict[str, Any]) -> None:
        c = self.call
        c("list", "GET", "providers/", bearer=access, params={"page": 1, "page_size": 50})
        c("list, search and ordering", "GET", "providers/", bearer=access,
          params={"search": "Ewool", "ordering": "-last_name"})
        c("list, unknown filter", "GET", "providers/", bearer=access, params={"professional_role": "Nurse"})
        c("list, unknown ordering", "GET", "providers/", bearer=access, params={"ordering": "bogus"})
        c("list, a page past the end", "GET", "providers/", bearer=access, params={"page": 9})
        c("list, anonymous", "GET", "providers/")
        c("search", "GET", "providers/search/", bearer=access, params={"q": "Ew", "limit": 20})
        c("search, one letter", "GET", "providers/search/", bearer=access, params={"q": "E"})
        c("dropdown", "GET", "providers/dropdown/", bearer=access)
        c("detail", "GET", f"providers/{record['id']}/", bearer=access)
        c("detail, unknown", "GET", f"providers/{UNKNOWN}/", bearer=access)
        c("hospitals", "GET", "hospitals/", bearer=access)
        c("providers of an unknown hospital", "GET", f"providers/hospital/{UNKNOWN}/", bearer=access)

    def _extensions(self) -> None:
        c = self.call
        c("change feed (ours only)", "GET", "providers/changes/")
        c("health (ours only)", "GET", "health/")
        c("HEAD at the sign-in path", "HEAD", "auth/login/")
        c("OPTIONS at the sign-in path (a probe without /health/)", "OPTIONS", "auth/login/")
        c("staff dashboard (ours only)", "GET", "dashboard/")
        c("password change at our path", "POST", "auth/password/change/", json={})
        c("OpenAPI document (its paths and answers)", "GET", SCHEMA, params={"format": "json"})

    def _password(self, access: str) -> None:
        c, path = self.call, "auth/change-password/"
        c("change password, wrong current", "POST", path, bearer=access, json={
            "current_password": "not-it-2026", "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
        c("change password, new ones differ", "POST", path, bearer=access, json={
            "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": PASSWORD})
        c("change password, too short", "POST", path, bearer=access, json={
            "current_password": PASSWORD, "new_password": "short", "new_password_confirm": "short"})
        c("change password", "POST", path, bearer=access, json={
            "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
        c("profile with the token from before the change", "GET", "auth/provider/profile/", bearer=access)
        c("login with the old password", "POST", "auth/login/", json={"email": FORM["email"], "password": PASSWORD})

    def _sign_out(self) -> None:
        c = self.call
        tokens = c("login with the new password", "POST", "auth/login/",
                   json={"email": FORM["email"], "password": NEW_PASSWORD})["tokens"]
        access, refresh = tokens["access"], tokens["refresh"]
        c("logout {refresh}, no bearer", "POST", "auth/logout/", json={"refresh": refresh})
        c("logout {refresh}", "POST", "auth/logout/", bearer=access, json={"refresh": refresh})
        c("logout {refresh_token}", "POST", "auth/logout/", bearer=access, json={"refresh_token": refresh})
        c("refresh after logout", "POST", "auth/token/refresh/", json={"refresh": refresh})
        c("profile after logout", "GET", "auth/provider/profile/", bearer=access)

    def _superuser(self) -> None:
        c = self.call
        tokens = c("login, superuser", "POST", "auth/login/",
                   json={"email": SUPERUSER["email"], "password": self.superuser_password})["tokens"]
        access = tokens["access"]
        c("provider profile, superuser", "GET", "auth/provider/profile/", bearer=access)
        c("provider dashboard, superuser", "GET", "auth/provider/dashboard/", bearer=access)
        c("list, superuser", "GET", "providers/", bearer=access)


def schema_outline(document: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI document reduced to what a client learns from it: each path's methods, the
    statuses each documents and how a caller may authenticate (its 454 KB of descriptions are no
    one's concern here)."""
    def outline(op: dict[str, Any]) -> dict[str, Any]:
        kept: dict[str, Any] = {"responses": {status: {} for status in (op.get("responses") or {})}}
        if "security" in op:
            kept["security"] = op["security"]
        return kept

    paths: dict[str, Any] = {path: {method: outline(op) for method, op in item.items() if isinstance(op, dict)}
             for path, item in (document.get("paths") or {}).items() if isinstance(item, dict)}
    return {"openapi": document.get("openapi"), "paths": paths}


def comparable(value: Any, key: str = "") -> Any:
    """`value` with what differs from run to run (ids, times, tokens) reduced to its type."""
    if key in VOLATILE and value is not None:
        return f"<{type(value).__name__}>"
    if isinstance(value, dict):
        return {k: comparable(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [comparable(v, key) for v in value]
    return value


def masked(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answers as the fixture keeps them: tokens replaced (they are credentials, however local)."""
    def mask(value: Any, key: str = "") -> Any:
        if key in {"access", "refresh", "token"} and isinstance(value, str):
            return "<jwt>"
        if isinstance(value, dict):
            return {k: mask(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        return value
    return [mask(answer) for answer in answers]


def dumps(answers: list[dict[str, Any]]) -> str:
    return json.dumps(masked(answers), indent=1, ensure_ascii=False) + "\n"
