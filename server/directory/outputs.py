"""What the directory answers, declared once: each answer's fields, their types and who may read them.

The OpenAPI document is generated from these serializers; the answers are rendered by them, but
for the provider rows (server/common/outputs.py says why), which selectors.py and snapshot.py
build with the field names read from here.
"""
from __future__ import annotations

from rest_framework import serializers

from contract.choices import LicenseStatus, NotificationLevel, ProfessionalRole, ProfessionalTitle, choices
from server.accounts.serializers import SignedInExtrasSerializer, UserSerializer
from server.common.outputs import field_names, optional_variant


class HospitalRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    city = serializers.CharField()


class HospitalSerializer(HospitalRefSerializer):
    provider_count = serializers.IntegerField()


class LicenseDocumentInfoSerializer(serializers.Serializer):
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class ProviderSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    professional_title = serializers.ChoiceField(choices=choices(ProfessionalTitle))
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    phone_number = serializers.CharField(allow_blank=True)
    organization_facility = serializers.CharField()
    professional_role = serializers.ChoiceField(choices=choices(ProfessionalRole))
    specialization = serializers.CharField(allow_blank=True)
    license_number = serializers.CharField()
    license_status = serializers.ChoiceField(choices=choices(LicenseStatus))
    license_expiry_date = serializers.DateField(allow_null=True)
    is_active = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


# Its fields' order is the order of the values of the snapshot's rows (snapshot.py).
class ProviderSerializer(ProviderSummarySerializer):
    """A whole provider: what staff read of every provider, and a provider of itself."""

    license_verified = serializers.BooleanField()
    has_license_document = serializers.BooleanField()
    license_document = LicenseDocumentInfoSerializer(allow_null=True, help_text="Extension: the current document.")
    license_note = serializers.CharField(allow_blank=True, help_text="Extension: the note of a rejection.")
    additional_information = serializers.CharField(allow_blank=True)
    years_of_experience = serializers.IntegerField()
    consultation_fee = serializers.DecimalField(max_digits=10, decimal_places=2)
    bio = serializers.CharField(allow_blank=True)
    hospitals = HospitalRefSerializer(many=True)
    created_at = serializers.DateTimeField()
    hospital_clinic = serializers.CharField(allow_blank=True, help_text="Extension: the seed guide's backend's field, "
                                                                        "kept as sent")
    address = serializers.CharField(allow_blank=True, help_text="Extension: the seed guide's backend's field, kept "
                                                                "as sent")
    npi = serializers.CharField(allow_null=True, help_text="The National Provider Identifier; null when not given.")


# The fields of a Provider that only staff and the provider itself may read (visibility.py).
PRIVATE_FIELDS = ("license_note", "additional_information", "license_document", "has_license_document",
                  "hospital_clinic", "address")
SUMMARY_FIELDS = field_names(ProviderSummarySerializer)
PROVIDER_FIELDS = field_names(ProviderSerializer)
PUBLIC_FIELDS = tuple(name for name in PROVIDER_FIELDS if name not in PRIVATE_FIELDS)

DirectoryProviderSerializer = optional_variant(
    ProviderSerializer, "DirectoryProvider", optional=PRIVATE_FIELDS,
    note="Staff and the provider itself only (docs/api.md, 'What each role sees').",
    doc="A provider as the directory shows it to its reader: the whole record to staff and to the\n"
        "provider itself (the Provider shape), the public fields only to other providers.",
)


class DropdownItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    full_name = serializers.CharField()
    specialization = serializers.CharField(allow_blank=True)
    organization_facility = serializers.CharField()


class ChangesSerializer(serializers.Serializer):
    results = DirectoryProviderSerializer(many=True)
    deleted = serializers.ListField(child=serializers.UUIDField())
    cursor = serializers.CharField()
    has_more = serializers.BooleanField()


class ActivitySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    message = serializers.CharField()


class NotificationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    level = serializers.ChoiceField(choices=choices(NotificationLevel))
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    read = serializers.BooleanField()


class ProviderStatsSerializer(serializers.Serializer):
    total_appointments = serializers.IntegerField()
    upcoming_appointments = serializers.IntegerField()
    completed_appointments = serializers.IntegerField()
    patients_count = serializers.IntegerField()


class SeedStatisticsSerializer(ProviderStatsSerializer):
    """Our counts and the seed guide's backend's (`statistics`): the appointments of today, this week, this month."""

    today_appointments = serializers.IntegerField()
    week_appointments = serializers.IntegerField()
    month_appointments = serializers.IntegerField()


class DashboardProviderSerializer(serializers.Serializer):
    """The provider as the seed guide's backend's dashboard names it (`provider`)."""

    id = serializers.UUIDField()
    full_name = serializers.CharField()
    specialization = serializers.CharField()
    years_of_experience = serializers.IntegerField()
    consultation_fee = serializers.DecimalField(max_digits=10, decimal_places=2)


class RecentAppointmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    patient_name = serializers.CharField()
    scheduled_at = serializers.DateTimeField()
    status = serializers.CharField()


class ProviderDashboardSerializer(serializers.Serializer):
    provider_profile = ProviderSerializer()
    stats = ProviderStatsSerializer()
    statistics = SeedStatisticsSerializer()  # the seed guide's backend's names, beside ours
    provider = DashboardProviderSerializer()
    recent_appointments = RecentAppointmentSerializer(many=True)
    recent_activities = ActivitySerializer(many=True)
    notifications = NotificationSerializer(many=True)
    license_status = serializers.ChoiceField(choices=choices(LicenseStatus))


class RegistrationOutputSerializer(SignedInExtrasSerializer):
    MESSAGE = "Healthcare provider registered successfully"
    user = UserSerializer()
    profile = ProviderSerializer()
    access = serializers.CharField()
    refresh = serializers.CharField()
    userProfile = ProviderSerializer(source="profile")


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[("ok", "ok"), ("degraded", "degraded")],
                                     help_text="degraded: the process answers, but something it shares is away "
                                               "(see problems)")
    version = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField(), required=False,
                                     help_text="What is degraded, in words; only when status is degraded")
