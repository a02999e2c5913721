"""An appointment: a provider, a patient (a name and one contact), a time, a type, a status and a short reason."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from contract import appointments as rules
from contract.appointments import AppointmentStatus, AppointmentType
from contract.choices import choices


class Appointment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="bookings")
    patient_name = models.CharField(max_length=rules.PATIENT_NAME_MAX)
    patient_contact = models.CharField(max_length=rules.CONTACT_MAX)
    start = models.DateTimeField()
    end = models.DateTimeField()
    appointment_type = models.CharField(max_length=16, choices=choices(AppointmentType),
                                        default=AppointmentType.CONSULTATION.value)
    status = models.CharField(max_length=16, choices=choices(AppointmentStatus),
                              default=AppointmentStatus.SCHEDULED.value)
    reason = models.CharField(max_length=rules.REASON_MAX, blank=True)
    cancellation_reason = models.CharField(max_length=rules.REASON_MAX, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    booked_by_email = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["provider", "start"], name="appointment_provider_start"),
            models.Index(fields=["start"], name="appointment_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="appointment_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.patient_name} at {self.start:%Y-%m-%d %H:%M}"
