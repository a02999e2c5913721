"""Start the reference server as a real process on a free port, with a fresh database."""
from __future__ import annotations

import base64
import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Generator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-pass-2026"
DEMO_ACCOUNTS = {
    "facility_admin": "admin@demo.local",
    "credentialing_officer": "credentialing@demo.local",
    "provider": "provider@demo.local",
}
# PROVIDERDESK_TEST_ACCESS_SECONDS=60 gives the test servers one-minute access tokens (README,
# "Tests"): a test that keeps a token longer than the run allows then fails on any machine, not only
# on a slow one. Servers started with their own JWT_ACCESS_LIFETIME_SECONDS keep theirs.
ACCESS_SECONDS = os.environ.get("PROVIDERDESK_TEST_ACCESS_SECONDS")
# Generous limits so that a test suite's many requests from 127.0.0.1 are not throttled;
# the throttle tests start a server of their own with the real limits.
TEST_ENV = {
    **({"JWT_ACCESS_LIFETIME_SECONDS": ACCESS_SECONDS} if ACCESS_SECONDS else {}),
    "THROTTLE_ANON": "100000/minute",
    "THROTTLE_USER": "100000/minute",
    "THROTTLE_REGISTER": "100000/minute",
    # every test signs in from 127.0.0.1: the per-address cap would throttle the whole suite
    "LOGIN_ADDRESS_FAILURES": "100000",
}


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[str]
    data_dir: Path
    database_url: str | None = None
    output: list[str] = field(default_factory=list)

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"

    def client(self, token: str | None = None, *, auth: httpx.Auth | None = None) -> httpx.Client:
        """A client of the API, anonymous, with a fixed `token`, or with `auth` (SignIns.auth)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.api, headers=headers, auth=auth, timeout=30)

    def login(self, email: str, password: str = DEMO_PASSWORD) -> dict:
        with self.client() as client:
            answer = client.post("/auth/login/", json={"email": email, "password": password})
        answer.raise_for_status()
        return answer.json()

    def manage(self, *args: str) -> str:
        """Run `python -m server manage ARGS` on this server's database; its output."""
        env = {**os.environ, "PROVIDERDESK_DATA_DIR": str(self.data_dir)}
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        done = subprocess.run([sys.executable, "-m", "server", "manage", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=True)
        return done.stdout

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _lifetime(token: str) -> tuple[float, float]:
    """When a JWT was issued and when it expires (seconds since the epoch), read from its payload."""
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return float(claims["iat"]), float(claims["exp"])


class SignIns(Mapping[str, str]):
    """Access tokens of named accounts on one server, each signed in on first use and renewed whenever
    less than half its lifetime is left: a token taken from here lives at least that long (7.5 minutes
    with the server's 15-minute tokens, 30 s with PROVIDERDESK_TEST_ACCESS_SECONDS=60), however long the
    run took before. Renewed with the refresh token, as the desktop does (a test may have changed the
    account's email meanwhile: the schema fuzz does), and signed in again only when that is refused.
    A client that keeps signing requests for longer takes `auth(name)`, which asks on every request."""

    def __init__(self, server: LiveServer, accounts: Mapping[str, str] | None = None) -> None:
        self.server = server
        self._accounts: dict[str, tuple[str, str]] = {
            name: (email, DEMO_PASSWORD) for name, email in (accounts or DEMO_ACCOUNTS).items()}
        self._sessions: dict[str, _Session] = {}

    def add(self, name: str, email: str, password: str = DEMO_PASSWORD) -> None:
        self._accounts[name] = (email, password)

    def __getitem__(self, name: str) -> str:
        session = self._sessions.get(name)
        if session is None or time.time() >= session.renew_at:
            session = (session and self._refreshed(session)) or self._signed_in(name)
            self._sessions[name] = session
        return session.access

    def _signed_in(self, name: str) -> _Session:
        email, password = self._accounts[name]
        answer = self.server.login(email, password)
        return _Session.of(answer["access"], answer["refresh"])

    def _refreshed(self, session: _Session) -> _Session | None:
        with self.server.client() as anon:
            answer = anon.post("/auth/token/refresh/", json={"refresh": session.refresh})
        if answer.status_code != 200:
            return None
        body = answer.json()
        return _Session.of(body["access"], body.get("refresh", session.refresh))  # a rotating server answers one

    def __iter__(self) -> Iterator[str]:
        return iter(self._accounts)

    def __len__(self) -> int:
        return len(self._accounts)

    def auth(self, name: str) -> httpx.Auth:
        """Signs each request with a token of `name` taken from here at the time it is sent."""
        return _SignedAs(self, name)

    def client(self, name: str | None) -> httpx.Client:
        """A client of the server signed in as `name` for as long as it is used (None: anonymous)."""
        return self.server.client(auth=None if name is None else self.auth(name))


@dataclass(frozen=True)
class _Session:
    access: str
    refresh: str
    renew_at: float  # seconds since the epoch: half the access token's lifetime

    @classmethod
    def of(cls, access: str, refresh: str) -> _Session:
        issued, expires = _lifetime(access)
        return cls(access, refresh, issued + (expires - issued) / 2)


class _SignedAs(httpx.Auth):
    def __init__(self, sign_ins: SignIns, name: str) -> None:
        self.sign_ins = sign_ins
        self.name = name

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.sign_ins[self.name]}"
        yield request


def postgres_database(base_url: str) -> str:
    """A fresh, empty database on the PostgreSQL server of `base_url`; its URL."""
    import psycopg

    name = f"pd_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name


def postgres_drop(database_url: str) -> None:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server(
    data_dir: Path, *, demo_providers: int | None = 60, env: dict[str, str] | None = None, timeout: float = 120,
    port: int = 0, extra: tuple[str, ...] = (),
) -> LiveServer:
    """Run `python -m server serve --port 0 [extra]` and wait for its `Serving on` line."""
    child_env = {**os.environ, **TEST_ENV, **(env or {})}
    database_url = None
    # a DATABASE_URL in `env` is the test's own database (shared by its servers): kept as it is
    if os.environ.get("PROVIDERDESK_TEST_DATABASE_URL") and "DATABASE_URL" not in (env or {}):
        database_url = postgres_database(os.environ["PROVIDERDESK_TEST_DATABASE_URL"])
        child_env["DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "server", "serve", "--port", str(port), "--data-dir", str(data_dir), *extra]
    if demo_providers is not None:
        command += ["--demo", "--demo-providers", str(demo_providers)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=child_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            if process.poll() is not None:
                break
            continue
        if line.startswith("Serving on "):
            url = line.split()[2].removesuffix("/api/v1/")
            return LiveServer(url, process, data_dir, database_url, output)
    process.kill()
    if database_url:
        postgres_drop(database_url)
    raise RuntimeError("server did not start:\n" + "".join(output))


@contextmanager
def running_server(data_dir: Path, **kwargs: object) -> Iterator[LiveServer]:
    server = start_server(data_dir, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
        if server.database_url:
            postgres_drop(server.database_url)
