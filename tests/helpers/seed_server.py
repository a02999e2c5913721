"""A server that answers as the seed guide's own backend does, not as our contract: the variant server.

A small WSGI app, run as a process on a free port (`python -m tests.helpers.seed_server`), with a few
seeded providers in memory (none with 0: a fresh instance). It answers what that backend answers,
as recorded from it by tools/seed_record.py (tests/fixtures/seed_backend/answers.json; the shapes and
words are in seed_shapes.py, and tests/test_seed_stand_in.py runs the recorded scenario against this
server and compares): nested tokens, `authUser` and a `role` object at login, a superuser of role
"user", DRF error reprs in 400s, validate reading a `{"token"}` body, a logout that revokes nothing
(400 "Invalid token" when asked to), its own password change, a profile without ETag, `statistics`,
lists fixed at 20 a page, `{"suggestions"}`, `{"hospital", "providers"}`, its OpenAPI document's
outline, and HTML 404 pages for our extensions. `POST /__seed__/...` changes its data for the tests.
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
from datetime import UTC, datetime
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from tests.helpers import seed_shapes as shapes

PASSWORD = "seed-pass-2026"
ACCOUNT = "seed.provider@example.org"
SUPERUSER = "admin@seed.local"  # made by that backend's `createsuperuser`: role "user", roles []
PAGE = 20
HTML_404 = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Not Found</h1></body></html>"
INVALID_LOGIN = shapes.drf_repr({"non_field_errors": [("Invalid email or password.", "authorization")]})
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "seed_backend" / "answers.json"
HOSPITALS = [{"id": str(uuid.UUID(int=1000 + n)), "name": name, "city": city, "region": "TX",
              "hospital_type": "general"}
             for n, (name, city) in enumerate((("Mercy General", "Austin"), ("Lakeside Clinic", "Dallas")))]
SPECIALTIES = ("Cardiology", "Dermatology", "Pediatrics", "Oncology")
NO_APPOINTMENTS = {"total_appointments": 0, "today_appointments": 0, "week_appointments": 0,
                   "month_appointments": 0, "upcoming_appointments": 0, "completed_appointments": 0}
ORDERINGS = ("last_name", "specialization", "years_of_experience", "consultation_fee")
Answer = tuple[int, Any]


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _provider(n: int, first: str, last: str, email: str, hospitals: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": str(uuid.UUID(int=n)), "first_name": first, "last_name": last, "email": email,
            "phone_number": "", "professional_title": "Dr.", "professional_role": "Physician",
            "organization_facility": "Mercy General", "specialization": SPECIALTIES[n % 4],
            "license_number": f"TX-{n:05d}", "license_verified": False, "years_of_experience": n % 30,
            "consultation_fee": f"{100 + n}.00", "bio": "", "additional_information": "", "address": "",
            "hospital_clinic": "", "is_active": True, "hospitals": hospitals[n % 2:n % 2 + 1],
            "created_at": "2026-01-05T10:00:00Z", "updated_at": f"2026-02-{1 + n % 27:02d}T10:00:00Z",
            "appointments": dict(NO_APPOINTMENTS)}


class SeedData:
    """The server's state: users by email, providers by id, tokens. `providers=0` is a fresh instance:
    no hospitals, no providers, only the superuser (as tools/seed_record.py records it)."""

    def __init__(self, providers: int) -> None:
        self.hospitals = HOSPITALS if providers else []
        self.providers = {p["id"]: p for p in (_provider(n, f"First{n:02d}", f"Last{n:02d}", f"p{n}@example.org",
                                                         self.hospitals) for n in range(1, providers + 1))}
        self.users: dict[str, dict[str, Any]] = {}
        self.ids = itertools.count(1)
        self.add_user(SUPERUSER, PASSWORD, "seedadmin", "Seed", "Admin", None)
        if providers:
            own = _provider(providers + 1, "Sam", "Seed", ACCOUNT, self.hospitals)
            own.update(license_verified=True, appointments={**NO_APPOINTMENTS, "total_appointments": 12,
                                                            "upcoming_appointments": 2, "completed_appointments": 10})
            self.providers[own["id"]] = own
            self.add_user(ACCOUNT, PASSWORD, "sam.seed", "Sam", "Seed", own["id"])
        self.access: dict[str, str] = {}  # token -> email
        self.refresh: dict[str, str] = {}
        self.tokens = itertools.count(1)
        self.broken_login = False

    def add_user(self, email: str, password: str, username: str, first: str, last: str,
                 pid: str | None) -> dict[str, Any]:
        user = {"id": next(self.ids), "email": email, "username": username, "first_name": first, "last_name": last,
                "phone": None, "roles": ["provider"] if pid else [], "password": password, "provider_id": pid,
                "created_at": _now()}
        self.users[email] = user
        return user

    def pair(self, email: str) -> dict[str, str]:
        n = next(self.tokens)
        access, refresh = f"access-{n}-{uuid.uuid4().hex}", f"refresh-{n}-{uuid.uuid4().hex}"
        self.access[access], self.refresh[refresh] = email, email
        return {"access": access, "refresh": refresh}


def _recorded(method: str, path: str) -> Any:
    """The recorded body of that backend's answer to `method` at `path`."""
    answers = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return next(a["body"] for a in answers if (a["method"], a["path"]) == (method, path))


class SeedApp:
    """The WSGI application (one thread per request; one lock-free dict is enough for tests)."""

    def __init__(self, data: SeedData) -> None:
        self.data = data
        self.schema = _recorded("GET", "/api/schema/")  # the outline of its OpenAPI document
        self.options = _recorded("OPTIONS", "auth/login/")  # DRF's description of a view
        self.routes: list[tuple[str, re.Pattern[str], Callable[..., Answer]]] = [
            ("POST", re.compile(r"auth/login/?"), self.login),
            ("POST", re.compile(r"auth/provider/register/?"), self.register),
            ("POST", re.compile(r"auth/token/validate/?"), self.validate),
            ("POST", re.compile(r"auth/token/refresh/?"), self.refresh),
            ("POST", re.compile(r"auth/logout/?"), self.signed(self.logout)),
            ("POST", re.compile(r"auth/change-password/?"), self.signed(self.change_password)),
            ("GET", re.compile(r"auth/provider/profile/?"), self.signed(self.profile)),
            ("PATCH", re.compile(r"auth/provider/profile/?"), self.signed(self.update_profile)),
            ("PUT", re.compile(r"auth/provider/profile/?"), self.signed(self.replace_profile)),
            ("GET", re.compile(r"auth/provider/dashboard/?"), self.signed(self.dashboard)),
            ("GET", re.compile(r"providers/"), self.signed(self.list)),
            ("GET", re.compile(r"providers/search/"), self.signed(self.search)),
            ("GET", re.compile(r"providers/dropdown/"), self.signed(self.dropdown)),
            ("GET", re.compile(r"providers/hospital/([0-9a-f-]{36})/"), self.signed(self.by_hospital)),
            ("GET", re.compile(r"hospitals/"), self.signed(self.hospitals)),
            ("GET", re.compile(r"providers/([0-9a-f-]{36})/"), self.signed(self.detail)),
            ("POST", re.compile(r"__seed__/remove/([^/]+)/"), self.remove),
            ("POST", re.compile(r"__seed__/rename/([^/]+)/([^/]+)/"), self.rename),
            ("POST", re.compile(r"__seed__/broken-login/"), self.break_login),
        ]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        full = environ.get("PATH_INFO", "")
        path = full.removeprefix("/api/v1/")
        method = environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            body = json.loads(raw) if raw and "json" in environ.get("CONTENT_TYPE", "") else {}
        except ValueError:
            body = {}
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        if method == "HEAD":  # no body, whatever the answer (as Django's server sends it)
            found = any(p.fullmatch(path) for _, p, _ in self.routes)
            kind = "application/json" if found else "text/html"
            start_response("405 X" if found else "404 X", [("Content-Type", kind)])
            return []
        if method == "OPTIONS" and any(p.fullmatch(path) for _, p, _ in self.routes):
            start_response("200 OK", [("Content-Type", "application/json")])  # only the sign-in's is recorded
            return [json.dumps(self.options).encode()]
        if full == "/api/schema/" and method == "GET":
            start_response("200 OK", [("Content-Type", "application/vnd.oai.openapi+json")])
            return [json.dumps(self.schema).encode()]
        for verb, pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if verb == method and match:
                status, answer = handler(*match.groups(), body=body if isinstance(body, dict) else {},
                                         query=query, token=token)
                break
        else:
            status, answer = 404, None
        if answer is None:
            start_response(f"{status} X", [("Content-Type", "text/html; charset=utf-8")])
            return [HTML_404]
        start_response(f"{status} X", [("Content-Type", "application/json")])
        return [json.dumps(answer).encode()]

    def signed(self, handler: Callable[..., Answer]) -> Callable[..., Answer]:
        """`handler` for a signed-in user only (it gets `user`); 401 otherwise, as that backend says it."""
        def call(*args: Any, token: str, **kwargs: Any) -> Answer:
            email = self.data.access.get(token)
            user = self.data.users.get(email) if email else None
            if user is None:
                return 401, shapes.NOT_SIGNED_IN
            return handler(*args, user=user, **kwargs)
        return call

    # ---- authentication ----

    def login(self, *, body: dict[str, Any], **_: Any) -> Answer:
        user = self.data.users.get(str(body.get("email", "")).lower())
        if user is None or user["password"] != body.get("password"):
            return 400, {"error": INVALID_LOGIN}
        if self.data.broken_login:
            return 200, {"message": "Login successful", "authUser": {"id": user["id"]}}
        return 200, shapes.signed_in(user, "Login successful", self.data.pair(user["email"]))

    def register(self, *, body: dict[str, Any], **_: Any) -> Answer:
        users = self.data.users.values()
        errors = shapes.registration_errors(body, {u["email"] for u in users}, {u["username"] for u in users})
        refused = shapes.registration_refusal(body, errors, {p["license_number"] for p in self.data.providers.values()})
        if refused is not None:
            return 400, refused
        record = _provider(len(self.data.providers) + 1, str(body.get("first_name", "")),
                           str(body.get("last_name", "")), body["email"].lower(), [])
        record.update({k: body[k] for k in shapes.PROFILE if k in body and k != "email"}, id=str(uuid.uuid4()),
                      years_of_experience=int(body.get("years_of_experience", 0)),
                      consultation_fee=f"{float(body.get('consultation_fee', 0)):.2f}", created_at=_now(),
                      updated_at=_now())
        self.data.providers[record["id"]] = record
        user = self.data.add_user(record["email"], body["password"], body["username"], record["first_name"],
                                  record["last_name"], record["id"])
        return 201, shapes.signed_in(user, "Healthcare provider registered successfully", self.data.pair(user["email"]))

    def validate(self, *, body: dict[str, Any], **_: Any) -> Answer:
        token = body.get("token")
        if not token:
            return 400, {"valid": False, "error": "Token is required"}
        email = self.data.access.get(str(token))
        if email is None:
            return 401, {"valid": False, "error": "Invalid token"}
        return 200, {"valid": True, "user_id": self.data.users[email]["id"], "expires_at": 1_900_000_000}

    def refresh(self, *, body: dict[str, Any], **_: Any) -> Answer:
        email = self.data.refresh.get(str(body.get("refresh", "")))
        if email is None:
            return 401, {"detail": "Token is invalid or expired", "code": "token_not_valid"}
        return 200, self.data.pair(email)  # rotates; the old refresh token keeps working (no blacklist)

    def logout(self, *, body: dict[str, Any], **_: Any) -> Answer:
        if body.get("refresh_token"):
            return 400, {"error": "Invalid token"}  # its blacklist app is not installed: revoking fails
        return 200, {"message": "Logout successful"}  # and without `refresh_token` nothing is revoked

    def change_password(self, *, body: dict[str, Any], user: dict[str, Any], **_: Any) -> Answer:
        errors = shapes.password_errors(body, user["password"])
        if errors:
            return 400, errors
        user["password"] = body["new_password"]  # every token issued before goes on working
        return 200, {"message": "Password changed successfully"}

    # ---- the provider's own records ----

    def _own(self, user: dict[str, Any]) -> dict[str, Any] | None:
        return self.data.providers.get(user["provider_id"]) if user["provider_id"] else None

    def profile(self, *, user: dict[str, Any], **_: Any) -> Answer:
        record = self._own(user)
        return (200, shapes.profile(record, user)) if record else (404, shapes.NO_PROFILE)

    def replace_profile(self, *, user: dict[str, Any], body: dict[str, Any], **_: Any) -> Answer:
        return self.update_profile(user=user, body=body, replace=True)

    def update_profile(self, *, user: dict[str, Any], body: dict[str, Any], replace: bool = False,
                       **_: Any) -> Answer:
        record = self._own(user)
        if record is None:
            return 404, shapes.NO_PROFILE
        errors = shapes.profile_errors(body, replace)
        if errors:
            return 400, errors
        record.update({k: body[k] for k in shapes.PROFILE if k in body}, updated_at=_now())  # a document is dropped
        return 200, shapes.profile(record, user)

    def dashboard(self, *, user: dict[str, Any], **_: Any) -> Answer:
        record = self._own(user)
        return (200, shapes.dashboard(record)) if record else (404, shapes.NO_PROFILE)

    # ---- directory ----

    def _active(self, query: dict[str, str] | None = None) -> list[dict[str, Any]]:
        query = query or {}
        listed = [p for p in self.data.providers.values() if p["is_active"]]
        words = query.get("search", "").casefold()
        if words:
            listed = [p for p in listed if any(words in str(p[k]).casefold() for k in
                                               ("first_name", "last_name", "specialization", "hospital_clinic"))]
        listed.sort(key=lambda p: (p["last_name"], p["first_name"], p["id"]))
        ordering = query.get("ordering", "")
        if ordering.lstrip("-") in ORDERINGS:
            listed.sort(key=lambda p: p[ordering.lstrip("-")], reverse=ordering.startswith("-"))
        return listed

    def list(self, *, query: dict[str, str], **_: Any) -> Answer:
        items = self._active(query)
        page = int(query.get("page", "1") or 1)
        if page < 1 or (page - 1) * PAGE >= max(len(items), 1):
            return 404, {"detail": "Invalid page."}
        more = page * PAGE < len(items)
        return 200, {"count": len(items), "next": f"?page={page + 1}" if more else None,
                     "previous": f"?page={page - 1}" if page > 1 else None,
                     "results": [shapes.item(p) for p in items[(page - 1) * PAGE:page * PAGE]]}

    def search(self, *, query: dict[str, str], **_: Any) -> Answer:
        words = query.get("q", "").casefold()
        hits = [p for p in self._active() if len(words) >= 2 and words in shapes.full_name(p).casefold()]
        return 200, {"suggestions": [{"id": p["id"], "name": shapes.full_name(p), "specialization": p["specialization"],
                                      "hospitals": [h["name"] for h in p["hospitals"]]}
                                     for p in hits[:int(query.get("limit", "10") or 10)]]}

    def dropdown(self, **_: Any) -> Answer:
        return 200, [{"id": p["id"], "full_name": shapes.full_name(p), "specialization": p["specialization"],
                      "hospital_names": shapes.hospital_names(p)} for p in self._active()]

    def by_hospital(self, hospital_id: str, **_: Any) -> Answer:
        hospital = next((h for h in self.data.hospitals if h["id"] == hospital_id), None)
        if hospital is None:
            return 404, {"error": "Hospital not found"}
        listed = [p for p in self._active() if hospital in p["hospitals"]]
        return 200, {"hospital": shapes.hospital_ref(hospital), "providers": [shapes.item(p) for p in listed]}

    def hospitals(self, **_: Any) -> Answer:
        return 200, {"count": len(self.data.hospitals), "next": None, "previous": None,
                     "results": [shapes.hospital(h) for h in self.data.hospitals]}

    def detail(self, provider_id: str, **_: Any) -> Answer:
        record = self.data.providers.get(provider_id)
        if record is None:
            return 404, {"detail": "Not found."}
        return 200, shapes.detail(record)

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
        signed = httpx.post(f"{self.api}/auth/login/", json={"email": self.email, "password": self.password},
                            timeout=10).json()
        bearer = {"Authorization": f"Bearer {signed['tokens']['access']}"}
        while True:
            answer = httpx.get(f"{self.api}/providers/", params={"page": page}, headers=bearer, timeout=10).json()
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
