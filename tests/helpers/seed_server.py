"""A server that answers as the seed guide's own backend does, not as our contract: the variant server.

A small WSGI app, run as a process on a free port (`python -m tests.helpers.seed_server`), with a few
seeded providers in memory. It answers exactly the shapes recorded from that backend (docs/api.md,
"Servers without our extensions"): nested tokens and `authUser` at login, DRF error reprs in 400s,
validate reading a `{"token"}` body, a logout that revokes nothing, a profile without ETag,
`statistics`, lists fixed at 20 a page, `{"suggestions"}`, `{"hospital", "providers"}`, and HTML 404
pages for our extensions. `POST /__seed__/...` changes its data for the tests.
"""
from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

PASSWORD = "seed-pass-2026"
ACCOUNT = "seed.provider@example.org"
SUPERUSER = "seed.admin@example.org"  # made by that backend's `createsuperuser`: role "user", roles []
PERMISSIONS = {"can_view_own_data": True, "can_edit_own_profile": True, "can_view_appointments": True,
               "can_manage_appointments": True, "can_view_patient_data": True, "can_add_medical_records": True,
               "can_prescribe_medications": True}
PAGE = 20
INVALID = "{'non_field_errors': [ErrorDetail(string='Invalid email or password.', code='invalid')]}"
HTML_404 = b"<!doctype html><html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>"
HOSPITALS = [{"id": str(uuid.UUID(int=1000 + n)), "name": name, "city": city}
             for n, (name, city) in enumerate((("Mercy General", "Austin"), ("Lakeside Clinic", "Dallas")))]
SPECIALTIES = ("Cardiology", "Dermatology", "Pediatrics", "Oncology")
Answer = tuple[int, Any]


def _provider(n: int, first: str, last: str, email: str) -> dict[str, Any]:
    return {"id": str(uuid.UUID(int=n)), "first_name": first, "last_name": last, "email": email,
            "phone_number": "", "professional_title": "Dr.", "professional_role": "Physician",
            "organization_facility": "Mercy General", "specialization": SPECIALTIES[n % 4],
            "license_number": f"TX-{n:05d}", "license_verified": n % 3 != 0, "years_of_experience": n % 30,
            "consultation_fee": f"{100 + n}.00", "bio": "", "additional_information": "", "address": "",
            "hospital_clinic": "", "is_active": True, "hospitals": [HOSPITALS[n % 2]],
            "created_at": "2026-01-05T10:00:00Z", "updated_at": f"2026-02-{1 + n % 27:02d}T10:00:00Z"}


class SeedData:
    """The server's state: users by email, providers by id, tokens."""

    def __init__(self, providers: int) -> None:
        self.providers = {p["id"]: p for p in (_provider(n, f"First{n:02d}", f"Last{n:02d}",
                                                         f"p{n}@example.org") for n in range(1, providers + 1))}
        own = _provider(providers + 1, "Sam", "Seed", ACCOUNT)
        self.providers[own["id"]] = own
        self.users: dict[str, dict[str, Any]] = {}
        self.ids = itertools.count(17)
        self._add_user(ACCOUNT, PASSWORD, "sam.seed", "Sam", "Seed", own["id"])
        self._add_user(SUPERUSER, PASSWORD, "seedadmin", "Seed", "Admin", "")["roles"] = []
        self.access: dict[str, str] = {}  # token -> email
        self.refresh: dict[str, str] = {}
        self.tokens = itertools.count(1)
        self.broken_login = False

    def _add_user(self, email: str, password: str, username: str, first: str, last: str, pid: str) -> dict[str, Any]:
        user = {"id": next(self.ids), "email": email, "username": username, "first_name": first,
                "last_name": last, "roles": ["provider"], "password": password, "provider_id": pid}
        self.users[email] = user
        return user

    def pair(self, email: str) -> dict[str, str]:
        n = next(self.tokens)
        access, refresh = f"access-{n}-{uuid.uuid4().hex}", f"refresh-{n}-{uuid.uuid4().hex}"
        self.access[access], self.refresh[refresh] = email, email
        return {"access": access, "refresh": refresh}

    def signed_in(self, user: dict[str, Any], message: str) -> dict[str, Any]:
        permissions = PERMISSIONS if user["roles"] else {}
        public = {k: user[k] for k in ("id", "email", "username", "first_name", "last_name", "roles")}
        role = {"name": user["roles"][0] if user["roles"] else "user", "permissions": permissions}
        return {"message": message, "authUser": {**public, "permissions": permissions}, "userProfile": None,
                "role": role, "tokens": self.pair(user["email"])}


def _full(p: dict[str, Any]) -> str:
    return f"{p['first_name']} {p['last_name']}"


def _item(p: dict[str, Any]) -> dict[str, Any]:
    return {"id": p["id"], "full_name": _full(p), "specialization": p["specialization"],
            "hospital_names": [h["name"] for h in p["hospitals"]],
            "years_of_experience": p["years_of_experience"], "consultation_fee": p["consultation_fee"],
            "is_active": p["is_active"]}


HIDDEN_IN_DETAIL = ("professional_title", "professional_role", "organization_facility", "license_verified",
                    "address", "hospital_clinic")


def _detail(p: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in p.items() if k not in HIDDEN_IN_DETAIL}, "full_name": _full(p)}


def _profile(p: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in p.items() if k != "hospitals" and k != "is_active"}, "user_id": user["id"],
            "user_email": user["email"], "user_first_name": user["first_name"], "user_last_name": user["last_name"]}


def _drf(errors: dict[str, list[str]]) -> str:
    """DRF's ErrorDetail dict as Python prints it (what that backend puts in its error strings)."""
    inner = ", ".join(f"'{k}': [" + ", ".join(f"ErrorDetail(string='{m}', code='invalid')" for m in ms) + "]"
                      for k, ms in errors.items())
    return "{" + inner + "}"


PROFILE_FIELDS = ("first_name", "last_name", "phone_number", "specialization", "bio", "years_of_experience",
                  "consultation_fee", "professional_title", "professional_role", "organization_facility",
                  "license_number", "additional_information", "address", "hospital_clinic")


class SeedApp:
    """The WSGI application (one thread per request; one lock-free dict is enough for tests)."""

    def __init__(self, data: SeedData) -> None:
        self.data = data
        self.routes: list[tuple[str, re.Pattern[str], Callable[..., Answer]]] = [
            ("POST", re.compile(r"auth/login/"), self.login),
            ("POST", re.compile(r"auth/provider/register/"), self.register),
            ("POST", re.compile(r"auth/token/validate/"), self.validate),
            ("POST", re.compile(r"auth/token/refresh/"), self.refresh),
            ("POST", re.compile(r"auth/logout/"), self.logout),
            ("GET", re.compile(r"auth/provider/profile/"), self.profile),
            ("PATCH", re.compile(r"auth/provider/profile/"), self.update_profile),
            ("PUT", re.compile(r"auth/provider/profile/"), self.update_profile),
            ("GET", re.compile(r"auth/provider/dashboard/"), self.dashboard),
            ("GET", re.compile(r"providers/"), self.list),
            ("GET", re.compile(r"providers/search/"), self.search),
            ("GET", re.compile(r"providers/dropdown/"), self.dropdown),
            ("GET", re.compile(r"providers/hospital/([^/]+)/"), self.by_hospital),
            ("GET", re.compile(r"hospitals/"), self.hospitals),
            ("GET", re.compile(r"providers/(?!changes/)([^/]+)/"), self.detail),
            ("POST", re.compile(r"__seed__/remove/([^/]+)/"), self.remove),
            ("POST", re.compile(r"__seed__/rename/([^/]+)/([^/]+)/"), self.rename),
            ("POST", re.compile(r"__seed__/broken-login/"), self.break_login),
        ]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "").removeprefix("/api/v1/")
        method = environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            body = json.loads(raw) if raw and "json" in environ.get("CONTENT_TYPE", "") else {}
        except ValueError:
            body = {}
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        for verb, pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if verb == method and match:
                status, answer = handler(*match.groups(), body=body, query=query, token=token)
                break
        else:
            status, answer = 404, None
        if answer is None:
            start_response(f"{status} X", [("Content-Type", "text/html")])
            return [HTML_404]
        start_response(f"{status} X", [("Content-Type", "application/json")])
        return [json.dumps(answer).encode()]

    def _user(self, token: str) -> dict[str, Any] | None:
        email = self.data.access.get(token)
        return self.data.users.get(email) if email else None

    # ---- authentication ----

    def login(self, *, body: dict[str, Any], **_: Any) -> Answer:
        user = self.data.users.get(str(body.get("email", "")).lower())
        if user is None or user["password"] != body.get("password"):
            return 400, {"error": INVALID}
        if self.data.broken_login:
            return 200, {"message": "Login successful", "authUser": {"id": user["id"]}}
        return 200, self.data.signed_in(user, "Login successful")

    def register(self, *, body: dict[str, Any], **_: Any) -> Answer:
        errors: dict[str, list[str]] = {}
        for name in ("username", "first_name", "last_name", "email", "license_number"):
            if not str(body.get(name, "")).strip():
                errors[name] = ["This field may not be blank."]
        for name in ("years_of_experience", "consultation_fee"):
            if body.get(name) == "":
                errors[name] = ["A valid number is required."]
        if str(body.get("email", "")).lower() in self.data.users:
            errors["email"] = ["A user with that email already exists."]
        if body.get("password") != body.get("password_confirm"):
            errors["password_confirm"] = ["Passwords do not match."]
        if errors:
            return 400, {"error": "Registration failed", "details": _drf(errors)}
        pid = str(uuid.uuid4())
        record = _provider(len(self.data.providers) + 1, body["first_name"], body["last_name"], body["email"].lower())
        record.update({k: body[k] for k in PROFILE_FIELDS if k in body}, id=pid, license_verified=False)
        self.data.providers[pid] = record
        user = self.data._add_user(record["email"], body["password"], body["username"], body["first_name"],
                                   body["last_name"], pid)
        return 201, self.data.signed_in(user, "Registration successful")

    def validate(self, *, body: dict[str, Any], **_: Any) -> Answer:
        token = body.get("token")
        if not token:
            return 400, {"valid": False, "error": "Token is required"}
        user = self._user(str(token))
        if user is None:
            return 401, {"valid": False, "error": "Invalid token"}
        return 200, {"valid": True, "user_id": user["id"], "expires_at": 1_900_000_000}

    def refresh(self, *, body: dict[str, Any], **_: Any) -> Answer:
        email = self.data.refresh.get(str(body.get("refresh", "")))
        if email is None:
            return 401, {"detail": "Token is invalid or expired", "code": "token_not_valid"}
        return 200, self.data.pair(email)  # rotates; the old refresh token keeps working (no blacklist)

    def logout(self, *, body: dict[str, Any], token: str, **_: Any) -> Answer:
        if self._user(token) is None:
            return 401, {"detail": "Authentication credentials were not provided."}
        if not body.get("refresh_token"):
            return 400, {"error": "Refresh token is required"}
        return 200, {"message": "Logout successful"}  # nothing is revoked

    # ---- the provider's own records ----

    def profile(self, *, token: str, **_: Any) -> Answer:
        user = self._user(token)
        if user is None:
            return 401, {"detail": "Authentication credentials were not provided."}
        return 200, _profile(self.data.providers[user["provider_id"]], user)

    def update_profile(self, *, token: str, body: dict[str, Any], **_: Any) -> Answer:
        user = self._user(token)
        if user is None:
            return 401, {"detail": "Authentication credentials were not provided."}
        record = self.data.providers[user["provider_id"]]
        if "first_name" in body and not str(body["first_name"]).strip():
            return 400, {"first_name": ["This field may not be blank."]}
        record.update({k: body[k] for k in PROFILE_FIELDS if k in body})  # a document is silently dropped
        return 200, _profile(record, user)

    def dashboard(self, *, token: str, **_: Any) -> Answer:
        user = self._user(token)
        if user is None:
            return 401, {"detail": "Authentication credentials were not provided."}
        p = self.data.providers[user["provider_id"]]
        return 200, {"provider": {"id": p["id"], "full_name": _full(p), "email": p["email"],
                                  "specialization": p["specialization"], "license_verified": p["license_verified"]},
                     "statistics": {"total": 12, "today": 1, "week": 3, "month": 7, "upcoming": 2, "completed": 10},
                     "recent_appointments": []}

    # ---- directory ----

    def _active(self) -> list[dict[str, Any]]:
        listed = [p for p in self.data.providers.values() if p["is_active"]]
        return sorted(listed, key=lambda p: (p["last_name"], p["first_name"], p["id"]))

    def list(self, *, query: dict[str, str], **_: Any) -> Answer:
        items = self._active()
        page = int(query.get("page", "1") or 1)
        if page < 1 or (page - 1) * PAGE >= max(len(items), 1):
            return 404, {"detail": "Invalid page."}
        more = page * PAGE < len(items)
        return 200, {"count": len(items), "next": f"?page={page + 1}" if more else None,
                     "previous": f"?page={page - 1}" if page > 1 else None,
                     "results": [_item(p) for p in items[(page - 1) * PAGE:page * PAGE]]}

    def search(self, *, query: dict[str, str], **_: Any) -> Answer:
        words = query.get("q", "").casefold()
        hits = [p for p in self._active() if words and words in _full(p).casefold()]
        return 200, {"suggestions": [{"id": p["id"], "name": _full(p), "specialization": p["specialization"],
                                      "hospitals": [h["name"] for h in p["hospitals"]]} for p in hits[:10]]}

    def dropdown(self, **_: Any) -> Answer:
        return 200, [{"id": p["id"], "full_name": _full(p), "specialization": p["specialization"],
                      "organization_facility": p["organization_facility"]} for p in self._active()]

    def by_hospital(self, hospital_id: str, **_: Any) -> Answer:
        hospital = next((h for h in HOSPITALS if h["id"] == hospital_id), None)
        if hospital is None:
            return 404, {"detail": "Not found."}
        listed = [p for p in self._active() if hospital in p["hospitals"]]
        return 200, {"hospital": hospital, "providers": [_item(p) for p in listed]}

    def hospitals(self, **_: Any) -> Answer:
        return 200, {"count": len(HOSPITALS), "next": None, "previous": None,
                     "results": [{**h, "provider_count": 0} for h in HOSPITALS]}

    def detail(self, provider_id: str, **_: Any) -> Answer:
        record = self.data.providers.get(provider_id)
        if record is None:
            return 404, {"detail": "Not found."}
        return 200, _detail(record)

    # ---- the tests' controls ----

    def remove(self, provider_id: str, **_: Any) -> Answer:
        self.data.providers.pop(provider_id, None)
        return 200, {}

    def rename(self, provider_id: str, last: str, **_: Any) -> Answer:
        self.data.providers[provider_id]["last_name"] = last
        return 200, {}

    def break_login(self, **_: Any) -> Answer:
        self.data.broken_login = True
        return 200, {}


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""


@dataclass
class SeedServer:
    """The variant server's process, its address and its seeded account."""

    url: str
    process: subprocess.Popen[str]
    email: str = ACCOUNT
    password: str = PASSWORD

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"

    def control(self, *parts: str) -> None:
        """Change the server's data: `control("remove", id)`, `control("rename", id, last)`,
        `control("broken-login")`."""
        import httpx  # late: the server process itself needs only the standard library

        httpx.post(f"{self.api}/__seed__/{'/'.join(parts)}/", timeout=10).raise_for_status()

    def provider_ids(self) -> list[str]:
        import httpx  # late: see control()

        ids: list[str] = []
        page = 1
        while True:
            answer = httpx.get(f"{self.api}/providers/", params={"page": page}, timeout=10).json()
            ids += [item["id"] for item in answer["results"]]
            if not answer["next"]:
                return ids
            page += 1


@contextmanager
def running_seed_server(providers: int = 45) -> Iterator[SeedServer]:
    """Start the variant server in a process on a free port; stop it afterwards."""
    process = subprocess.Popen([sys.executable, "-m", "tests.helpers.seed_server", str(providers)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("Serving on "):
        process.kill()
        raise RuntimeError(f"the seed server did not start: {line!r}")
    try:
        yield SeedServer(line.split()[2].removesuffix("/api/v1/"), process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    providers = int(sys.argv[1]) if len(sys.argv) > 1 else 45
    server = make_server("127.0.0.1", 0, SeedApp(SeedData(providers)), server_class=_Server, handler_class=_Quiet)
    print(f"Serving on http://127.0.0.1:{server.server_port}/api/v1/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
