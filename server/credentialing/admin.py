"""Django admin for license documents and the audit trail (read-only: the trail is evidence)."""
from typing import Any

from django.contrib import admin

from server.credentialing.models import AuditEvent, LicenseDocument


@admin.register(LicenseDocument)
class LicenseDocumentAdmin(admin.ModelAdmin):
    list_display = ["provider", "content_type", "size", "uploaded_at", "uploaded_by"]
    list_select_related = ["provider", "uploaded_by"]
    readonly_fields = ["provider", "file", "original_name", "content_type", "size", "sha256", "uploaded_by"]
    raw_id_fields = ["provider"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "provider", "actor_email", "action", "detail"]
    list_filter = ["action"]
    list_select_related = ["provider"]
    search_fields = ["actor_email", "detail", "provider__last_name", "provider__license_number"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any) -> bool:
        return False
