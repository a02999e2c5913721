"""Input shapes of provider writes, with the seed's rules and words (contract/validation.py).

What the directory answers is declared in outputs.py.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from contract import validation as rules
from contract.choices import ProfessionalRole, ProfessionalTitle, choices
from server.common.text import character_validators


def _messages(name: str, **extra: str) -> dict[str, str]:
    required = rules.REQUIRED.get(name, "This field is required.")
    messages = {"required": required, "blank": required, "null": required, **extra}
    if name in rules.MAX_LENGTH:
        messages["max_length"] = rules.MAX_LENGTH[name][1]
    if name in rules.MIN_LENGTH:
        messages["min_length"] = rules.MIN_LENGTH[name][1]
    return messages


def _max_length(name: str) -> int:
    return rules.MAX_LENGTH[name][0]


def _required_text(name: str, max_length: int | None = None) -> serializers.CharField:
    min_length = rules.MIN_LENGTH.get(name, (None, ""))[0]
    return serializers.CharField(max_length=max_length or _max_length(name), min_length=min_length,
                                 error_messages=_messages(name), validators=character_validators(name))


def _optional_text(name: str, max_length: int | None = None) -> serializers.CharField:
    return serializers.CharField(max_length=max_length or _max_length(name), required=False, allow_blank=True,
                                 allow_null=True, error_messages=_messages(name),
                                 validators=character_validators(name))


def _is_blank(data: Any) -> bool:
    return isinstance(data, str) and not data.strip()


class OptionalIntegerField(serializers.IntegerField):
    """An optional whole number where "" means not given, like null (docs/api.md, Conventions)."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        return super().validate_empty_values(None if _is_blank(data) else data)


class OptionalDecimalField(serializers.DecimalField):
    """An optional decimal where "" means not given, like null (docs/api.md, Conventions)."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        return super().validate_empty_values(None if _is_blank(data) else data)


class RequiredChoiceField(serializers.ChoiceField):
    """A choice where an empty value reads as missing (the seed's "... is required")."""

    def to_internal_value(self, data: Any) -> Any:
        if data == "":
            self.fail("required")
        return super().to_internal_value(data)


def _choice(name: str, choices: Any) -> serializers.ChoiceField:
    return RequiredChoiceField(choices=choices, error_messages=_messages(name))


class ProviderWriteSerializer(serializers.Serializer):
    """Provider fields a facility administrator (or the provider, on its profile) may write."""

    professional_title = _choice("professional_title", choices(ProfessionalTitle))
    first_name = _required_text("first_name")
    last_name = _required_text("last_name")
    email = serializers.EmailField(max_length=rules.EMAIL_MAX_LENGTH, validators=character_validators("email"),
                                   error_messages=_messages("email", invalid=rules.EMAIL_INVALID,
                                                            max_length=rules.EMAIL_INVALID))
    phone_number = _optional_text("phone_number", 32)
    organization_facility = _required_text("organization_facility")
    professional_role = _choice("professional_role", choices(ProfessionalRole))
    specialization = _optional_text("specialization")
    license_number = _required_text("license_number")
    npi = serializers.CharField(max_length=32, required=False, allow_blank=True, allow_null=True,
                                error_messages={"max_length": rules.NPI_DIGITS, "invalid": rules.NPI_DIGITS})
    additional_information = _optional_text("additional_information")
    hospital_clinic = _optional_text("hospital_clinic")  # the seed guide's backend's, kept (docs/api.md)
    address = _optional_text("address")
    years_of_experience = OptionalIntegerField(
        required=False, allow_null=True, min_value=0, max_value=80, error_messages={"min_value": rules.YEARS_MIN}
    )
    consultation_fee = OptionalDecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, min_value=Decimal("0"),
        error_messages={"min_value": rules.FEE_MIN},
    )
    bio = _optional_text("bio", 5000)
    hospitals = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=50)

    def validate_phone_number(self, value: str | None) -> str:
        value = (value or "").strip()
        if value and not rules.phone_is_valid(value):
            raise serializers.ValidationError(rules.PHONE_FORMAT)
        return value

    def validate_email(self, value: str) -> str:
        return value.strip().lower()

    def validate_license_number(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError(rules.REQUIRED["license_number"])
        return value

    def validate_npi(self, value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            return None  # not given (docs/api.md, Conventions)
        message = rules.npi_error(value)
        if message:
            raise serializers.ValidationError(message)
        return value

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        values = super().to_internal_value(data)
        # an empty optional field means "not given" (docs/api.md, Conventions)
        for name in ("specialization", "additional_information", "bio", "hospital_clinic", "address"):
            if name in values and values[name] is None:
                values[name] = ""
        if values.get("years_of_experience", 0) is None:
            values["years_of_experience"] = 0
        if values.get("consultation_fee", 0) is None:
            values["consultation_fee"] = Decimal("0.00")
        return values


class AdminProviderWriteSerializer(ProviderWriteSerializer):
    is_active = serializers.BooleanField(required=False)


class ProfileWriteSerializer(ProviderWriteSerializer):
    """The provider's own profile: the same fields, plus a license document in multipart."""

    license_document = serializers.FileField(required=False, allow_empty_file=False)


class RegistrationSerializer(ProviderWriteSerializer):
    username = serializers.CharField(max_length=150, required=False, allow_blank=True, allow_null=True,
                                     validators=character_validators("username"))
    password = serializers.CharField(
        min_length=rules.PASSWORD_MIN_LENGTH, max_length=128, trim_whitespace=False, write_only=True,
        error_messages=_messages("password", min_length=rules.PASSWORD_LENGTH),
    )
    password_confirm = serializers.CharField(
        max_length=128, trim_whitespace=False, write_only=True, error_messages=_messages("password_confirm")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["password"] != attrs["password_confirm"]:
            raise serializers.ValidationError({"password_confirm": [rules.PASSWORD_MATCH]})
        return attrs
