"""URL map: the API under /api/v1/, its OpenAPI document, and the Django admin."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from server.accounts.admin import admin_login
from server.accounts.urls import urlpatterns as auth_urls
from server.appointments.urls import urlpatterns as appointment_urls
from server.credentialing import apis as credentialing
from server.directory import apis as directory
from server.directory import bulk_apis
from server.fhir.urls import urlpatterns as fhir_urls
from server.screening import apis as screening


class HealthAliasApi(directory.HealthApi):
    """`/health/` outside the versioned path, for load balancers; not in the OpenAPI document."""

    schema = None


api = [
    path("auth/", include(auth_urls)),
    path("auth/provider/register/", directory.ProviderRegisterApi.as_view(), name="provider-register"),
    path("auth/provider/profile/", directory.ProviderProfileApi.as_view(), name="provider-profile"),
    path("auth/provider/dashboard/", directory.ProviderDashboardApi.as_view(), name="provider-dashboard"),
    path("providers/", directory.ProviderListApi.as_view(), name="provider-list"),
    path("providers/search/", directory.ProviderSearchApi.as_view(), name="provider-search"),
    path("providers/dropdown/", bulk_apis.ProviderDropdownApi.as_view(), name="provider-dropdown"),
    path("providers/changes/", bulk_apis.ProviderChangesApi.as_view(), name="provider-changes"),
    path("providers/snapshot/", bulk_apis.ProviderSnapshotApi.as_view(), name="provider-snapshot"),
    path("providers/hospital/<uuid:hospital_id>/", directory.ProvidersByHospitalApi.as_view(),
         name="provider-by-hospital"),
    path("providers/<uuid:pk>/", directory.ProviderDetailApi.as_view(), name="provider-detail"),
    path("providers/<uuid:pk>/license/document/", credentialing.LicenseDocumentApi.as_view(),
         name="provider-license-document"),
    path("providers/<uuid:pk>/license/decision/", credentialing.LicenseDecisionApi.as_view(),
         name="provider-license-decision"),
    path("providers/<uuid:pk>/audit/", credentialing.AuditApi.as_view(), name="provider-audit"),
    path("credentialing/queue/", credentialing.QueueApi.as_view(), name="credentialing-queue"),
    path("credentialing/recredentialing/", credentialing.RecredentialingApi.as_view(),
         name="credentialing-recredentialing"),
    path("credentialing/audit/", credentialing.AuditExportApi.as_view(), name="credentialing-audit"),
    path("dashboard/", credentialing.StaffDashboardApi.as_view(), name="staff-dashboard"),
    path("screening/files/", screening.ReferenceFileListApi.as_view(), name="screening-files"),
    path("screening/files/leie/", screening.LeieUploadApi.as_view(), name="screening-leie-upload"),
    path("screening/flags/", screening.FlagListApi.as_view(), name="screening-flags"),
    path("screening/flags/<uuid:pk>/", screening.FlagDetailApi.as_view(), name="screening-flag"),
    path("screening/flags/<uuid:pk>/decision/", screening.FlagDecisionApi.as_view(), name="screening-flag-decision"),
    path("screening/runs/", screening.RunListApi.as_view(), name="screening-runs"),
    path("screening/runs/<uuid:pk>/", screening.RunDetailApi.as_view(), name="screening-run"),
    path("screening/status/", screening.MonitoringStatusApi.as_view(), name="screening-status"),
    path("appointments/", include(appointment_urls)),
    path("hospitals/", directory.HospitalListApi.as_view(), name="hospital-list"),
    path("hospitals/<uuid:pk>/", directory.HospitalDetailApi.as_view(), name="hospital-detail"),
    path("health/", directory.HealthApi.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema-v1"),
]

urlpatterns = [
    path("api/v1/", include(api)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the document as pages to read (their scripts come from a CDN, in the reader's browser), where the
    # seed guide's backend has them too
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("health/", HealthAliasApi.as_view(), name="health-root"),
    path("fhir/", include(fhir_urls)),
    # before the admin's own: its sign-in, counted with the API's (accounts/throttle.py)
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
]

handler400 = "server.common.exceptions.json_bad_request"
handler403 = "server.common.exceptions.json_permission_denied"
handler404 = "server.common.exceptions.json_not_found"
handler500 = "server.common.exceptions.json_server_error"
