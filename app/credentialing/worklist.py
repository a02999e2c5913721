"""The credentialing worklist read from the directory cache: its queues, their counts and the alerts.

Each queue is a `DirectoryQuery` over active providers in the server's queue order
(`GET /credentialing/queue/`): oldest registration first, or soonest expiry first for the
expiring windows. Everything here reads the cache, so the worklist and its alerts work offline.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from app.api.models import LicenseStatus, Provider
from app.directory.query import DirectoryQuery

if TYPE_CHECKING:
    from app.directory.cache import DirectoryCache
    from app.directory.query import ProviderRow

ALERT_WINDOW_DAYS = 30


@dataclass(frozen=True)
class Queue:
    """One tab of the worklist."""

    key: str
    tab: str  # the tab's short label
    label: str
    query: DirectoryQuery
    empty_text: str


def _status(status: str) -> DirectoryQuery:
    return DirectoryQuery(license_status=status, order_by="created_at")


def _expiring(days: int) -> DirectoryQuery:
    return DirectoryQuery(expiring_within=days, order_by="expiry_created")


QUEUES: tuple[Queue, ...] = (
    Queue("pending", "Pending", "Pending verification", _status("pending_verification"),
          "No license is waiting for verification."),
    *(Queue(f"expiring_{days}", f"≤ {days} days", f"Expiring within {days} days", _expiring(days),
            f"No verified license expires in the next {days} days.") for days in (30, 60, 90)),
    Queue("expired", "Expired", "Expired", _status("expired"), "No active provider has an expired license."),
    Queue("rejected", "Rejected", "Rejected", _status("rejected"), "No license is rejected."),
)
# screening (docs/api.md, "Screening"): providers with a flag no officer has decided yet, oldest registration
# first, read from the flags a staff cache keeps (app/directory/flags.py)
SCREENING_QUEUES: tuple[Queue, ...] = (
    Queue("excluded", "Excluded", "Screening: Excluded", DirectoryQuery(screening="excluded", order_by="created_at"),
          "No provider has an open Excluded flag."),
    Queue("possible_match", "Possible match", "Screening: Possible match",
          DirectoryQuery(screening="possible_match", order_by="created_at"),
          "No provider has an open Possible match on the exclusion list."),
)

# recredentialing (docs/api.md, "Recredentialing"): due 36 months after the last verify decision, no grace;
# read from the clocks a staff cache keeps (app/directory/clocks.py), oldest registration first
RECREDENTIAL_QUEUES: tuple[Queue, ...] = (
    Queue("recredential_due", "Due ≤ 90 days", "Recredentialing due within 90 days",
          DirectoryQuery(recredential="due", recredential_within=90, order_by="created_at"),
          "No provider's recredentialing is due in the next 90 days."),
    Queue("recredential_overdue", "Overdue", "Recredentialing overdue",
          DirectoryQuery(recredential="overdue", order_by="created_at"),
          "No provider's recredentialing is overdue."),
)


@dataclass(frozen=True)
class QueueGroup:
    """Queues shown together under one heading of the worklist's queue picker."""

    title: str
    queues: tuple[Queue, ...]


QUEUE_GROUPS: tuple[QueueGroup, ...] = (
    QueueGroup("Licenses", QUEUES),
    QueueGroup("Screening", SCREENING_QUEUES),
    QueueGroup("Recredentialing", RECREDENTIAL_QUEUES),
)
# every queue of the worklist, in the picker's order (its index is the page's queue index)
ALL_QUEUES: tuple[Queue, ...] = tuple(queue for group in QUEUE_GROUPS for queue in group.queues)


def queue_counts(cache: DirectoryCache, queues: tuple[Queue, ...] = ALL_QUEUES) -> dict[str, int] | None:
    """How many providers each of `queues` holds now (a worker thread's call: at a million providers the
    six license counts take about 0.2 s); None when the cache closed meanwhile."""
    counts = cache.counts_in_worker([queue.query for queue in queues])
    return None if counts is None else dict(zip((queue.key for queue in queues), counts, strict=True))


@dataclass(frozen=True)
class LicenseAlert:
    """What staff are told at start and once a day: licenses expiring soon, and new pending ones."""

    expiring: int
    soonest: tuple[ProviderRow, ...]
    pending: int
    newly_pending: int
    latest_pending: str | None = None  # the newest pending registration counted: "new" next time is after it

    @property
    def empty(self) -> bool:
        return not self.expiring and not self.newly_pending

    def text(self) -> str:
        """One or two sentences for a desktop notification."""
        parts = []
        if self.expiring:
            names = ", ".join(f"{row.full_name} ({row.license_expiry_date})" for row in self.soonest)
            more = "" if self.expiring <= len(self.soonest) else f" and {self.expiring - len(self.soonest)} more"
            noun = "license expires" if self.expiring == 1 else "licenses expire"
            parts.append(f"{self.expiring} {noun} within {ALERT_WINDOW_DAYS} days: {names}{more}.")
        if self.newly_pending:
            noun = "license is" if self.newly_pending == 1 else "licenses are"
            parts.append(f"{self.newly_pending} new {noun} waiting for verification ({self.pending} pending in all).")
        return " ".join(parts)


def license_alert(cache: DirectoryCache, *, since: str | None, shown: int = 3) -> LicenseAlert:
    """The alert from the cache. `since` is the `latest_pending` of the last alert: pending ones
    registered after it are new (times from the server, so the computer's clock does not matter).
    With no `since`, every pending license counts as new."""
    expiring = DirectoryQuery(expiring_within=ALERT_WINDOW_DAYS, order_by="expiry_created")
    pending = _status("pending_verification")
    pending_count = cache.count(pending)
    newly = pending_count if since is None else cache.count(replace(pending, registered_after=since))
    newest = cache.rows(replace(pending, descending=True), 0, 1)
    latest = max((t for t in (since, newest[0].created_at if newest else None) if t), default=None)
    return LicenseAlert(cache.count(expiring), tuple(cache.rows(expiring, 0, shown)), pending_count, newly, latest)


def effective_status(provider: Provider, today: date | None = None) -> LicenseStatus | None:
    """A verified license past its expiry date reads as expired (as on the server)."""
    left = days_left(provider.license_expiry_date, today)
    if provider.license_status is LicenseStatus.VERIFIED and left is not None and left < 0:
        return LicenseStatus.EXPIRED
    return provider.license_status


def days_left(expiry: date | None, today: date | None = None) -> int | None:
    """Days until `expiry` (negative once past); None without a date."""
    if expiry is None:
        return None
    return (expiry - (today or date.today())).days
