"""Directory endpoints: registration, profile, provider CRUD, search, hospitals (bulk_apis.py: the whole directory)."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contract.choices import Role
from server.accounts.permissions import ReadOrFacilityAdmin, role_of
from server.accounts.services import session_start
from server.common.conditional import etag_for
from server.common.health import health_problems
from server.common.outputs import DetailSerializer, rendered
from server.common.pagination import PagedApi
from server.common.params import int_param
from server.common.parsers import JSONParser
from server.common.schema import ERRORS
from server.common.throttles import ScopedWindowThrottle
from server.directory import selectors, services
from server.directory.dashboard import provider_dashboard
from server.directory.filters import ProviderFilter, SearchFilter, name_prefix_q
from server.directory.models import Hospital, Provider
from server.directory.outputs import (
    DirectoryProviderSerializer,
    HealthSerializer,
    HospitalSerializer,
    ProviderDashboardSerializer,
    ProviderSerializer,
    ProviderSummarySerializer,
    RegistrationOutputSerializer,
)
from server.directory.serializers import AdminProviderWriteSerializer, ProfileWriteSerializer, RegistrationSerializer
from server.directory.versioned import cached, query_key
from server.directory.visibility import STAFF, Audience, audience_of, shown_to, visible_providers, visible_q


def filtered(request: Request, view: APIView, filterset_class: type[ProviderFilter]) -> QuerySet[Provider]:
    """Provider rows the caller may see that pass the request's filters; invalid filter values are a 400."""
    visible = visible_providers(audience_of(request))
    filterset = filterset_class(request.query_params, queryset=visible, request=request)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def provider_response(
    provider: Provider, status_code: int = status.HTTP_200_OK, audience: Audience = STAFF
) -> Response:
    data = shown_to(audience, selectors.provider_detail(provider.pk))
    return Response(data, status=status_code, headers={"ETag": etag_for(provider.revision)})


class ProviderRegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedWindowThrottle]
    throttle_scope = "register"

    @extend_schema(request=RegistrationSerializer, responses={201: RegistrationOutputSerializer, **ERRORS}, auth=[])
    def post(self, request: Request) -> Response:
        form = RegistrationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        user, provider = services.provider_register(
            values=values, password=values.pop("password"), username=values.pop("username", None)
        )
        tokens = session_start(user=user)
        body = {"user": user, "profile": selectors.provider_detail(provider.pk), "access": tokens.access,
                "refresh": tokens.refresh}
        return rendered(RegistrationOutputSerializer, body, status=status.HTTP_201_CREATED)


class ProviderProfileApi(APIView):
    """The signed-in provider's own profile (404 for staff: they have none)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _own(self, request: Request) -> Provider:
        if role_of(request) != Role.PROVIDER:
            raise Http404
        provider = Provider.objects.filter(user=request.user).first()
        if provider is None:
            raise Http404
        return provider

    @extend_schema(responses={200: ProviderSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        return provider_response(self._own(request))

    @extend_schema(request=ProfileWriteSerializer, responses={200: ProviderSerializer, 412: DetailSerializer,
                                                              413: DetailSerializer, **ERRORS})
    def put(self, request: Request) -> Response:
        return self._update(request, partial=False)

    @extend_schema(request=ProfileWriteSerializer, responses={200: ProviderSerializer, 412: DetailSerializer,
                                                              413: DetailSerializer, **ERRORS})
    def patch(self, request: Request) -> Response:
        return self._update(request, partial=True)

    def _update(self, request: Request, *, partial: bool) -> Response:
        provider = self._own(request)
        form = ProfileWriteSerializer(data=request.data, partial=partial)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        document = values.pop("license_document", None)
        provider = services.provider_update(actor=request.user, provider=provider, values=values, document=document,
                                            if_match=request.headers.get("If-Match"))
        return provider_response(provider)


class ProviderDashboardApi(APIView):
    @extend_schema(responses={200: ProviderDashboardSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        if role_of(request) != Role.PROVIDER:
            raise Http404
        provider = Provider.objects.filter(user=request.user).first()
        if provider is None:
            raise Http404
        return rendered(ProviderDashboardSerializer, provider_dashboard(provider))


class ProviderListApi(PagedApi):
    permission_classes = [ReadOrFacilityAdmin]
    filterset_class = ProviderFilter

    @extend_schema(responses={200: ProviderSummarySerializer(many=True), **ERRORS}, filters=True)
    def get(self, request: Request) -> Response:
        queryset = filtered(request, self, ProviderFilter)
        if not request.query_params.get("ordering"):
            queryset = queryset.order_by("sort_name", "id")
        else:
            queryset = queryset.order_by(*queryset.query.order_by, "id")
        count_key = (audience_of(request).key, query_key(request.query_params, ("page", "page_size", "ordering")))
        return self.page(request, queryset.values_list("pk", flat=True), selectors.summaries_of,
                         count=lambda: cached("provider-count", queryset.count, *count_key))

    @extend_schema(request=AdminProviderWriteSerializer, responses={201: ProviderSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        form = AdminProviderWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        provider = services.provider_create(actor=request.user, values=dict(form.validated_data))
        return provider_response(provider, status.HTTP_201_CREATED)


class ProviderDetailApi(APIView):
    permission_classes = [ReadOrFacilityAdmin]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses={200: DirectoryProviderSerializer, **ERRORS})
    def get(self, request: Request, pk: Any) -> Response:
        audience = audience_of(request)
        # the representation and its revision in one read, of the providers the caller may see
        found = selectors.provider_rows(visible_providers(audience).filter(pk=pk), detail=True, with_revision=True)
        if not found:
            raise Http404
        revision = found[0].pop("_revision")
        return Response(shown_to(audience, found[0]), headers={"ETag": etag_for(revision)})

    @extend_schema(request=AdminProviderWriteSerializer, responses={200: ProviderSerializer,
                                                                    412: DetailSerializer, **ERRORS})
    def put(self, request: Request, pk: Any) -> Response:
        return self._update(request, pk, partial=False)

    @extend_schema(request=AdminProviderWriteSerializer, responses={200: ProviderSerializer,
                                                                    412: DetailSerializer, **ERRORS})
    def patch(self, request: Request, pk: Any) -> Response:
        return self._update(request, pk, partial=True)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request: Request, pk: Any) -> Response:
        provider = get_object_or_404(Provider, pk=pk)
        services.provider_deactivate(actor=request.user, provider=provider, if_match=request.headers.get("If-Match"))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request: Request, pk: Any, *, partial: bool) -> Response:
        provider = get_object_or_404(Provider, pk=pk)
        form = AdminProviderWriteSerializer(data=request.data, partial=partial)
        form.is_valid(raise_exception=True)
        provider = services.provider_update(actor=request.user, provider=provider, values=dict(form.validated_data),
                                            if_match=request.headers.get("If-Match"))
        return provider_response(provider)


class ProviderSearchApi(APIView):
    filterset_class = SearchFilter

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="At least 2 characters, else the answer is []"),
            OpenApiParameter("limit", int, description="Default 20, at most 100"),
        ],
        responses={200: ProviderSummarySerializer(many=True), **ERRORS},
        filters=True,
    )
    def get(self, request: Request) -> Response:
        limit = int_param(request, "limit", default=20, low=1, high=100)
        text = request.query_params.get("q", "").strip()
        queryset = filtered(request, self, SearchFilter)
        words = selectors.search_words(text)
        if len(text) < 2 or not words:
            return Response([])
        ranked = selectors.search_filter(queryset, text).alias(
            name_rank=_rank(words)
        ).order_by("name_rank", "sort_name", "id")
        return Response(cached("search", lambda: selectors.provider_rows(ranked, detail=False, limit=limit),
                               audience_of(request).key, query_key(request.query_params, ())))


def _rank(words: list[str]) -> Case:
    return Case(When(name_prefix_q(words), then=Value(0)), default=Value(1), output_field=IntegerField())


class ProvidersByHospitalApi(APIView):
    filterset_class = ProviderFilter

    @extend_schema(responses={200: ProviderSummarySerializer(many=True), **ERRORS}, filters=True)
    def get(self, request: Request, hospital_id: Any) -> Response:
        hospital = get_object_or_404(Hospital, pk=hospital_id)
        queryset = filtered(request, self, ProviderFilter).filter(hospitals=hospital)
        if not request.query_params.get("ordering"):
            queryset = queryset.order_by("sort_name", "id")
        return Response(selectors.provider_rows(queryset, detail=False))


def _hospitals(request: Request) -> QuerySet[Hospital]:
    """Hospitals with their count of the active providers the caller may see."""
    return selectors.hospitals_with_counts(visible_q(audience_of(request), "providers__"))


def _hospital_list(request: Request) -> list[dict[str, Any]]:
    """Every hospital as HospitalSerializer renders it, for the caller; computed once per directory revision."""
    return cached("hospitals", lambda: list(HospitalSerializer(_hospitals(request), many=True).data),
                  audience_of(request).key)


class HospitalListApi(PagedApi):
    @extend_schema(responses={200: HospitalSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        return self.page(request, _hospital_list(request), lambda page: page)


class HospitalDetailApi(APIView):
    @extend_schema(responses={200: HospitalSerializer, **ERRORS})
    def get(self, request: Request, pk: Any) -> Response:
        return rendered(HospitalSerializer, get_object_or_404(_hospitals(request), pk=pk))


class HealthApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(responses={200: HealthSerializer}, auth=[])
    def get(self, request: Request) -> Response:
        problems = health_problems()
        if problems:
            return rendered(HealthSerializer, {"status": "degraded", "version": settings.VERSION, "problems": problems})
        return rendered(HealthSerializer, {"status": "ok", "version": settings.VERSION})

