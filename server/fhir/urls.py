"""The /fhir/ address map."""
from django.urls import path, re_path

from server.fhir import apis

urlpatterns = [
    path("metadata", apis.MetadataApi.as_view(), name="fhir-metadata"),
    path("$export", apis.ExportApi.as_view(), name="fhir-export"),
    path("<str:resource_type>", apis.SearchApi.as_view(), name="fhir-search"),
    path("<str:resource_type>/<str:pk>", apis.ReadApi.as_view(), name="fhir-read"),
    re_path(r"^(?P<rest>.*)$", apis.UnknownApi.as_view(), name="fhir-unknown"),
]
