"""Credentialing endpoints: license documents, decisions, the queue, the audit trail, the dashboard."""
from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contract.choices import Decision, LicenseStatus, Role, values
from server.accounts.permissions import IsCredentialingOfficer, IsStaff, role_of
from server.common.outputs import DetailSerializer, rendered
from server.common.pagination import PagedApi
from server.common.params import int_param, uuid_param
from server.common.schema import ERRORS
from server.common.text import character_validators
from server.credentialing import clocks, selectors, services
from server.credentialing.models import AuditAction, AuditEvent, LicenseDocument
from server.credentialing.outputs import (
    AuditEventSerializer,
    AuditRecordSerializer,
    RecredentialingClockSerializer,
    StaffDashboardSerializer,
)
from server.credentialing.services import DOCUMENT_SIGNATURES
from server.directory.apis import provider_response
from server.directory.models import Provider
from server.directory.outputs import ProviderSerializer, ProviderSummarySerializer
from server.directory.selectors import summaries_of
from server.directory.versioned import cached, query_key


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=values(Decision))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="",
                                 validators=character_validators("note"))
    license_expiry_date = serializers.DateField(required=False, allow_null=True, default=None)


AUDIT_DECISIONS = (AuditAction.VERIFIED, AuditAction.REJECTED)
AUDIT_RANGE_BACKWARDS = "The end date (until) must not be before the start date (since)."


class AuditExportQuerySerializer(serializers.Serializer):
    since = serializers.DateField(input_formats=["%Y-%m-%d"], help_text="First day (server's local date)")
    until = serializers.DateField(input_formats=["%Y-%m-%d"], help_text="Last day, included")
    action = serializers.ChoiceField(
        choices=["all", *AuditAction.values], required=False, allow_blank=True,
        help_text="One action, or all; default the decisions (verified and rejected)",
        error_messages={"invalid_choice": "Select a valid choice. {input} is not one of the available choices."},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["since"] > attrs["until"]:
            raise ValidationError({"until": [AUDIT_RANGE_BACKWARDS]})
        return attrs

    @property
    def actions(self) -> tuple[str, ...] | None:
        """The actions asked for; None for every action."""
        action = self.validated_data.get("action") or ""
        if action == "all":
            return None
        return (action,) if action else AUDIT_DECISIONS


class LicenseDocumentApi(APIView):
    """The provider's current license document, with its type, size, checksum and upload time."""

    @extend_schema(responses={**{(200, kind): OpenApiTypes.BINARY for _, kind in DOCUMENT_SIGNATURES}, **ERRORS})
    def get(self, request: Request, pk: Any) -> FileResponse:
        provider = get_object_or_404(Provider, pk=pk)
        role = role_of(request)
        if role == Role.PROVIDER and provider.user_id != request.user.pk:
            raise PermissionDenied("You can only see your own license document.")
        document = LicenseDocument.objects.filter(provider=provider).order_by("-uploaded_at").first()
        if document is None:
            raise Http404("This provider has no license document.")
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            raise Http404("The license document file is missing on the server.") from None
        response = FileResponse(handle, content_type=document.content_type)
        response["Content-Length"] = str(document.size)
        extension = document.file.name.rsplit(".", 1)[-1]
        # a download, never a page of our origin: a name of our own (not the uploaded one), no
        # content sniffing, and a sandbox without scripts should a browser render it anyway
        response["Content-Disposition"] = f'attachment; filename="license-{provider.pk}.{extension}"'
        response["Content-Security-Policy"] = "sandbox"
        response["X-Content-Type-Options"] = "nosniff"
        response["ETag"] = f'"{document.sha256}"'
        response["X-Content-SHA256"] = document.sha256
        response["Last-Modified"] = http_date(document.uploaded_at.timestamp())
        response["Cache-Control"] = "private, no-store"
        return response


class LicenseDecisionApi(APIView):
    permission_classes = [IsCredentialingOfficer]

    @extend_schema(request=DecisionSerializer, responses={200: ProviderSerializer, 412: DetailSerializer, **ERRORS})
    def post(self, request: Request, pk: Any) -> Response:
        provider = get_object_or_404(Provider, pk=pk)
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        provider = services.license_decide(
            provider=provider, actor=request.user, decision=data["decision"], note=data["note"] or "",
            expiry=data["license_expiry_date"], today=timezone.localdate(), if_match=request.headers.get("If-Match"),
        )
        return provider_response(provider)


class RecredentialingApi(PagedApi):
    permission_classes = [IsStaff]

    @extend_schema(parameters=[OpenApiParameter("provider", str, description="A provider's id"),
                               OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
                   responses={200: RecredentialingClockSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        return self.page(request, clocks.last_verifications(uuid_param(request, "provider")),
                         lambda rows: list(RecredentialingClockSerializer([clocks.clock_item(row) for row in rows],
                                                                          many=True).data))


class QueueApi(PagedApi):
    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("license_status", str, enum=values(LicenseStatus),
                             description="Default pending_verification"),
            OpenApiParameter("expiring_within", int, description="Verified licenses expiring within DAYS"),
            OpenApiParameter("page", int), OpenApiParameter("page_size", int),
        ],
        responses={200: ProviderSummarySerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        status = request.query_params.get("license_status") or LicenseStatus.PENDING
        if status not in values(LicenseStatus):
            raise ValidationError({"license_status": [f"Select a valid choice. {status} is not one of "
                                                      "the available choices."]})
        within = None
        if request.query_params.get("expiring_within") not in (None, ""):
            within = int_param(request, "expiring_within", default=30, low=0, high=3650)
        queryset = selectors.queue_queryset(status=status, expiring_within=within, on=timezone.localdate())
        return self.page(request, queryset.values_list("pk", flat=True), summaries_of,
                         count=lambda: cached("queue-count", queryset.count, query_key(request.query_params)))


class AuditApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: AuditEventSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: Any) -> Response:
        provider = get_object_or_404(Provider, pk=pk)
        events = selectors.readable_events(AuditEvent.objects.filter(provider=provider), role_of(request))
        events = events.order_by("-at", "-id")
        return rendered(AuditEventSerializer, selectors.audit_rows(events), many=True)


class AuditExportApi(PagedApi):
    """Every audit event of a date range, oldest first: by default the license decisions."""

    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[AuditExportQuerySerializer, OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses={200: AuditRecordSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        form = AuditExportQuerySerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        rows = selectors.audit_export_queryset(
            since=form.validated_data["since"], until=form.validated_data["until"], actions=form.actions,
            role=role_of(request))
        return self.page(request, rows, lambda page: AuditRecordSerializer(
            [selectors.audit_export_item(row) for row in page], many=True).data)


class StaffDashboardApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: StaffDashboardSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        return rendered(StaffDashboardSerializer, cached("staff-dashboard", selectors.staff_dashboard))

