"""Hospitals, providers and the revision counter that orders every provider write."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Lower, Upper

from contract.choices import LicenseStatus, NotificationLevel, ProfessionalRole, ProfessionalTitle, choices
from contract.names import sort_name
from server.directory.choices import AppointmentStatus


class RevisionCounter(models.Model):
    """A single row; its value is the revision of the newest provider write.

    A write takes the next value with an UPDATE, which locks the row until the writing
    transaction commits, so revisions become visible in the order they were taken: a reader
    that sees revision N has already seen every revision below N (the change feed relies on it).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)


def revisions_reserve(count: int = 1) -> int:
    """Reserve `count` revisions; returns the last. Must run inside the writing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("revisions must be reserved inside the writing transaction")
    if not RevisionCounter.objects.filter(pk=1).update(value=F("value") + count):
        RevisionCounter.objects.create(pk=1, value=count)
    return int(RevisionCounter.objects.values_list("value", flat=True).get(pk=1))


class Hospital(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "city"], name="hospital_name_city_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


def search_text_of(**fields: Any) -> str:
    """The lower-cased words that directory search matches against."""
    parts = ("first_name", "last_name", "email", "license_number", "specialization", "organization_facility")
    return " ".join(str(fields.get(part) or "") for part in parts).lower()


def derived_fields(**fields: Any) -> dict[str, str]:
    """The columns a provider's own fields decide (search words, name order), for every way it is written."""
    return {"search_text": search_text_of(**fields),
            "sort_name": sort_name(fields.get("first_name") or "", fields.get("last_name") or "")}


def effective_license_status(stored: str, expiry: date | None, today: date) -> str:
    """A verified license whose expiry date has passed reads as expired."""
    if stored == LicenseStatus.VERIFIED and expiry is not None and expiry < today:
        return LicenseStatus.EXPIRED
    return stored


class Provider(models.Model):
    """A healthcare provider in the directory; `revision` orders its writes (see RevisionCounter)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="provider"
    )
    professional_title = models.CharField(max_length=8, choices=choices(ProfessionalTitle))
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254, unique=True)
    phone_number = models.CharField(max_length=32, blank=True)
    organization_facility = models.CharField(max_length=200)
    professional_role = models.CharField(max_length=32, choices=choices(ProfessionalRole))
    specialization = models.CharField(max_length=100, blank=True)
    license_number = models.CharField(max_length=50)
    # the National Provider Identifier, checked by contract.validation.npi_error; NULL when not given,
    # so that any number of providers may lack one
    npi = models.CharField(max_length=10, null=True, blank=True, unique=True)
    license_status = models.CharField(max_length=24, choices=choices(LicenseStatus),
                                      default=LicenseStatus.PENDING.value)
    license_expiry_date = models.DateField(null=True, blank=True)
    license_note = models.TextField(blank=True, help_text="The credentialing officer's note on a rejection.")
    additional_information = models.TextField(max_length=1000, blank=True)
    # kept for clients of the seed guide's backend, which send them at registration (never dropped)
    hospital_clinic = models.CharField(max_length=200, blank=True)
    address = models.TextField(max_length=500, blank=True)
    years_of_experience = models.PositiveIntegerField(default=0)
    consultation_fee = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    bio = models.TextField(blank=True)
    hospitals = models.ManyToManyField(Hospital, blank=True, related_name="providers")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revision = models.BigIntegerField(unique=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    # contract.names.sort_name of the names: the name order, compared by code point ("C" on PostgreSQL)
    sort_name = models.TextField(default="", editable=False)

    class Meta:
        ordering = ["sort_name", "id"]
        constraints = [models.UniqueConstraint(Upper("license_number"), name="provider_license_number_ci_unique")]
        indexes = [
            # the directory's default listing: active providers by name (also covers its count)
            models.Index(fields=["is_active", "sort_name", "id"], name="provider_active_name_idx"),
            # the snapshot's order for staff, active or not: rows stream in index order, never sorted whole
            # (sorting 100,000 rows put the first byte 0.3 s out and took memory per snapshot read)
            models.Index(fields=["sort_name", "id"], name="provider_name_order_idx"),
            # FHIR's name searches: starts with, in any case (server/fhir/providers.py); covering the name
            # order, so a page of a common prefix is sorted from the index (2 ms at 100,000, not 25)
            # (both names in each: SQLite 3.40 reads a row to test lower(name) unless the index holds the name)
            models.Index(Lower("last_name"), F("last_name"), F("first_name"), F("sort_name"), F("id"),
                         name="provider_lower_last_idx"),
            models.Index(Lower("first_name"), F("last_name"), F("first_name"), F("sort_name"), F("id"),
                         name="provider_lower_first_idx"),
            models.Index(fields=["license_status", "created_at"], name="provider_status_created_idx"),
            models.Index(fields=["license_status", "license_expiry_date"], name="provider_status_expiry_idx"),
            models.Index(fields=["specialization"], name="provider_specialization_idx"),
            models.Index(fields=["organization_facility"], name="provider_organization_idx"),
            models.Index(fields=["created_at"], name="provider_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.license_number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = (self.email or "").strip().lower()
        self.license_number = (self.license_number or "").strip()
        self.npi = (self.npi or "").strip() or None
        derived = derived_fields(**self.__dict__)
        for name, value in derived.items():
            setattr(self, name, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *derived, "revision", "updated_at"}
        with transaction.atomic():
            self.revision = revisions_reserve()
            super().save(*args, **kwargs)


class ProviderTombstone(models.Model):
    """A provider that was erased (only superusers can, in the Django admin), for the change feed."""

    provider_id = models.UUIDField(primary_key=True)
    revision = models.BigIntegerField(unique=True)
    deleted_at = models.DateTimeField(auto_now_add=True)


class Appointment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="appointments")
    patient_name = models.CharField(max_length=200)
    scheduled_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED)

    class Meta:
        ordering = ["-scheduled_at"]
        indexes = [models.Index(fields=["provider", "scheduled_at"])]


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="notifications")
    level = models.CharField(max_length=8, choices=choices(NotificationLevel),
                             default=NotificationLevel.INFO.value)
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["provider", "created_at"])]
