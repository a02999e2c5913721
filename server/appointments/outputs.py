"""What the appointments endpoints answer and accept, declared once (the OpenAPI document is generated from them).

Names are the seed guide's backend's where it has the fact (`healthcare_provider`, `appointment_date`,
`end_time`, `duration_minutes`, `appointment_type`, `chief_complaint`, `patient_name`), ours beside them.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from contract import appointments as rules
from contract.appointments import AppointmentStatus, AppointmentType
from contract.choices import choices
from server.appointments.models import Appointment
from server.common.text import character_validators
from server.directory.choices import full_name

NO_SUCH_DATE = "{value} is not a date on the calendar: check the day and the month."
BAD_DATETIME = "Enter a date and time as YYYY-MM-DDThh:mm (with an optional time zone, such as +02:00 or Z)."
_DATE_PART = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")


def provider_name(provider: Any) -> str:
    return full_name(provider.professional_title, provider.first_name, provider.last_name)


def calendar_date_error(value: Any) -> str | None:
    """The words for a date part that is not on the calendar (31 February), or None."""
    found = _DATE_PART.match(str(value))
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    try:
        date(year, month, day)
    except ValueError:
        return NO_SUCH_DATE.format(value=f"{year:04d}-{month:02d}-{day:02d}")
    return None


class CalendarDateTimeField(serializers.DateTimeField):
    """A date and time, refusing an impossible date (31 February) with words that say so."""

    default_error_messages = {"invalid": BAD_DATETIME}

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str) and (message := calendar_date_error(value)):
            raise serializers.ValidationError(message)
        return super().to_internal_value(value)


def _text(name: str, max_length: int, *, required: bool) -> serializers.CharField:
    """A one-line text field; a required one says the contract's words when missing or blank."""
    messages = {}
    if required:
        message = getattr(rules, f"{name.upper()}_REQUIRED")
        messages = {"required": message, "blank": message}
    return serializers.CharField(max_length=max_length, required=required, allow_blank=not required,
                                 validators=character_validators(name), error_messages=messages)


class AppointmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    healthcare_provider = serializers.UUIDField(source="provider_id")
    healthcare_provider_name = serializers.SerializerMethodField()
    healthcare_provider_specialization = serializers.CharField(source="provider.specialization")
    patient_name = serializers.CharField()
    patient_contact = serializers.CharField(help_text="Extension: a phone number or an email address.")
    appointment_date = serializers.DateTimeField(source="start", help_text="The start.")
    end_time = serializers.DateTimeField(source="end")
    duration_minutes = serializers.SerializerMethodField()
    appointment_type = serializers.ChoiceField(choices=choices(AppointmentType))
    status = serializers.ChoiceField(choices=choices(AppointmentStatus))
    chief_complaint = serializers.CharField(source="reason", allow_blank=True, help_text="A short reason.")
    cancellation_reason = serializers.CharField(allow_blank=True, help_text="Extension.")
    booked_by = serializers.CharField(source="booked_by_email", allow_blank=True, help_text="Extension: who booked.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    is_upcoming = serializers.SerializerMethodField()
    can_be_cancelled = serializers.SerializerMethodField()
    can_be_rescheduled = serializers.SerializerMethodField()

    def get_healthcare_provider_name(self, appointment: Appointment) -> str:
        return provider_name(appointment.provider)

    def get_duration_minutes(self, appointment: Appointment) -> int:
        return int((appointment.end - appointment.start).total_seconds() // 60)

    def get_is_upcoming(self, appointment: Appointment) -> bool:
        return appointment.start >= timezone.now() and appointment.status in rules.OPEN

    def get_can_be_cancelled(self, appointment: Appointment) -> bool:
        return appointment.status in rules.OPEN

    def get_can_be_rescheduled(self, appointment: Appointment) -> bool:
        return appointment.status in rules.OPEN


class TimesInput(serializers.Serializer):
    appointment_date = CalendarDateTimeField(help_text="The start.")
    end_time = CalendarDateTimeField(required=False, help_text="The end; or give duration_minutes.")
    duration_minutes = serializers.IntegerField(required=False, min_value=rules.MIN_MINUTES,
                                                max_value=rules.MAX_MINUTES)


class BookingInput(TimesInput):
    healthcare_provider = serializers.UUIDField()
    patient_name = _text("patient_name", rules.PATIENT_NAME_MAX, required=True)
    patient_contact = _text("patient_contact", rules.CONTACT_MAX, required=True)
    appointment_type = serializers.ChoiceField(choices=choices(AppointmentType), required=False,
                                               default=AppointmentType.CONSULTATION.value)
    chief_complaint = _text("chief_complaint", rules.REASON_MAX, required=False)


class UpdateInput(serializers.Serializer):
    """A provider sends `status`; an administrator the details."""

    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in rules.PROVIDER_MOVES], required=False)
    patient_name = _text("patient_name", rules.PATIENT_NAME_MAX, required=False)
    patient_contact = _text("patient_contact", rules.CONTACT_MAX, required=False)
    appointment_type = serializers.ChoiceField(choices=choices(AppointmentType), required=False)
    chief_complaint = _text("chief_complaint", rules.REASON_MAX, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("patient_name", "patient_contact"):
            if name in attrs and not attrs[name].strip():
                raise serializers.ValidationError({name: [getattr(rules, f"{name.upper()}_REQUIRED")]})
        return attrs


class CancelInput(serializers.Serializer):
    reason = _text("reason", rules.REASON_MAX, required=False)


def detail_values(data: dict[str, Any]) -> dict[str, Any]:
    """The model's names of an input's details (`chief_complaint` is stored as `reason`)."""
    values: dict[str, Any] = {name: data[name] for name in ("patient_name", "patient_contact", "appointment_type")
                              if name in data}
    if "chief_complaint" in data:
        values["reason"] = data["chief_complaint"]
    return {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
