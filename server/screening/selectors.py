"""Reads of screening: the loaded files and the flags with their evidence."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet

from contract.choices import FlagDecision, FlagKind
from server.directory.choices import full_name
from server.directory.models import Provider
from server.screening import runs
from server.screening.models import MonitoringRun, ReferenceFile, ScreeningFlag


def reference_files() -> QuerySet[ReferenceFile]:
    return ReferenceFile.objects.order_by("-loaded_at")


def excluded(provider: Provider) -> bool:
    """Whether the provider has an Excluded flag that no officer cleared (open or confirmed)."""
    return ScreeningFlag.objects.filter(provider=provider, kind=FlagKind.EXCLUDED).exclude(
        decision=FlagDecision.CLEARED).exists()


def last_screened(provider: Provider) -> datetime | None:
    """When the provider was last screened: the start of the last monitoring run that covered it (a run
    screens every provider there is when it starts: one registered later waits for the next)."""
    run = MonitoringRun.objects.filter(started_at__gte=provider.created_at).order_by("-started_at").first()
    return None if run is None else run.started_at


def flag_counts() -> dict[str, int]:
    """The flags of every provider, by kind (every kind, 0 when none)."""
    counts = dict.fromkeys((kind.value for kind in FlagKind), 0)
    for row in ScreeningFlag.objects.values("kind").annotate(n=Count("id")):
        counts[row["kind"]] = row["n"]
    return counts


def flags_queryset(*, kind: str | None = None, provider: Any = None) -> QuerySet[ScreeningFlag]:
    queryset = ScreeningFlag.objects.select_related("provider", "file").order_by("kind", "provider__last_name",
                                                                                 "provider__first_name", "id")
    if kind:
        queryset = queryset.filter(kind=kind)
    if provider:
        queryset = queryset.filter(provider_id=provider)
    return queryset


def flag_item(flag: ScreeningFlag) -> dict[str, Any]:
    provider, file = flag.provider, flag.file
    return {
        "id": flag.pk, "provider_id": provider.pk,
        "provider_name": full_name(provider.professional_title, provider.first_name, provider.last_name),
        "kind": flag.kind, "source": flag.source, "reason": flag.reason,
        "file": {"id": file.pk, "name": file.name, "published": file.published, "sha256": file.sha256},
        "line": flag.line, "evidence": flag.evidence, "created_at": flag.created_at,
        "decision": flag.decision or None, "decision_reason": flag.decision_reason, "decided_by": flag.decided_by,
        "decided_at": flag.decided_at,
    }


def flag_detail(flag: ScreeningFlag) -> dict[str, Any]:
    """A flag with the history of its decisions (the audit), newest first."""
    history = [{"decision": event.decision, "reason": event.reason, "actor": event.actor_email, "at": event.at}
               for event in flag.history.order_by("-at", "-id")]
    return {**flag_item(flag), "history": history}


def run_item(run: MonitoringRun, *, detail: bool = False) -> dict[str, Any]:
    item = {"id": run.pk, "started_at": run.started_at, "finished_at": run.finished_at, "by": run.by,
            "files": run.files, "providers": run.providers, "counts": run.counts,
            "added_count": len(run.added), "removed_count": len(run.removed)}
    if detail:
        item.update(added=run.added, removed=run.removed)
    return item


def monitoring_status(now: datetime) -> dict[str, Any]:
    run = runs.last_run()
    return {"last_run": run_item(run) if run else None,
            "age_days": (now - run.started_at).days if run else None, "overdue": runs.overdue(run, now)}
