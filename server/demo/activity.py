"""The demo's activity: appointments, notifications and audit events of the first providers."""
from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from contract.appointments import AppointmentStatus, AppointmentType
from contract.choices import LicenseStatus, NotificationLevel, Role
from server.accounts.models import User
from server.appointments.models import Appointment
from server.credentialing.models import AuditAction, AuditEvent
from server.demo.careers import PATIENT_FACING
from server.demo.names import FEMALE_NAMES, LAST_NAMES, MALE_NAMES
from server.demo.providers import new_uuid, weighted
from server.directory.models import Notification, Provider

Activity = tuple[list[Appointment], list[Notification], list[AuditEvent]]


def activity_of(rng: random.Random, providers: list[Provider], users: dict[str, User], now: datetime) -> Activity:
    """Appointments, notifications and audit events of the demo provider (`providers[0]`) and the others."""
    demo, *others = providers
    admin = users[Role.FACILITY_ADMIN]
    appointments = _appointments(rng, demo, 40, now, patients=24, booked_by=admin, week=True)
    notifications = _demo_notifications(rng, demo, appointments, now)
    events = _demo_events(demo, users, now)
    verified = 0
    for provider in others:
        count = rng.randint(0, 20) if provider.professional_role in PATIENT_FACING else 0
        # the first few (the ones the demo opens on) have a full week too, when they see patients
        week = len(appointments) < 600 and provider.professional_role in PATIENT_FACING and rng.random() < 0.3
        appointments += _appointments(rng, provider, count, now, patients=max(1, count * 3 // 4), booked_by=admin,
                                      week=week)
        notifications += _notifications(rng, provider, now)
        long_ago = None
        if provider.license_status in (LicenseStatus.VERIFIED, LicenseStatus.EXPIRED):
            verified += 1
            long_ago = _credentialed_long_ago(verified, provider, now)
        events += _events(rng, provider, users, now, long_ago)
    return appointments, notifications, events


def _appointments(rng: random.Random, provider: Provider, count: int, now: datetime, *, patients: int,
                  booked_by: User | None = None, week: bool = False) -> list[Appointment]:
    """Never overlapping: `count` over the past five months and the month ahead (about two thirds past,
    mostly completed; ahead, mostly scheduled or confirmed), and with `week` a full working week around
    today (the seven days before it and after it, four to seven a weekday)."""
    pool = [(f"{rng.choice(FEMALE_NAMES + MALE_NAMES)} {rng.choice(LAST_NAMES)}", _contact(rng))
            for _ in range(patients)]
    midnight = datetime.combine(now.date(), time(), tzinfo=UTC)
    taken: set[datetime] = set()
    rows = []

    def add(at: datetime) -> None:
        if at in taken:
            return
        taken.add(at)
        length = timedelta(minutes=rng.choice((15, 30, 30, 30, 45)))  # within its hour: never overlapping
        if at + length <= now:
            status = weighted(rng, {AppointmentStatus.COMPLETED: 80, AppointmentStatus.CANCELLED: 12,
                                     AppointmentStatus.NO_SHOW: 8})
        elif at <= now:
            status = AppointmentStatus.CONFIRMED
        else:
            status = weighted(rng, {AppointmentStatus.SCHEDULED: 55, AppointmentStatus.CONFIRMED: 33,
                                     AppointmentStatus.CANCELLED: 12})
        name, contact = rng.choice(pool)
        kind = weighted(rng, {AppointmentType.CONSULTATION: 40, AppointmentType.FOLLOW_UP: 30,
                              AppointmentType.CHECKUP: 20, AppointmentType.DIAGNOSTIC: 6,
                              AppointmentType.VACCINATION: 4})
        booked = min(at - timedelta(days=rng.randint(1, 21), hours=rng.randint(0, 8)), now)
        rows.append(Appointment(
            id=new_uuid(rng), provider=provider, patient_name=name, patient_contact=contact, start=at,
            end=at + length, appointment_type=kind.value, status=status.value, reason=rng.choice(REASONS),
            cancellation_reason="The patient asked to cancel." if status == AppointmentStatus.CANCELLED else "",
            booked_by=booked_by, booked_by_email=booked_by.email if booked_by else "", created_at=booked,
            updated_at=booked))

    for _ in range(count):
        day = -rng.randint(8, 150) if rng.random() < 0.65 else rng.randint(8, 30)
        add(midnight + timedelta(days=day, hours=rng.randint(8, 16)))
    for day in range(-7, 8) if week else ():
        if (midnight + timedelta(days=day)).weekday() >= 5:
            continue
        for hour in sorted(rng.sample(range(8, 17), rng.randint(4, 7))):
            add(midnight + timedelta(days=day, hours=hour, minutes=rng.choice((0, 15))))
    return rows


REASONS = ("Annual physical", "Follow-up visit", "Blood pressure check", "Medication review", "New patient visit",
           "Lab results review", "Flu vaccination", "Persistent cough", "Back pain", "Pre-operative assessment")


def _contact(rng: random.Random) -> str:
    return f"+1 (555) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"


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
    ahead = sorted((a for a in appointments if a.start > now), key=lambda a: a.start)
    cancelled = [a for a in ahead if a.status == AppointmentStatus.CANCELLED]
    if cancelled:
        items.append((NotificationLevel.WARNING, f"{cancelled[0].patient_name} cancelled the appointment on "
                                                 f"{cancelled[0].start:%B %d}.", now - 2 * day, False))
    if ahead:
        items.append((NotificationLevel.INFO, f"New appointment booked with {ahead[-1].patient_name} on "
                                              f"{ahead[-1].start:%B %d at %H:%M}.",
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

