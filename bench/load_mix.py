"""The load benchmark's clients: who they are, what each does and how often (weights in bench/load.py's docstring)."""
from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta

import httpx

PROVIDER, ADMIN, OFFICER = "provider", "facility_admin", "credentialing_officer"
# Clients of each role, per 5 (a smooth round robin: any N has these proportions, each role once from N = 3).
ROLE_WEIGHTS = {PROVIDER: 2, ADMIN: 2, OFFICER: 1}
# Each role's operations, weights in percent; "decision" is three requests (queue, detail, decision).
# Sign-ins come on top, --sign-ins percent of every role's operations (none by default).
MIX: dict[str, dict[str, int]] = {
    PROVIDER: {"provider dashboard": 25, "search": 20, "list": 15, "detail": 15, "profile PATCH": 10,
               "changes": 10, "hospitals": 5},
    ADMIN: {"list": 25, "search": 25, "detail": 25, "changes": 10, "staff dashboard": 9, "hospitals": 6},
    OFFICER: {"decision": 50, "staff dashboard": 10, "changes": 10, "search": 10, "detail": 10, "list": 5,
              "hospitals": 5},
}
WRITES = ("profile PATCH", "decision")  # left out by --reads-only (the read mix)
COLD = "sign-in (cold)"
# Every endpoint the report lists, in its order (what the server sees: a decision counts thrice).
ENDPOINTS = (COLD, "sign-in", "list", "search", "detail", "provider dashboard", "staff dashboard", "hospitals",
             "changes", "profile PATCH", "credentialing queue", "license decision")
LIST_PAGE_MEAN = 4  # pages read are mostly the first few; an exponential tail reaches deep pages
RENEW_AFTER_S = 600  # access tokens live 15 minutes
REJECTED_SHARE = 0.2
VERIFIED_FOR = timedelta(days=730)

# (phase, endpoint, seconds, failure: "" or the status or exception, failure detail)
Record = Callable[[str, str, float, str, str], None]


def roles_for(clients: int) -> list[str]:
    """The role of each of `clients` clients, in ROLE_WEIGHTS' proportions (smooth weighted round robin)."""
    total, current, roles = sum(ROLE_WEIGHTS.values()), dict.fromkeys(ROLE_WEIGHTS, 0), []
    for _ in range(clients):
        for role, weight in ROLE_WEIGHTS.items():
            current[role] += weight
        chosen = max(current, key=lambda r: current[r])
        current[chosen] -= total
        roles.append(chosen)
    return roles


@dataclass(frozen=True)
class Account:
    role: str
    email: str
    password: str


@dataclass(frozen=True)
class Shared:
    """What every client shares: targets setup read from the seeded server, and the sign-ins' share."""

    staff_ids: tuple[str, ...]  # detail targets a staff member may open
    provider_ids: tuple[str, ...]  # ... and a provider (the credentialed directory)
    staff_pages: int  # list pages of 50
    provider_pages: int
    terms: tuple[str, ...]  # search prefixes
    cursor: str  # the change feed's head when the run began
    sign_in_percent: float = 0.0  # of each client's operations, beside its role's mix
    reads_only: bool = False  # the read mix: each role's mix without WRITES


@dataclass(frozen=True)
class ClientPlan:
    index: int
    account: Account
    decisions: tuple[str, ...] = ()  # an officer's own pending providers (no two officers share one)


class Client:
    """One person at a desktop: signs in, then runs operations of its role's mix one after the other."""

    def __init__(self, plan: ClientPlan, shared: Shared, http: httpx.AsyncClient, record: Record) -> None:
        self.plan, self.shared, self.http, self._record = plan, shared, http, record
        self.role = plan.account.role
        self.rng = random.Random(plan.index)
        self.phase = "cold"
        self.token = ""
        self._signed_at = 0.0
        self._etag: str | None = None
        self._cursor = shared.cursor
        self._decided = 0
        mix: dict[str, float] = {name: weight for name, weight in MIX[self.role].items()
                                 if not (shared.reads_only and name in WRITES)}
        if shared.sign_in_percent > 0:
            mix["sign-in"] = shared.sign_in_percent * sum(mix.values()) / (100 - shared.sign_in_percent)
        self._names, self._weights = list(mix), list(mix.values())
        self._ops: dict[str, Callable[[], Awaitable[None]]] = {
            "sign-in": self.sign_in, "list": self._list, "search": self._search, "detail": self._detail,
            "hospitals": self._hospitals, "changes": self._changes, "provider dashboard": self._provider_dashboard,
            "staff dashboard": self._staff_dashboard, "profile PATCH": self._profile_patch,
            "decision": self._decision,
        }

    def operations(self) -> list[str]:
        """Every operation of this client's mix once, in a random order (the warm-up's first pass)."""
        names = list(self._names)
        self.rng.shuffle(names)
        return names

    async def run(self, name: str | None = None) -> None:
        """Run operation `name`, or one drawn by the mix's weights; sign in again first when due."""
        if not self.token or time.monotonic() - self._signed_at > RENEW_AFTER_S:
            await self.sign_in()
        await self._ops[name or self.rng.choices(self._names, self._weights)[0]]()

    async def sign_in(self, endpoint: str = "sign-in") -> None:
        account = self.plan.account
        answer = await self._send(endpoint, "POST", "/auth/login/", {},
                                  json={"email": account.email, "password": account.password})
        if answer is not None:
            self.token, self._signed_at = answer.json()["access"], time.monotonic()

    async def _get(self, endpoint: str, path: str, **params: object) -> httpx.Response | None:
        return await self._send(endpoint, "GET", path, self._auth(), params=params)

    def _auth(self, **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **more}

    async def _send(self, endpoint: str, method: str, path: str, headers: dict[str, str], *, expect: int = 200,
                    **kwargs: object) -> httpx.Response | None:
        """One timed request (its whole body read); recorded, and None unless it answered `expect`."""
        start = time.perf_counter()
        try:
            answer = await self.http.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            self._record(self.phase, endpoint, time.perf_counter() - start, type(exc).__name__, str(exc)[:200])
            return None
        seconds = time.perf_counter() - start
        if answer.status_code != expect:
            self._record(self.phase, endpoint, seconds, str(answer.status_code), answer.text[:200])
            return None
        self._record(self.phase, endpoint, seconds, "", "")
        return answer

    def _staff(self) -> bool:
        return self.role != PROVIDER

    async def _list(self) -> None:
        pages = self.shared.staff_pages if self._staff() else self.shared.provider_pages
        page = 1 + min(pages - 1, math.floor(self.rng.expovariate(1 / LIST_PAGE_MEAN)))
        await self._get("list", "/providers/", page=page)

    async def _search(self) -> None:
        await self._get("search", "/providers/search/", q=self.rng.choice(self.shared.terms))

    async def _detail(self) -> None:
        ids = self.shared.staff_ids if self._staff() else self.shared.provider_ids
        await self._get("detail", f"/providers/{self.rng.choice(ids)}/")

    async def _hospitals(self) -> None:
        await self._get("hospitals", "/hospitals/")

    async def _changes(self) -> None:
        answer = await self._get("changes", "/providers/changes/", since=self._cursor)
        if answer is not None:  # the next poll asks for what changed since this one
            self._cursor = answer.json()["cursor"]

    async def _provider_dashboard(self) -> None:
        await self._get("provider dashboard", "/auth/provider/dashboard/")

    async def _staff_dashboard(self) -> None:
        await self._get("staff dashboard", "/dashboard/")

    async def _profile_patch(self) -> None:
        """A new bio, sent with the ETag of the last answer as a desktop does (the first time without)."""
        headers = self._auth(**({"If-Match": self._etag} if self._etag else {}))
        bio = f"Load benchmark edit {self.rng.randrange(10**6)}."
        answer = await self._send("profile PATCH", "PATCH", "/auth/provider/profile/", headers, json={"bio": bio})
        self._etag = answer.headers.get("ETag") if answer is not None else None

    async def _decision(self) -> None:
        """Open the pending queue, open the next of this officer's providers, verify or reject its license."""
        await self._get("credentialing queue", "/credentialing/queue/")
        if not self.plan.decisions:
            return
        provider_id = self.plan.decisions[self._decided % len(self.plan.decisions)]
        self._decided += 1  # once through its share, an officer decides the same providers again
        opened = await self._get("detail", f"/providers/{provider_id}/")
        if opened is None:
            return
        body: dict[str, str] = {"decision": "rejected", "note": "Load benchmark: the document is unreadable."}
        if self.rng.random() >= REJECTED_SHARE:
            body = {"decision": "verified", "license_expiry_date": (date.today() + VERIFIED_FOR).isoformat()}
        await self._send("license decision", "POST", f"/providers/{provider_id}/license/decision/",
                         self._auth(**{"If-Match": opened.headers.get("ETag", "")}), json=body)


async def sign_in_all(clients: list[Client]) -> None:
    """The cold phase: every client signs in at the same moment."""
    await asyncio.gather(*(client.sign_in(COLD) for client in clients))
