"""Reference files as loaded, the LEIE's rows, and the flags a screening leaves on providers."""
from __future__ import annotations

import uuid

from django.db import models

from contract.choices import FlagDecision, FlagKind, ReferenceSource, choices
from server.directory.models import Provider


class ReferenceFile(models.Model):
    """One load of a reference file: what it was (name, publication date, SHA-256, rows) and who loaded it.

    Records are kept after a newer file replaces this one (its rows go): a flag names the file it came from.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=8, choices=choices(ReferenceSource))
    name = models.CharField(max_length=255)
    published = models.DateField()
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.CharField(max_length=254, help_text="The account's email, or the command line")
    current = models.BooleanField(default=False)

    class Meta:
        ordering = ["-loaded_at"]
        constraints = [models.UniqueConstraint(fields=["source"], condition=models.Q(current=True),
                                               name="reference_file_one_current_per_source")]


class LeieRow(models.Model):
    """A line of the current LEIE file: its 18 values as the file has them, and the keys screening matches on."""

    file = models.ForeignKey(ReferenceFile, on_delete=models.CASCADE, related_name="leie_rows")
    line = models.PositiveIntegerField(help_text="The line in the file (the header is line 1)")
    npi = models.CharField(max_length=10, blank=True, help_text="Empty where the file has 0000000000")
    last_key = models.CharField(max_length=100)
    first_key = models.CharField(max_length=100)
    state = models.CharField(max_length=8, blank=True)
    reinstated = models.DateField(null=True)
    values = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["npi"]), models.Index(fields=["last_key", "first_key"])]


class ScreeningFlag(models.Model):
    """A provider that a rule matched to a row of a reference file, with that row as its evidence.

    `evidence_key` (the SHA-256 of the row's values) identifies the evidence across files: a later
    load that still holds the same row keeps the flag as it is.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="screening_flags")
    kind = models.CharField(max_length=16, choices=choices(FlagKind))
    source = models.CharField(max_length=8, choices=choices(ReferenceSource))
    file = models.ForeignKey(ReferenceFile, on_delete=models.PROTECT, related_name="flags")
    line = models.PositiveIntegerField()
    evidence = models.JSONField(help_text="The row's values by the file's column names")
    evidence_key = models.CharField(max_length=64)
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # the officer's decision, kept while the evidence stays (a later load with the same row keeps the flag)
    decision = models.CharField(max_length=16, choices=choices(FlagDecision), blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.CharField(max_length=254, blank=True)
    decided_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["kind", "created_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "kind", "evidence_key"],
                                               name="screening_flag_one_per_evidence")]
        indexes = [models.Index(fields=["kind", "provider"])]



class FlagDecisionEvent(models.Model):
    """The audit of flag decisions: every decision taken, by whom, when and why, kept after its flag goes.

    Apart from the providers' audit trail (credentialing.AuditEvent), whose events a provider's
    dashboard shows it: no provider may learn that it was screened.
    """

    id = models.BigAutoField(primary_key=True)
    flag = models.ForeignKey(ScreeningFlag, null=True, on_delete=models.SET_NULL, related_name="history")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=choices(FlagKind))
    evidence_key = models.CharField(max_length=64)
    decision = models.CharField(max_length=16, choices=choices(FlagDecision))
    reason = models.TextField(blank=True)
    actor_email = models.CharField(max_length=254)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]


class MonitoringRun(models.Model):
    """One screening of the whole directory against the loaded files, kept for the auditors: the files
    (names, publication dates, SHA-256), the counts of flags after it, and the flags it added and took
    away since the run before (each as {flag_id, provider_id, kind, line, evidence_key, decision})."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    by = models.CharField(max_length=254, help_text="The account's email, or the command line")
    files = models.JSONField(default=list)
    providers = models.PositiveIntegerField()
    counts = models.JSONField(default=dict)
    added = models.JSONField(default=list)
    removed = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["started_at"])]
