"""Monitoring runs: the whole directory screened against the loaded files, stored as a diff against the last run."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from server.screening.models import MonitoringRun, ReferenceFile
from server.screening.services import leie_screen


def _files() -> list[dict[str, Any]]:
    """The files a run screens against, as evidence: what each was, to the byte (its SHA-256)."""
    return [{"id": str(file.pk), "source": file.source, "name": file.name, "published": file.published.isoformat(),
             "sha256": file.sha256, "rows": file.rows}
            for file in ReferenceFile.objects.filter(current=True).order_by("source")]


@transaction.atomic
def monitoring_run(*, by: str) -> MonitoringRun:
    """Screen every provider against the current files; store the flags added and taken away since the
    last run (a run on the same files after another adds and takes away nothing) and the counts."""
    started = timezone.now()
    screened = leie_screen()
    return MonitoringRun.objects.create(
        started_at=started, finished_at=timezone.now(), by=by, files=_files(), providers=screened.providers,
        counts=screened.counts, added=screened.added, removed=screened.removed,
    )


def last_run() -> MonitoringRun | None:
    return MonitoringRun.objects.order_by("-started_at").first()


def overdue(run: MonitoringRun | None, now: datetime) -> bool:
    """Monitoring is at least monthly: overdue when no run started this calendar month (server's local time)."""
    if run is None:
        return True
    started, today = timezone.localtime(run.started_at), timezone.localtime(now)
    return (started.year, started.month) != (today.year, today.month)


