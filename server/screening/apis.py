"""Screening endpoints: reference files (list, LEIE upload) and flags. Staff read; credentialing officers load."""
from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contract.choices import FlagDecision, FlagKind, choices, values
from server.accounts.permissions import IsCredentialingOfficer, IsStaff
from server.common.outputs import rendered
from server.common.pagination import PagedApi
from server.common.params import uuid_param
from server.common.schema import ERRORS
from server.common.text import character_validators
from server.screening import runs, selectors, services
from server.screening.leie import LeieFileError
from server.screening.models import MonitoringRun, ScreeningFlag
from server.screening.outputs import (
    LoadResultSerializer,
    MonitoringRunDetailSerializer,
    MonitoringRunSerializer,
    MonitoringStatusSerializer,
    ReferenceFileSerializer,
    ScreeningFlagDetailSerializer,
    ScreeningFlagSerializer,
)


class LeieUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text="The OIG's UPDATED.csv, as published")
    published = serializers.DateField(required=False, allow_null=True,
                                      help_text="Its publication date; default the newest date in the file")


class ReferenceFileListApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: ReferenceFileSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        return rendered(ReferenceFileSerializer, selectors.reference_files(), many=True)


class LeieUploadApi(APIView):
    permission_classes = [IsCredentialingOfficer]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": LeieUploadSerializer},
                   responses={201: LoadResultSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        form = LeieUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            file = services.leie_load(stream=upload, name=upload.name or "UPDATED.csv", loaded_by=request.user.email,
                                      published=form.validated_data.get("published"))
        except LeieFileError as error:
            raise ValidationError({"file": [str(error)]}) from None
        return rendered(LoadResultSerializer, {"file": file, "flags": selectors.flag_counts()}, status=201)


class FlagListApi(PagedApi):
    permission_classes = [IsStaff]

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=values(FlagKind)),
                               OpenApiParameter("provider", str, description="A provider's id"),
                               OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
                   responses={200: ScreeningFlagSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in values(FlagKind):
            raise ValidationError({"kind": [f"Select a valid choice. {kind} is not one of the available choices."]})
        queryset = selectors.flags_queryset(kind=kind, provider=uuid_param(request, "provider"))
        return self.page(request, queryset, _rendered)


def _rendered(flags: list[Any]) -> list[Any]:
    return list(ScreeningFlagSerializer([selectors.flag_item(flag) for flag in flags], many=True).data)


class FlagDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=choices(FlagDecision))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="",
                                   validators=character_validators("note"))


def _flag(pk: Any) -> ScreeningFlag:
    return get_object_or_404(ScreeningFlag.objects.select_related("provider", "file"), pk=pk)


class FlagDetailApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: ScreeningFlagDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: Any) -> Response:
        return rendered(ScreeningFlagDetailSerializer, selectors.flag_detail(_flag(pk)))


class FlagDecisionApi(APIView):
    permission_classes = [IsCredentialingOfficer]

    @extend_schema(request=FlagDecisionSerializer, responses={200: ScreeningFlagDetailSerializer, **ERRORS})
    def post(self, request: Request, pk: Any) -> Response:
        form = FlagDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        flag = services.flag_decide(flag=_flag(pk), actor_email=request.user.email,
                                    decision=FlagDecision(form.validated_data["decision"]),
                                    reason=form.validated_data["reason"] or "")
        return rendered(ScreeningFlagDetailSerializer, selectors.flag_detail(_flag(flag.pk)))


class RunListApi(PagedApi):
    permission_classes = [IsStaff]

    def get_permissions(self) -> list[Any]:
        return [IsCredentialingOfficer()] if self.request.method == "POST" else [IsStaff()]

    @extend_schema(parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
                   responses={200: MonitoringRunSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        return self.page(request, MonitoringRun.objects.order_by("-started_at"),
                         lambda found: list(MonitoringRunSerializer([selectors.run_item(r) for r in found],
                                                                    many=True).data))

    @extend_schema(request=None, responses={201: MonitoringRunDetailSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        run = runs.monitoring_run(by=request.user.email)
        return rendered(MonitoringRunDetailSerializer, selectors.run_item(run, detail=True), status=201)


class RunDetailApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: MonitoringRunDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: Any) -> Response:
        run = get_object_or_404(MonitoringRun, pk=pk)
        return rendered(MonitoringRunDetailSerializer, selectors.run_item(run, detail=True))


class MonitoringStatusApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: MonitoringStatusSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        return rendered(MonitoringStatusSerializer, selectors.monitoring_status(timezone.now()))
