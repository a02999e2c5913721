"""Writes of screening: loading an LEIE file (atomic: all of it or nothing) and storing the flags it gives."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from contract.choices import FlagDecision, FlagKind, ReferenceSource
from contract.validation import FLAG_CLEAR_REASON
from server.common.rows import raw_rows
from server.directory.models import Provider
from server.screening import rules
from server.screening.leie import HEADER, LeieFileError, LeieLine, LeieReader, name_key
from server.screening.models import FlagDecisionEvent, LeieRow, ReferenceFile, ScreeningFlag

BATCH = 2000


def _current(source: ReferenceSource) -> ReferenceFile | None:
    return ReferenceFile.objects.filter(source=source, current=True).first()


def _refuse_if_not_newer(loaded: ReferenceFile, previous: ReferenceFile | None) -> None:
    if previous is None:
        return
    if previous.sha256 == loaded.sha256:
        raise LeieFileError(f"This file is already loaded: {previous.name}, loaded {previous.loaded_at:%Y-%m-%d} "
                            f"(SHA-256 {loaded.sha256[:12]}…).")
    if loaded.published < previous.published:
        raise LeieFileError(f"This file (published {loaded.published}) is older than the one loaded, "
                            f"{previous.name}, published {previous.published}: nothing was changed.")


_ROW_COLUMNS = ("file", "line", "npi", "last_key", "first_key", "state", "reinstated", "values")


class _RowWriter:
    """Writes LeieRows with one INSERT for many rows: the ORM's bulk_create spent 30 of the 43 s of a load
    of 83,000 rows making and preparing model objects. Each value is prepared by its field, as the ORM would."""

    def __init__(self, file: ReferenceFile) -> None:
        fields: list[Any] = [LeieRow._meta.get_field(name) for name in _ROW_COLUMNS]  # concrete fields all
        quote = connection.ops.quote_name
        self.sql = (f"INSERT INTO {quote(LeieRow._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                    f"VALUES ({', '.join(['%s'] * len(fields))})")
        self.file_id = fields[0].get_db_prep_save(file.pk, connection)
        self.reinstated, self.values = fields[6], fields[7]
        self.keys: dict[str, str] = {}  # names repeat: each keyed once

    def _key(self, name: str) -> str:
        known = self.keys.get(name)
        if known is None:
            known = self.keys[name] = name_key(name)
        return known

    def row(self, line: LeieLine) -> tuple[Any, ...]:
        return (self.file_id, line.line, line.npi, self._key(line.value("LASTNAME")),
                self._key(line.value("FIRSTNAME")), line.value("STATE").upper(),
                self.reinstated.get_db_prep_save(line.reinstated, connection),
                self.values.get_db_prep_save(list(line.values), connection))

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, rows)


@transaction.atomic
def leie_load(*, stream: IO[bytes], name: str, loaded_by: str, published: date | None = None) -> ReferenceFile:
    """Load an LEIE file in place of the current one, then screen every provider against it.

    All or nothing: a file refused at any line (LeieFileError, its words naming the problem), one
    already loaded or older than the current one changes nothing. `published` defaults to the newest
    exclusion, reinstatement or waiver date in the file.
    """
    previous = _current(ReferenceSource.LEIE)
    file = ReferenceFile.objects.create(source=ReferenceSource.LEIE, name=name[:255], published=date.min,
                                        sha256="", rows=0, loaded_by=loaded_by)
    reader, writer = LeieReader(stream), _RowWriter(file)
    batch: list[tuple[Any, ...]] = []
    for line in reader.lines():
        batch.append(writer.row(line))
        if len(batch) == BATCH:
            writer.write(batch)
            batch = []
    writer.write(batch)
    file.sha256, file.rows = reader.sha256, reader.count
    file.published = published or reader.latest or date.today()
    _refuse_if_not_newer(file, previous)
    if previous is not None:
        LeieRow.objects.filter(file=previous).delete()
        ReferenceFile.objects.filter(pk=previous.pk).update(current=False)
    file.current = True
    file.save()
    from server.screening.runs import monitoring_run  # late: a run screens with this module's leie_screen

    monitoring_run(by=loaded_by)
    return file


def _candidates() -> list[rules.Candidate]:
    """Every provider as screening reads it; ids as the driver gives them (Django's converters took two
    thirds of a run of 100,000), names keyed once each (names repeat: 200,000 keys took 4.7 s)."""
    found, _ = raw_rows(Provider.objects.all(), ("id", "npi", "first_name", "last_name", "license_number"))
    keys: dict[str, str] = {}

    def key(name: str) -> str:
        known = keys.get(name)
        if known is None:
            known = keys[name] = name_key(name)
        return known

    return [rules.Candidate(pk, npi, key(first), key(last), rules.state_of(number))
            for pk, npi, first, last, number in found]


def _rows(file: ReferenceFile) -> list[rules.Row]:
    """The file's rows without their values (read for the rows that flag someone only: `_with_values`)."""
    found, _ = raw_rows(LeieRow.objects.filter(file=file),
                        ("line", "npi", "first_key", "last_key", "state", "reinstated"))
    return [rules.Row(line, npi, first, last, state, reinstated is not None)
            for line, npi, first, last, state, reinstated in found]


def _with_values(file: ReferenceFile, hits: list[rules.Hit]) -> list[rules.Hit]:
    """`hits` with their rows' values, and their providers' ids as UUIDs (raw from the driver before)."""
    lines = sorted({hit.row.line for hit in hits})
    values: dict[int, list[str]] = {}
    for start in range(0, len(lines), 500):  # within every database's limit of parameters
        values.update(LeieRow.objects.filter(file=file, line__in=lines[start:start + 500])
                      .values_list("line", "values"))
    return [replace(hit, provider_id=uuid.UUID(str(hit.provider_id)),
                    row=replace(hit.row, values=tuple(values[hit.row.line]))) for hit in hits]


@dataclass(frozen=True)
class Screened:
    """What a screening changed: the flags it added and those it took away (as they were), and the
    counts of flags by kind after it."""

    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    counts: dict[str, int]
    providers: int


def _summary(flag: ScreeningFlag) -> dict[str, Any]:
    return {"flag_id": str(flag.pk), "provider_id": str(flag.provider_id), "kind": flag.kind, "line": flag.line,
            "evidence_key": flag.evidence_key, "decision": flag.decision or None}


@transaction.atomic
def leie_screen() -> Screened:
    """Screen every provider against the current LEIE file and store its flags: a flag whose evidence
    (provider, kind, row's values) is still found is kept as it was, one no longer found goes, a new
    one is added."""
    file = _current(ReferenceSource.LEIE)
    candidates = _candidates()
    hits = _with_values(file, list(rules.leie_hits(candidates, _rows(file)))) if file else []
    wanted = {(hit.provider_id, hit.kind.value, rules.evidence_key(hit.row.values)): hit for hit in hits}
    existing = {(flag.provider_id, flag.kind, flag.evidence_key): flag
                for flag in ScreeningFlag.objects.filter(source=ReferenceSource.LEIE).only(
                    "pk", "provider_id", "kind", "evidence_key", "file", "line", "decision")}
    gone = [flag for key, flag in existing.items() if key not in wanted]
    ScreeningFlag.objects.filter(pk__in=[flag.pk for flag in gone]).delete()
    moved = []
    for key, flag in existing.items():
        hit = wanted.get(key)
        if hit is not None and file is not None and (flag.file_id, flag.line) != (file.pk, hit.row.line):
            flag.file, flag.line = file, hit.row.line  # the same evidence, found in the newer file
            moved.append(flag)
    ScreeningFlag.objects.bulk_update(moved, ["file", "line"], batch_size=BATCH)
    added = ScreeningFlag.objects.bulk_create([
        ScreeningFlag(provider_id=key[0], kind=key[1], source=ReferenceSource.LEIE, file=file, line=hit.row.line,
                      evidence=dict(zip(HEADER, hit.row.values, strict=True)), evidence_key=key[2],
                      reason=hit.reason[:200])
        for key, hit in sorted(wanted.items(), key=lambda item: (str(item[0][0]), item[0][1], item[1].row.line))
        if key not in existing
    ], batch_size=BATCH)
    counts = {kind.value: sum(1 for key in wanted if key[1] == kind.value) for kind in FlagKind}
    return Screened([_summary(flag) for flag in added], [_summary(flag) for flag in gone], counts, len(candidates))


@transaction.atomic
def flag_decide(*, flag: ScreeningFlag, actor_email: str, decision: FlagDecision, reason: str) -> ScreeningFlag:
    """An officer confirms a flag or clears it as a false positive (a reason required), audited.

    The decision stays on the flag for as long as later loads hold the same evidence row."""
    reason = reason.strip()
    if decision == FlagDecision.CLEARED and not reason:
        raise ValidationError({"reason": [FLAG_CLEAR_REASON]})
    flag = ScreeningFlag.objects.select_for_update().get(pk=flag.pk)
    flag.decision, flag.decision_reason = decision.value, reason
    flag.decided_by, flag.decided_at = actor_email, timezone.now()
    flag.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    FlagDecisionEvent.objects.create(flag=flag, provider_id=flag.provider_id, kind=flag.kind,
                                     evidence_key=flag.evidence_key, decision=decision.value, reason=reason,
                                     actor_email=actor_email)
    return flag
