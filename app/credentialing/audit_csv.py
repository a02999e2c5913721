"""Audit trails as CSV for an accreditation review: one provider's trail, or every decision in a date range.

Files are UTF-8 with a byte-order mark (spreadsheets then read accents right), one header row,
times in UTC ISO 8601, and cells that a spreadsheet would run as a formula guarded with a quote.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import UTC
from pathlib import Path
from typing import Any

from app.api.models import AuditEvent, AuditRecord, Provider
from app.transfer.csv_format import guard

TRAIL_HEADER = ("time_utc", "provider_id", "provider_name", "license_number", "actor", "action", "detail", "fields")


def _time(event: AuditEvent | AuditRecord) -> str:
    return event.at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _write(path: str | Path, rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TRAIL_HEADER)
        for row in rows:
            writer.writerow([guard(str(cell)) for cell in row])
            count += 1
    return count


def write_trail(path: str | Path, provider: Provider, events: Iterable[AuditEvent]) -> int:
    """One provider's audit trail, oldest first; how many events were written."""
    ordered = sorted(events, key=lambda event: event.at)
    return _write(path, ((_time(e), provider.id, provider.full_name, provider.license_number, e.actor, e.action,
                          e.detail, " ".join(e.fields)) for e in ordered))


def write_records(path: str | Path, records: Iterable[AuditRecord]) -> int:
    """Audit records of many providers (as the server sent them, oldest first); how many were written."""
    return _write(path, ((_time(r), r.provider_id, r.provider_name, r.license_number, r.actor, r.action, r.detail,
                          " ".join(r.fields)) for r in records))
