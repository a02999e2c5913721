"""`seed-demo` and `serve --demo`: the demo accounts, hospitals, providers and their activity, written at once.

Every value comes from one seeded random generator, ids included, so a given provider count
always gives the same people, emails and license numbers; only dates and times are relative to
now. Providers are written with bulk_create in batches, each row with its own revision from a
reserved block: 100,000 take seconds, where Provider.save() would take many minutes.
"""
from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import cast

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from contract.choices import Role
from server.accounts.models import User
from server.appointments.models import Appointment
from server.credentialing.models import AuditEvent
from server.demo.activity import activity_of
from server.demo.documents import attach_demo_documents
from server.demo.exclusions import load_demo_leie
from server.demo.places import HOSPITALS, Organization
from server.demo.providers import ProviderMaker, demo_provider, new_uuid
from server.directory.models import Hospital, Notification, Provider, revisions_reserve

DEMO_PASSWORD = "demo-pass-2026"
SEED = 20260214
BATCH = 5000
# Providers after the demo provider that get appointments, notifications and an audit trail.
WITH_ACTIVITY = 500


@contextmanager
def sqlite_cache(megabytes: int) -> Iterator[None]:
    """A bigger SQLite page cache for a big write: the default 2 MB makes 100,000 rows take 40 % longer."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-1024 * megabytes}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


@contextmanager
def timestamps_as_given() -> Iterator[None]:
    """Let bulk_create keep the seed's timestamps, which auto_now(_add) would replace with now."""
    fields = [cast(models.DateTimeField, model._meta.get_field(name)) for model, name in (
        (Provider, "created_at"), (Provider, "updated_at"), (Notification, "created_at"), (AuditEvent, "at"),
        (Appointment, "created_at"), (Appointment, "updated_at"))]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def seed_demo(*, providers: int = 2000) -> dict[str, int]:
    """Fill an empty database with the demo accounts, hospitals and `providers` providers (at least 1).

    All or nothing: a failed seed leaves the database as it was.
    """
    rng, now, total = random.Random(SEED), datetime.now(UTC), max(providers, 1)
    with sqlite_cache(400), transaction.atomic():
        with timestamps_as_given():
            users = _accounts(rng)
            hospitals = _hospitals(rng)
            maker = ProviderMaker(rng, hospitals, now)
            first, links = _providers_write(maker, demo_provider(maker, users[Role.PROVIDER]), total - 1)
            activity = _activity_write(*activity_of(random.Random(SEED + 1), first, users, now))
        documents = attach_demo_documents(users[Role.FACILITY_ADMIN])
        screening = load_demo_leie(random.Random(SEED + 2), now.date())
    return {"accounts": len(users), "hospitals": len(hospitals), "providers": total, "hospital links": links,
            **activity, "license documents": documents, **screening}


def _accounts(rng: random.Random) -> dict[str, User]:
    password = make_password(DEMO_PASSWORD)  # once: each PBKDF2 hash takes about 0.4 s
    people = (
        (Role.FACILITY_ADMIN, "admin", "Jordan", "Ellis"),
        (Role.CREDENTIALING_OFFICER, "credentialing", "Priya", "Raman"),
        (Role.PROVIDER, "provider", "Amelia", "Carter"),
    )
    users: dict[str, User] = {
        role: User(id=new_uuid(rng), email=f"{name}@demo.local", username=name, first_name=first, last_name=last,
                   role=role, password=password)
        for role, name, first, last in people
    }
    User.objects.bulk_create(users.values())
    return users


def _hospitals(rng: random.Random) -> list[Organization]:
    rows = [(Hospital(id=new_uuid(rng), name=name, city=city), state, domain)
            for name, city, state, domain in HOSPITALS]
    Hospital.objects.bulk_create([hospital for hospital, _, _ in rows])
    return [Organization(h.name, h.city, state, domain, h) for h, state, domain in rows]


def _providers_write(maker: ProviderMaker, demo: tuple[Provider, list[uuid.UUID]],
                     count: int) -> tuple[list[Provider], int]:
    """Write the demo provider and `count` more; answers the first WITH_ACTIVITY + 1 and the link count."""
    first = [demo[0]]
    batch, links = [demo], 0
    for index in range(count):
        batch.append(maker.make())
        if index < WITH_ACTIVITY:
            first.append(batch[-1][0])
        if len(batch) >= BATCH:
            links += _batch_write(batch)
            batch = []
    if batch:
        links += _batch_write(batch)
    return first, links


def _batch_write(batch: list[tuple[Provider, list[uuid.UUID]]]) -> int:
    """Insert providers with consecutive revisions of their own, and their hospital links."""
    last = revisions_reserve(len(batch))
    for offset, (provider, _) in enumerate(batch):
        provider.revision = last - len(batch) + 1 + offset
    Provider.objects.bulk_create([provider for provider, _ in batch], batch_size=BATCH)
    through = Provider.hospitals.through
    rows = [through(provider_id=provider.pk, hospital_id=hospital)
            for provider, hospitals in batch for hospital in hospitals]
    through.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _activity_write(appointments: list[Appointment], notifications: list[Notification],
                    events: list[AuditEvent]) -> dict[str, int]:
    Appointment.objects.bulk_create(appointments, batch_size=BATCH)
    Notification.objects.bulk_create(notifications, batch_size=BATCH)
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    return {"appointments": len(appointments), "notifications": len(notifications), "audit events": len(events)}
