"""Before the load: provider accounts registered for the run, and targets read from the seeded server."""
from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx

from bench.load_mix import ADMIN, OFFICER, PROVIDER, Account, ClientPlan, Shared, roles_for
from bench.server import ADMIN_EMAIL, DEMO_PASSWORD

DEMO = {ADMIN: ADMIN_EMAIL, OFFICER: "credentialing@demo.local", PROVIDER: "provider@demo.local"}
RUN_PASSWORD = "Steady-Harbor-4817"
SAMPLE_PAGES, SAMPLE_PAGE_SIZE = 3, 500  # detail targets and search prefixes come from 3 random pages of 500
PENDING_PAGES = 5  # pending providers shared out to the officers: at most 2,500
REGISTER_THREADS = 4
TIMEOUT_S = 120.0


@contextmanager
def _signed_in(api: str, email: str, password: str = DEMO_PASSWORD) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api, timeout=TIMEOUT_S) as client:
        answer = client.post("/auth/login/", json={"email": email, "password": password})
        if answer.status_code != 200:
            raise RuntimeError(f"sign-in as {email} failed: {answer.status_code} {answer.text[:300]}")
        client.headers["Authorization"] = f"Bearer {answer.json()['access']}"
        yield client


def _json(client: httpx.Client, path: str, **params: Any) -> Any:
    answer = client.get(path, params=params)
    if answer.status_code != 200:
        raise RuntimeError(f"GET {path} {params}: {answer.status_code} {answer.text[:300]}")
    return answer.json()


def _sample_rows(client: httpx.Client, rng: random.Random) -> tuple[int, list[dict[str, Any]]]:
    """The list's count and the rows of a few random pages of 500 (what this reader may see)."""
    count = _json(client, "/providers/", page=1)["count"]
    pages = max(1, math.ceil(count / SAMPLE_PAGE_SIZE))
    rows = [row for page in sorted(rng.sample(range(1, pages + 1), min(SAMPLE_PAGES, pages)))
            for row in _json(client, "/providers/", page=page, page_size=SAMPLE_PAGE_SIZE)["results"]]
    if not rows:
        raise RuntimeError("the seeded server lists no providers")
    return count, rows


def _terms(rows: list[dict[str, Any]], rng: random.Random) -> tuple[str, ...]:
    """What people type in the search box: 2 to 4 letters of a last or first name, or "ma smi"."""
    terms = set()
    for row in rng.sample(rows, min(200, len(rows))):
        first, last = row["first_name"].lower(), row["last_name"].lower()
        terms |= {last[:rng.randint(2, 4)], first[:rng.randint(2, 3)], f"{first[:2]} {last[:3]}"}
    return tuple(sorted(t for t in terms if len(t.strip()) >= 2))


def _cursor(client: httpx.Client) -> str:
    """The change feed's head, from the snapshot's first line (as a desktop's first fill starts)."""
    with client.stream("GET", "/providers/snapshot/", headers={"Accept-Encoding": "identity"}) as answer:
        if answer.status_code != 200:
            raise RuntimeError(f"GET /providers/snapshot/: {answer.status_code}")
        header = json.loads(next(answer.iter_lines()))
    return str(header["cursor"])


def _register(api: str, run: str, number: int) -> tuple[Account, str]:
    """A provider account made through the API for this run; its account and provider id."""
    email = f"load.{run}.{number}@example.org"
    fields = {
        "professional_title": "Dr.", "first_name": "Load", "last_name": f"Bench{number:04d}", "email": email,
        "phone_number": "+1 555 010 2030", "organization_facility": "Load Benchmark Clinic",
        "professional_role": "Physician", "specialization": "Family Medicine",
        "license_number": f"LOAD-{run}-{number}", "username": "", "password": RUN_PASSWORD,
        "password_confirm": RUN_PASSWORD,
    }
    with httpx.Client(base_url=api, timeout=TIMEOUT_S) as client:
        answer = client.post("/auth/provider/register/", json=fields)
    if answer.status_code != 201:
        raise RuntimeError(f"registering {email} failed: {answer.status_code} {answer.text[:300]}")
    return Account(PROVIDER, email, RUN_PASSWORD), str(answer.json()["profile"]["id"])


def _pending(api: str, exclude: set[str]) -> list[str]:
    """Pending providers for the officers to decide, none of them a provider client (its own edits race)."""
    with _signed_in(api, DEMO[OFFICER]) as client:
        ids = []
        for page in range(1, PENDING_PAGES + 1):
            body = _json(client, "/credentialing/queue/", page=page, page_size=SAMPLE_PAGE_SIZE)
            ids += [row["id"] for row in body["results"]]
            if not body["next"]:
                break
    return [i for i in ids if i not in exclude]


def _accounts(api: str, roles: list[str]) -> tuple[list[Account], set[str]]:
    """An account for each client: the demo staff accounts (shared, a session each), the demo provider
    and providers registered now; and the provider ids of the provider clients."""
    run = uuid.uuid4().hex[:8]
    wanted = max(0, roles.count(PROVIDER) - 1)
    with ThreadPoolExecutor(REGISTER_THREADS) as pool:  # each registration hashes a password: a few at once
        registered = list(pool.map(lambda n: _register(api, run, n), range(1, wanted + 1)))
    with _signed_in(api, DEMO[PROVIDER]) as demo:
        own = {str(_json(demo, "/auth/provider/profile/")["id"])}
    providers = iter([Account(PROVIDER, DEMO[PROVIDER], DEMO_PASSWORD)] + [a for a, _ in registered])
    accounts = [next(providers) if role == PROVIDER else Account(role, DEMO[role], DEMO_PASSWORD) for role in roles]
    return accounts, own | {i for _, i in registered}


def prepare(api: str, clients: int, sign_in_percent: float, seed: int = 2026,
            reads_only: bool = False) -> tuple[Shared, tuple[ClientPlan, ...]]:
    """Register the run's providers, read the targets, share the pending providers out to the officers."""
    rng = random.Random(seed)
    roles = roles_for(clients)
    accounts, provider_ids = _accounts(api, roles)
    with _signed_in(api, ADMIN_EMAIL) as admin:
        staff_count, staff_rows = _sample_rows(admin, rng)
        cursor = _cursor(admin)
    with _signed_in(api, DEMO[PROVIDER]) as provider:
        provider_count, provider_rows = _sample_rows(provider, rng)
    shared = Shared(
        staff_ids=tuple(r["id"] for r in staff_rows), provider_ids=tuple(r["id"] for r in provider_rows),
        staff_pages=max(1, math.ceil(staff_count / 50)), provider_pages=max(1, math.ceil(provider_count / 50)),
        terms=_terms(staff_rows, rng), cursor=cursor, sign_in_percent=sign_in_percent, reads_only=reads_only,
    )
    pending = _pending(api, provider_ids)
    rng.shuffle(pending)
    officers = [n for n, role in enumerate(roles) if role == OFFICER]
    plans = tuple(
        ClientPlan(n, account, tuple(pending[officers.index(n)::len(officers)]) if n in officers else ())
        for n, account in enumerate(accounts)
    )
    return shared, plans
