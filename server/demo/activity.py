"""The demo's activity: appointments, notifications and audit events of the first providers."""
from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from contract.choices import LicenseStatus, NotificationLevel, Role
from server.accounts.models import User
from server.credentialing.models import AuditAction, AuditEvent
from server.demo.careers import PATIENT_FACING
from server.demo.names import FEMALE_NAMES, LAST_NAMES, MALE_NAMES
from server.demo.providers import new_uuid, weighted
from server.directory.choices import AppointmentStatus
from server.directory.models import Appointment, Notification, Provider

Activity = tuple[list[Appointment], list[Notification], list[AuditEvent]]


def activity_of(rng: random.Random, providers: list[Provider], users: dict[str, User], now: datetime) -> Activity:
    """Appointments, notifications and audit events of the demo provider (`providers[0]`) and the others."""
    demo, *others = providers
    appointments = _appointments(rng, demo, 40, now, patients=24)
    notifications = _demo_notifications(rng, demo, appointments, now)
    events = _demo_events(demo, users, now)
    verified = 0
    for provider in others:
        count = rng.randint(0, 20) if provider.professional_role in PATIENT_FACING else 0
        appointments += _appointments(rng, provider, count, now, patients=max(1, count * 3 // 4))
        notifications += _notifications(rng, provider, now)
        long_ago = None
        if provider.license_status in (LicenseStatus.VERIFIED, LicenseStatus.EXPIRED):
            verified += 1
            long_ago = _credentialed_long_ago(verified, provider, now)
        events += _events(rng, provider, users, now, long_ago)
    return appointments, notifications, events


def _appointments(rng: random.Random, provider: Provider, count: int, now: datetime,
                  *, patients: int) -> list[Appointment]:
    """About two thirds in the past (mostly completed), the rest ahead (mostly scheduled)."""
    pool = [f"{rng.choice(FEMALE_NAMES + MALE_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(patients)]
    midnight = datetime.combine(now.date(), time(), tzinfo=UTC)
    rows = []
    for _ in range(count):
        past = rng.random() < 0.65
        day = -rng.randint(1, 150) if past else rng.randint(1, 45)
        at = midnight + timedelta(days=day, hours=rng.randint(8, 16), minutes=rng.choice((0, 15, 30, 45)))
        if past:
            status = weighted(rng, {AppointmentStatus.COMPLETED: 80, AppointmentStatus.CANCELLED: 12,
                                     AppointmentStatus.NO_SHOW: 8})
        else:
            status = weighted(rng, {AppointmentStatus.SCHEDULED: 85, AppointmentStatus.CANCELLED: 15})
        rows.append(Appointment(id=new_uuid(rng), provider=provider, patient_name=rng.choice(pool),
                                scheduled_at=at, status=status))
    return rows


def _note(rng: random.Random, provider: Provider, level: str, message: str, at: datetime,
          read: bool) -> Notification:
    return Notification(id=new_uuid(rng), provider=provider, level=level, message=message[:500], created_at=at,
                        read=read)


def _demo_notifications(rng: random.Random, demo: Provider, appointments: list[Appointment],
                        now: datetime) -> list[Notification]:
    created, day = demo.created_at, timedelta(days=1)
    items = [
        (NotificationLevel.INFO, "Welcome to ProviderDesk. Upload your license document so that it can be "
                                 "verified.", created, True),
        (NotificationLevel.ERROR, "The license document you uploaded could not be read. Please upload a "
                                  "clearer scan.", created + day, True),
        (NotificationLevel.SUCCESS, f"Your license was verified. It expires on {demo.license_expiry_date}.",
         created + 3 * day, True),
        (NotificationLevel.INFO, "Your profile changes were saved.", now - 20 * day, True),
        (NotificationLevel.INFO, "ProviderDesk will be down for maintenance on Sunday from 02:00 to 03:00 "
                                 "UTC.", now - 6 * day, False),
    ]
    ahead = sorted((a for a in appointments if a.scheduled_at > now), key=lambda a: a.scheduled_at)
    cancelled = [a for a in ahead if a.status == AppointmentStatus.CANCELLED]
    if cancelled:
        items.append((NotificationLevel.WARNING, f"{cancelled[0].patient_name} cancelled the appointment on "
                                                 f"{cancelled[0].scheduled_at:%B %d}.", now - 2 * day, False))
    if ahead:
        items.append((NotificationLevel.INFO, f"New appointment booked with {ahead[-1].patient_name} on "
                                              f"{ahead[-1].scheduled_at:%B %d at %H:%M}.",
                      now - timedelta(hours=5), False))
    return [_note(rng, demo, level, message, at, read) for level, message, at, read in items]


def _notifications(rng: random.Random, provider: Provider, now: datetime) -> list[Notification]:
    created, today = provider.created_at, now.date()
    decided = min(created + timedelta(days=rng.randint(1, 14)), now - timedelta(hours=1))
    welcome = "Welcome to ProviderDesk. Upload your license document so that it can be verified."
    items = [(NotificationLevel.INFO, welcome, created)]
    expiry, status = provider.license_expiry_date, provider.license_status
    if status == LicenseStatus.VERIFIED and expiry is not None:
        verified = f"Your license was verified. It expires on {expiry}."
        items.append((NotificationLevel.SUCCESS, verified, decided))
        if today <= expiry <= today + timedelta(days=90):
            soon = f"Your license expires on {expiry}. Upload your renewed license to keep it verified."
            items.append((NotificationLevel.WARNING, soon, now - timedelta(days=1)))
    elif status == LicenseStatus.REJECTED:
        rejected = f"Your license was rejected: {provider.license_note}"
        items.append((NotificationLevel.ERROR, rejected, decided))
    week_ago = now - timedelta(days=7)
    return [_note(rng, provider, level, message, at, at < week_ago) for level, message, at in items]


def _event(provider: Provider, actor: User, action: str, at: datetime, detail: str = "",
           fields: list[str] | None = None) -> AuditEvent:
    return AuditEvent(provider=provider, actor=actor, actor_email=actor.email, action=action, at=at,
                      detail=detail, fields=fields or [])


def _demo_events(demo: Provider, users: dict[str, User], now: datetime) -> list[AuditEvent]:
    me, officer, day = users[Role.PROVIDER], users[Role.CREDENTIALING_OFFICER], timedelta(days=1)
    return [
        _event(demo, me, AuditAction.REGISTERED, demo.created_at),
        _event(demo, officer, AuditAction.VERIFIED, demo.created_at + 3 * day,
               f"expires {demo.license_expiry_date}", ["license_status"]),
        _event(demo, me, AuditAction.UPDATED, now - 20 * day, "Changed: bio, phone_number",
               ["bio", "phone_number"]),
    ]


RECREDENTIAL_DAYS = 36 * 365 // 12  # about 36 months: where the demo's clocks fall is checked by the server's own


def _credentialed_long_ago(verified: int, provider: Provider, now: datetime) -> datetime | None:
    """For the `verified`-th verified provider, 2 in 25 of them: a last verification about 36 months ago, so
    that recredentialing is due within 90 days (the first) or overdue (the second). No draw of the demo's
    random generator: every other value of the demo stays as it was."""
    spread = provider.id.int % 70
    if verified % 25 == 1:
        return now - timedelta(days=RECREDENTIAL_DAYS - 10 - spread)  # due in 10 to 80 days
    if verified % 25 == 2:
        return now - timedelta(days=RECREDENTIAL_DAYS + 5 + spread)  # overdue by 5 to 75 days
    return None


def _events(rng: random.Random, provider: Provider, users: dict[str, User],
            now: datetime, long_ago: datetime | None = None) -> list[AuditEvent]:
    """Added by the facility administrator; decided by the credentialing officer; maybe deactivated."""
    admin, officer = users[Role.FACILITY_ADMIN], users[Role.CREDENTIALING_OFFICER]
    created = provider.created_at
    wait = timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8))
    decided = min(created + wait, now - timedelta(hours=1))
    events = [_event(provider, admin, AuditAction.CREATED, created)]
    if provider.license_status in (LicenseStatus.VERIFIED, LicenseStatus.EXPIRED):
        last = long_ago or decided
        if last != decided:  # credentialed before this directory's history: its record came in then
            events[0] = _event(provider, admin, AuditAction.CREATED, last - timedelta(days=3))
        events.append(_event(provider, officer, AuditAction.VERIFIED, last,
                             f"expires {provider.license_expiry_date}", ["license_status"]))
    elif provider.license_status == LicenseStatus.REJECTED:
        events.append(_event(provider, officer, AuditAction.REJECTED, decided, provider.license_note,
                             ["license_status"]))
    if not provider.is_active:
        events.append(_event(provider, admin, AuditAction.DEACTIVATED, max(decided, provider.updated_at),
                             "Changed: is_active", ["is_active"]))
    return events

