"""Django admin for the directory (superusers); saves go through Provider.save (revisions)."""
from django.contrib import admin

from server.directory.models import Appointment, Hospital, Notification, Provider


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    list_display = ["name", "city"]
    search_fields = ["name", "city"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "professional_title", "license_number", "license_status", "is_active"]
    list_filter = ["license_status", "is_active", "professional_role", "professional_title"]
    search_fields = ["last_name", "first_name", "email", "license_number", "npi"]
    raw_id_fields = ["user"]
    filter_horizontal = ["hospitals"]
    readonly_fields = ["revision", "created_at", "updated_at"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["scheduled_at", "provider", "patient_name", "status"]
    list_filter = ["status"]
    raw_id_fields = ["provider"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "provider", "level", "message", "read"]
    raw_id_fields = ["provider"]
