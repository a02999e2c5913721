"""Appointments endpoints (docs/api.md, "Appointments"): the seed guide's backend's paths, our roles.

A provider reads its own and confirms, completes or marks no-show; a facility administrator reads
all, books, reschedules and cancels; a credentialing officer sees none (403). Another provider's
appointment is 404 to a provider, as another provider's record outside the directory is.
"""
from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contract import appointments as rules
from contract.appointments import AppointmentStatus
from contract.choices import Role, values
from server.accounts.permissions import role_of
from server.appointments import services
from server.appointments.models import Appointment
from server.appointments.outputs import (
    AppointmentSerializer,
    BookingInput,
    CancelInput,
    TimesInput,
    UpdateInput,
    calendar_date_error,
    detail_values,
)
from server.common.outputs import rendered
from server.common.pagination import PagedApi
from server.common.params import int_param
from server.common.schema import ERRORS
from server.directory.models import Provider

OFFICERS_SEE_NONE = "Credentialing officers do not see appointments."
ADMIN_ONLY = "Only a facility administrator books, reschedules or cancels appointments."
PROVIDER_ONLY = "Only the provider confirms, completes or marks no-show its own appointments."
PROVIDER_STATUS_ONLY = "A provider may only change the status of its own appointments."
NO_SUCH_PROVIDER = "There is no provider with this id."
BAD_DAY = "Enter a date as YYYY-MM-DD or a date and time."
BAD_FLAG = "Use true or false."


class SeesAppointments(BasePermission):
    """Providers (their own) and facility administrators (all); credentialing officers none."""

    message = OFFICERS_SEE_NONE

    def has_permission(self, request: Request, view: Any) -> bool:
        return role_of(request) in (Role.PROVIDER, Role.FACILITY_ADMIN)


def _own_provider(request: Request) -> Provider | None:
    """The signed-in provider's record; None for a facility administrator."""
    if role_of(request) != Role.PROVIDER:
        return None
    provider = Provider.objects.filter(user=request.user).first()
    if provider is None:
        raise Http404
    return provider


def visible_appointments(request: Request) -> QuerySet[Appointment]:
    queryset = Appointment.objects.select_related("provider")
    own = _own_provider(request)
    return queryset.filter(provider=own) if own is not None else queryset


def _appointment(request: Request, pk: Any) -> Appointment:
    found = visible_appointments(request).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _admin_only(request: Request) -> None:
    if role_of(request) != Role.FACILITY_ADMIN:
        raise PermissionDenied(ADMIN_ONLY)


def _moment(request: Request, name: str, *, end: bool) -> datetime | None:
    """A query parameter that is a day (its start, or with `end` the next day's start) or a date and time."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if message := calendar_date_error(raw):
        raise ValidationError({name: [message]})
    try:
        if len(raw) == 10:
            day = datetime.fromisoformat(raw).date() + timedelta(days=1 if end else 0)
            return timezone.make_aware(datetime.combine(day, time.min))
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError({name: [BAD_DAY]}) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _flag(request: Request, name: str) -> bool:
    raw = (request.query_params.get(name) or "").lower()
    if raw in ("", "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise ValidationError({name: [BAD_FLAG]})


def filtered(request: Request, queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """The list's filters: status (one or several, comma-separated), provider, a time range, upcoming, past, today."""
    statuses = [s for s in (request.query_params.get("status") or "").split(",") if s]
    unknown = [s for s in statuses if s not in values(AppointmentStatus)]
    if unknown:
        raise ValidationError({"status": [f"Select a valid choice. {unknown[0]} is not one of the available choices."]})
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    provider = request.query_params.get("healthcare_provider") or request.query_params.get("provider")
    if provider:
        try:
            queryset = queryset.filter(provider_id=uuid.UUID(provider))
        except ValueError:
            raise ValidationError({"healthcare_provider": ["Must be a valid UUID."]}) from None
    start, end = _moment(request, "start_date", end=False), _moment(request, "end_date", end=True)
    if start is not None:
        queryset = queryset.filter(end__gt=start)
    if end is not None:
        queryset = queryset.filter(start__lt=end)
    now = timezone.now()
    if _flag(request, "upcoming"):
        queryset = queryset.filter(start__gte=now)
    if _flag(request, "past"):
        queryset = queryset.filter(start__lt=now)
    if _flag(request, "today"):
        day = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
        queryset = queryset.filter(start__gte=day, start__lt=day + timedelta(days=1))
    return queryset


def _render(page: list[Appointment]) -> list[Any]:
    return list(AppointmentSerializer(page, many=True).data)


LIST_PARAMETERS = [
    OpenApiParameter("status", str, description="One status or several, comma-separated"),
    OpenApiParameter("healthcare_provider", OpenApiTypes.UUID, description="One provider's (administrators)"),
    OpenApiParameter("start_date", str, description="From this day (YYYY-MM-DD) or moment"),
    OpenApiParameter("end_date", str, description="Through this day (YYYY-MM-DD) or up to this moment"),
    OpenApiParameter("upcoming", bool), OpenApiParameter("past", bool), OpenApiParameter("today", bool),
    OpenApiParameter("page", int), OpenApiParameter("page_size", int),
]


def _times(data: dict[str, Any], *, keep: timedelta | None = None) -> tuple[datetime, datetime]:
    start = data["appointment_date"]
    if "end_time" in data:
        return start, data["end_time"]
    minutes = data.get("duration_minutes")
    length = timedelta(minutes=minutes) if minutes else keep or timedelta(minutes=rules.DEFAULT_MINUTES)
    return start, start + length


class AppointmentListApi(PagedApi):
    """Appointments the caller may see, earliest first."""

    permission_classes = [SeesAppointments]

    @extend_schema(parameters=LIST_PARAMETERS, responses={200: AppointmentSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        queryset = filtered(request, visible_appointments(request)).order_by("start", "id")
        return self.page(request, queryset, _render)


class AppointmentCreateApi(APIView):
    permission_classes = [SeesAppointments]

    @extend_schema(request=BookingInput, responses={201: AppointmentSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        _admin_only(request)
        form = BookingInput(data=request.data)
        form.is_valid(raise_exception=True)
        provider = Provider.objects.filter(pk=form.validated_data["healthcare_provider"]).first()
        if provider is None:
            raise ValidationError({"healthcare_provider": [NO_SUCH_PROVIDER]})
        start, end = _times(form.validated_data)
        appointment = services.appointment_book(actor=request.user, provider=provider, start=start, end=end,
                                                values=detail_values(form.validated_data))
        return rendered(AppointmentSerializer, appointment, status=201)


class AppointmentDetailApi(APIView):
    permission_classes = [SeesAppointments]

    @extend_schema(responses={200: AppointmentSerializer, **ERRORS})
    def get(self, request: Request, pk: Any) -> Response:
        return rendered(AppointmentSerializer, _appointment(request, pk))


class AppointmentUpdateApi(APIView):
    """A provider sets `status` (confirmed, completed, no_show) of its own; an administrator changes the details."""

    permission_classes = [SeesAppointments]

    @extend_schema(request=UpdateInput, responses={200: AppointmentSerializer, **ERRORS})
    def patch(self, request: Request, pk: Any) -> Response:
        appointment = _appointment(request, pk)
        form = UpdateInput(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        if role_of(request) == Role.PROVIDER:
            if set(data) - {"status"}:
                raise PermissionDenied(PROVIDER_STATUS_ONLY)
            if "status" in data:
                appointment = services.appointment_set_status(actor=request.user, appointment=appointment,
                                                              status=data["status"])
        else:
            if "status" in data:
                raise PermissionDenied(PROVIDER_ONLY)
            appointment = services.appointment_update_details(actor=request.user, appointment=appointment,
                                                              values=detail_values(data))
        return rendered(AppointmentSerializer, appointment)

    @extend_schema(request=UpdateInput, responses={200: AppointmentSerializer, **ERRORS})
    def put(self, request: Request, pk: Any) -> Response:
        return self.patch(request, pk)


class AppointmentCancelApi(APIView):
    """Cancel with a reason (`{"reason"}`, kept in the audit); DELETE as the seed guide's backend, or POST."""

    permission_classes = [SeesAppointments]

    @extend_schema(request=CancelInput, responses={200: AppointmentSerializer, **ERRORS})
    def post(self, request: Request, pk: Any) -> Response:
        appointment = _appointment(request, pk)
        _admin_only(request)
        form = CancelInput(data=request.data if hasattr(request.data, "get") and request.data else
                           {"reason": request.query_params.get("reason", "")})
        form.is_valid(raise_exception=True)
        appointment = services.appointment_cancel(actor=request.user, appointment=appointment,
                                                  reason=form.validated_data.get("reason", ""))
        return rendered(AppointmentSerializer, appointment)

    @extend_schema(parameters=[OpenApiParameter("reason", str)], responses={200: AppointmentSerializer, **ERRORS})
    def delete(self, request: Request, pk: Any) -> Response:
        return self.post(request, pk)


class AppointmentRescheduleApi(APIView):
    """A new time (`appointment_date` and `end_time` or `duration_minutes`; the length is kept without them)."""

    permission_classes = [SeesAppointments]

    @extend_schema(request=TimesInput, responses={200: AppointmentSerializer, **ERRORS})
    def post(self, request: Request, pk: Any) -> Response:
        appointment = _appointment(request, pk)
        _admin_only(request)
        form = TimesInput(data=request.data)
        form.is_valid(raise_exception=True)
        start, end = _times(form.validated_data, keep=appointment.end - appointment.start)
        appointment = services.appointment_reschedule(actor=request.user, appointment=appointment, start=start,
                                                      end=end)
        return rendered(AppointmentSerializer, appointment)

    @extend_schema(request=TimesInput, responses={200: AppointmentSerializer, **ERRORS})
    def patch(self, request: Request, pk: Any) -> Response:
        return self.post(request, pk)


class UpcomingApi(APIView):
    """The next open appointments (scheduled or confirmed), soonest first: an array, as the seed guide's backend."""

    permission_classes = [SeesAppointments]

    @extend_schema(parameters=[OpenApiParameter("limit", int, description="Default 5, at most 100")],
                   responses={200: AppointmentSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        limit = int_param(request, "limit", default=5, low=1, high=100)
        rows = (visible_appointments(request).filter(start__gte=timezone.now(), status__in=list(rules.OPEN))
                .order_by("start", "id")[:limit])
        return rendered(AppointmentSerializer, list(rows), many=True)


class HistoryApi(PagedApi):
    """Appointments that have started, newest first (a `status` filter narrows them)."""

    permission_classes = [SeesAppointments]

    @extend_schema(parameters=LIST_PARAMETERS, responses={200: AppointmentSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        queryset = filtered(request, visible_appointments(request)).filter(start__lt=timezone.now())
        return self.page(request, queryset.order_by("-start", "-id"), _render)


def _doctor(request: Request, doctor_id: Any) -> QuerySet[Appointment]:
    """One provider's appointments: any provider's to an administrator, only its own to a provider (else 404)."""
    own = _own_provider(request)
    if own is not None and str(own.pk) != str(doctor_id):
        raise Http404
    if own is None and not Provider.objects.filter(pk=doctor_id).exists():
        raise Http404
    return Appointment.objects.select_related("provider").filter(provider_id=doctor_id)


class DoctorTodayApi(PagedApi):
    permission_classes = [SeesAppointments]

    @extend_schema(responses={200: AppointmentSerializer(many=True), **ERRORS})
    def get(self, request: Request, doctor_id: Any) -> Response:
        day = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
        queryset = _doctor(request, doctor_id).filter(start__gte=day, start__lt=day + timedelta(days=1))
        return self.page(request, queryset.order_by("start", "id"), _render)


class DoctorUpcomingApi(PagedApi):
    permission_classes = [SeesAppointments]

    @extend_schema(responses={200: AppointmentSerializer(many=True), **ERRORS})
    def get(self, request: Request, doctor_id: Any) -> Response:
        queryset = _doctor(request, doctor_id).filter(start__gte=timezone.now(), status__in=list(rules.OPEN))
        return self.page(request, queryset.order_by("start", "id"), _render)
