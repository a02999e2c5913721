"""The appointments' paths, as the seed guide's backend names them (under /api/v1/appointments/)."""
from django.urls import path

from server.appointments import apis

urlpatterns = [
    path("", apis.AppointmentListApi.as_view(), name="appointment-list"),
    path("create/", apis.AppointmentCreateApi.as_view(), name="appointment-create"),
    path("upcoming/", apis.UpcomingApi.as_view(), name="appointment-upcoming"),
    path("history/", apis.HistoryApi.as_view(), name="appointment-history"),
    path("<uuid:pk>/", apis.AppointmentDetailApi.as_view(), name="appointment-detail"),
    path("<uuid:pk>/update/", apis.AppointmentUpdateApi.as_view(), name="appointment-update"),
    path("<uuid:pk>/cancel/", apis.AppointmentCancelApi.as_view(), name="appointment-cancel"),
    path("<uuid:pk>/reschedule/", apis.AppointmentRescheduleApi.as_view(), name="appointment-reschedule"),
    path("doctor/<uuid:doctor_id>/today/", apis.DoctorTodayApi.as_view(), name="appointment-doctor-today"),
    path("doctor/<uuid:doctor_id>/upcoming/", apis.DoctorUpcomingApi.as_view(), name="appointment-doctor-upcoming"),
]
