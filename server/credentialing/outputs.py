"""What the credentialing endpoints answer, declared once: the audit trail, its export, the staff dashboard.

The OpenAPI document is generated from these serializers, and the answers are rendered by them.
"""
from __future__ import annotations

from rest_framework import serializers

from server.directory.outputs import ActivitySerializer


class AuditEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    action = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    fields = serializers.ListField(child=serializers.CharField(), help_text="Extension: the fields changed.")


class AuditRecordSerializer(AuditEventSerializer):
    provider_id = serializers.UUIDField()
    provider_name = serializers.CharField()
    license_number = serializers.CharField()


class ExpiringSerializer(serializers.Serializer):
    within_30 = serializers.IntegerField()
    within_60 = serializers.IntegerField()
    within_90 = serializers.IntegerField()


class WeekCountSerializer(serializers.Serializer):
    week = serializers.DateField()
    count = serializers.IntegerField()


class StaffDashboardSerializer(serializers.Serializer):
    providers_total = serializers.IntegerField()
    by_license_status = serializers.DictField(child=serializers.IntegerField())
    by_professional_role = serializers.DictField(child=serializers.IntegerField())
    pending_queue = serializers.IntegerField()
    expiring = ExpiringSerializer()
    registrations_by_week = WeekCountSerializer(many=True)
    recent_activities = ActivitySerializer(many=True)


class RecredentialingClockSerializer(serializers.Serializer):
    """A verified provider's recredentialing clock (staff only: no provider sees it, not even its own)."""

    provider_id = serializers.UUIDField()
    verified_at = serializers.DateTimeField(help_text="The last verify decision")
    due = serializers.DateField(help_text="36 months after verified_at (the server's local date), no grace")
